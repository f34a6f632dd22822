/// The actions that cache through the `@actions/cache` toolkit and print its lines:
/// actions/cache (with its `restore` and `save` sub-actions) and the setup-* actions.
///
/// The texts come from actions/cache `restoreImpl.ts`/`saveImpl.ts`, the toolkit's `cache.ts`
/// and the setup actions' `cache-restore.ts`/`cache-save.ts`; the README's "Input formats"
/// section lists them. The other families run the toolkit underneath, so its lines (sizes,
/// progress, failures) also turn up in their steps: this family's facts are the base the others
/// read too. To add a setup action that caches the same way, add its name to ``setupActions``.
enum ToolkitCache {
  /// `actions/cache`; its sub-actions run as `actions/cache/restore@…` and `actions/cache/save@…`.
  static let cache = "actions/cache"
  /// `actions/setup-node`, which caches npm, yarn or pnpm stores when `cache:` names one.
  static let setupNode = "actions/setup-node"
  /// `actions/setup-python`, which caches pip, pipenv or poetry stores when `cache:` names one.
  static let setupPython = "actions/setup-python"
  /// `actions/setup-java`, which caches Maven, Gradle or sbt stores when `cache:` names one.
  static let setupJava = "actions/setup-java"
  /// `actions/setup-dotnet`, which caches NuGet packages when `cache:` is set.
  static let setupDotnet = "actions/setup-dotnet"
  /// `actions/setup-go`, which caches modules and the build cache when `cache: true`.
  static let setupGo = "actions/setup-go"

  /// The setup actions whose `cache:` input names a package manager (any value but `false`
  /// turns caching on) and which restore only their primary key.
  static let setupActions = [setupNode, setupPython, setupJava, setupDotnet]

  /// Every action of the family.
  static let actions = [cache, setupGo] + setupActions

  /// The `key` input: the primary key.
  static let keyInput = "key"
  /// The `restore-keys` input: prefixes tried in order after the primary key, one a line.
  static let restoreKeysInput = "restore-keys"
  /// The setup actions' `cache` input: the package manager, or `true` for setup-go.
  static let cacheInput = "cache"

  /// The step inputs the family reads (the parser keeps only inputs some family reads).
  static let inputNames = [
    keyInput, restoreKeysInput, "path", "lookup-only", "fail-on-cache-miss", cacheInput,
  ]

  /// Whether a step of `action` prints the setup actions' `… cache is not found` miss.
  ///
  /// Any `actions/setup-…` action counts, also ones the family does not list.
  static func printsSetupMiss(_ action: String?) -> Bool {
    action?.hasPrefix("actions/setup-") ?? false
  }

  /// Whether `message` is a setup action's miss (`npm cache is not found`, `Cache is not found`).
  @inline(__always)
  static func isSetupMiss(_ message: UnsafeBufferPointer<UInt8>) -> Bool {
    ByteSearch.hasSuffix(message, "ache is not found")
  }

  /// Whether a main step of the family restores a cache.
  static func restores(_ action: String, stepName: String, inputs: [String: String]) -> Bool {
    switch action {
    case cache: return !CacheActions.isSaveSubAction(stepName)
    case setupGo: return inputs[cacheInput] == "true"
    default:
      guard setupActions.contains(action) else { return false }
      return !(inputs[cacheInput] ?? "").isEmpty && inputs[cacheInput] != "false"
    }
  }

  /// Whether a main step of the family has a post step: actions/cache but not its sub-actions;
  /// the setup actions declare one whether or not caching is on.
  static func hasPostStep(_ action: String, stepName: String) -> Bool {
    guard action == cache else { return true }
    return !CacheActions.isSaveSubAction(stepName) && !CacheActions.isRestoreSubAction(stepName)
  }

  /// Whether an action restores only its primary key (no restore keys), so a restored key is
  /// an exact hit even when the log does not show the key it looked up.
  static func usesOnlyPrimaryKey(_ action: String) -> Bool {
    setupActions.contains(action)
  }

  // MARK: - Lines

  /// The lines of the toolkit and of actions/cache.
  static let patterns: [CacheLinePattern] = [
    CacheLinePattern("Cache hit for restore-key: ") { line, decode in
      .found(.toolkitRestoreKeyHit(decode(line.rest)))
    },
    CacheLinePattern("Cache hit for: ") { line, decode in .found(.toolkitHit(decode(line.rest))) },
    CacheLinePattern("Cache hit occurred on the primary key ") { line, decode in
      var key = line.rest
      if let end = ByteSearch.firstIndex(of: ", not saving cache", in: key) {
        key = key.slice(0, end)
      }
      return .found(.savePrimaryHit(decode(key)))
    },
    CacheLinePattern("Cache restored from key: ") { line, decode in
      .found(.restoredFromKey(decode(line.rest)))
    },
    CacheLinePattern("Cache found and can be restored from key: ") { line, decode in
      .found(.foundRestorable(decode(line.rest)))
    },
    CacheLinePattern("Cache not found for input keys: ") { line, decode in
      .found(.notFound(CacheLineValue.keyList(line.rest, decode)))
    },
    CacheLinePattern("Cache not found for keys: ") { line, decode in
      .found(.notFound(CacheLineValue.keyList(line.rest, decode)))
    },
    CacheLinePattern("Cache Size: ") { line, _ in
      CacheLineValue.parenthesisedBytes(line.bytes).map { .found(.size($0)) }
    },
    CacheLinePattern("Cache saved with key: ") { line, decode in
      .found(.savedWithKey(decode(line.rest)))
    },
    CacheLinePattern("Cache saved with the key: ") { line, decode in
      .found(.savedWithKey(decode(line.rest)))
    },
    CacheLinePattern("Cache saved successfully", always: .savedSuccessfully),
    CacheLinePattern("Cache save failed") { line, decode in
      .found(.saveFailed(decode(line.bytes), key: nil, reservation: false))
    },
    CacheLinePattern("Cache reservation failed") { line, decode in
      .found(.saveFailed(decode(line.bytes), key: nil, reservation: true))
    },
    CacheLinePattern("Received ") { line, _ in
      CacheLineValue.progress(line.rest).map { .found(.received($0.0, of: $0.1)) }
    },
    CacheLinePattern("Sent ") { line, _ in
      CacheLineValue.progress(line.rest).map { .found(.sent($0.0, of: $0.1)) }
    },
    CacheLinePattern("Failed to save: ") { line, decode in
      .found(saveFailure(line.rest, decode))
    },
    CacheLinePattern("Failed to restore cache entry.") { line, decode in
      let rest = line.afterPrefix
      if let at = ByteSearch.firstIndex(of: "Input key: ", in: rest) {
        return .found(.notFound([decode(rest.dropping(at + 11).trimmingSpaces())]))
      }
      return .found(.notFound([]))
    },
    CacheLinePattern("Failed to restore: ") { line, decode in
      .found(.restoreFailed(decode(line.rest)))
    },
    CacheLinePattern("Unable to reserve cache") { line, decode in
      .found(saveFailure(line.bytes, decode))
    },
    CacheLinePattern("Unable to finalize cache") { line, decode in
      .found(saveFailure(line.bytes, decode))
    },
    // `core.warning` text that the toolkit throws when no path exists; it counts only as a
    // plain line (as runlens always read it).
    CacheLinePattern("Path Validation Error: ", onlyUnannotated: true) { line, decode in
      .found(.saveFailed(decode(line.bytes), key: nil, reservation: false))
    },
    // actions/cache writes some warnings as `[warning]…` through `core.info`.
    .unwrapping("[warning]"),
  ]

  /// A failed save, with the key and whether another job holds the reservation when the
  /// message says so.
  private static func saveFailure(
    _ message: UnsafeBufferPointer<UInt8>, _ decode: CacheLinePattern.Decode
  ) -> CacheLine {
    let reservation =
      ByteSearch.firstIndex(of: "Unable to reserve cache", in: message) != nil
      || ByteSearch.firstIndex(of: "another job may be", in: message) != nil
    var key: String?
    if let at = ByteSearch.firstIndex(of: "cache with key ", in: message) {
      var rest = message.dropping(at + 15)
      if let end = ByteSearch.firstIndex(of: ", another job", in: rest) {
        rest = rest.slice(0, end)
      }
      key = decode(rest.trimmingSpaces())
    }
    return .saveFailed(decode(message), key: key, reservation: reservation)
  }

  /// Which side of a step a line of the family belongs to.
  static func side(of line: CacheLine) -> CacheActions.LineSide {
    switch line {
    case .savePrimaryHit, .savedWithKey, .savedSuccessfully, .saveFailed, .sent: .save
    case .size, .toolkitHit: .saveInSaveContext
    default: .restoreUnlessPost
    }
  }

  // MARK: - Restores

  /// The toolkit lines of one restore; the other families read them too.
  struct RestoreFacts {
    /// `Cache hit for: K` (the first one: a nix fallback download prints another).
    var hit: String?
    /// `Cache hit for restore-key: K`.
    var restoreKeyHit: String?
    /// `Cache restored from key: K`.
    var restoredFromKey: String?
    /// `Cache found and can be restored from key: K` (lookup-only).
    var foundRestorable: String?
    /// The keys of a `Cache not found…` line.
    var notFoundKeys: [String]?
    /// `Failed to restore: MESSAGE`.
    var failure: String?
    /// `Cache Size:` in bytes.
    var size: Int64?
    /// The total of the last `Received A of B`.
    var receivedTotal: Int64?

    /// Takes in one line of the family.
    mutating func apply(_ line: CacheLine) {
      switch line {
      case .toolkitHit(let key): if hit == nil { hit = key }
      case .toolkitRestoreKeyHit(let key): restoreKeyHit = key
      case .restoredFromKey(let key): restoredFromKey = key
      case .foundRestorable(let key): foundRestorable = key
      case .notFound(let keys): notFoundKeys = keys
      case .restoreFailed(let message): failure = message
      case .size(let bytes): size = bytes
      case .received(_, let total): receivedTotal = total
      default: break
      }
    }

    /// The size of a restored entry: `Cache Size:`, else the download's total.
    var restoredSize: Int64? { size ?? receivedTotal }
  }

  /// What a restore of the family found.
  static func readRestore(
    _ facts: RestoreFacts, action: String?, inputs: [String: String]
  ) -> CacheActions.RestoreReading {
    var reading = CacheActions.RestoreReading()
    reading.primary = inputs[keyInput] ?? facts.notFoundKeys?.first
    reading.restoreKeys = CacheLineValue.inputList(inputs[restoreKeysInput])
    if reading.restoreKeys.isEmpty, inputs[keyInput] == nil, let keys = facts.notFoundKeys,
      keys.count > 1
    {
      reading.restoreKeys = Array(keys.dropFirst())
    }
    // `Cache restored from key:` confirms a restore; the toolkit's `Cache hit for…` lines
    // only announce a download, which can still fail (`Failed to restore:`).
    if let failure = facts.failure, facts.restoredFromKey == nil {
      reading.outcome = .error
      reading.message = failure
    } else if facts.notFoundKeys != nil, facts.restoredFromKey == nil {
      reading.outcome = .miss
    } else if let restoredKey = facts.restoredFromKey ?? facts.restoreKeyHit
      ?? facts.foundRestorable ?? facts.hit
    {
      reading.restored = restoredKey
      if let primary = reading.primary {
        reading.outcome = restoredKey == primary ? .exactHit : .fallbackHit
      } else if facts.restoreKeyHit != nil {
        reading.outcome = .fallbackHit
      } else if facts.hit == restoredKey
        || action.map(CacheActions.usesOnlyPrimaryKey) == true
      {
        reading.outcome = .exactHit
      }
    }
    return reading
  }

  // MARK: - Saves

  /// What the lines of one save say; the other families write into it too.
  struct SaveFacts {
    /// The key saved or tried.
    var key: String?
    /// Whether a line confirmed the save.
    var saved = false
    /// Whether the save was skipped (the entry exists).
    var skipped = false
    /// The first failure, or the first reservation conflict.
    var failure: String?
    /// Whether another job held the key's reservation.
    var reservation = false
    /// The total of the last `Sent A of B`.
    var sentTotal: Int64?
    /// Whether the last `Sent` line reached its total.
    var sentComplete = false
    /// `Cache Size:` in bytes.
    var size: Int64?
    /// The key of `Cache hit occurred on the primary key K, not saving cache.`, if seen.
    var skippedKey: String?

    /// Takes in one line of the family.
    mutating func apply(_ line: CacheLine) {
      switch line {
      case .savePrimaryHit(let primary):
        skipped = true
        skippedKey = primary
      case .savedWithKey(let saved):
        key = saved
        self.saved = true
      case .savedSuccessfully: saved = true
      case .saveFailed(let message, let failedKey, let isReservation):
        if failure == nil || (isReservation && !reservation) { failure = message }
        reservation = reservation || isReservation
        if key == nil { key = failedKey }
      case .sent(let done, let total):
        sentTotal = total
        sentComplete = done == total
      case .size(let bytes): size = bytes
      default: break
      }
    }
  }

  /// How a save ended as the toolkit's lines tell: a confirmation wins over a failure.
  static func saveOutcome(_ facts: SaveFacts) -> CacheSave.Outcome {
    if facts.failure != nil && !facts.saved { return .failed }
    if facts.saved { return .saved }
    if facts.skipped { return .skipped }
    return .unknown
  }
}
