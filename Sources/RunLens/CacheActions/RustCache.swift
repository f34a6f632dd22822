/// Swatinem/rust-cache (v2): caches Cargo's registry and `target/` under a key it computes.
///
/// It prints `Cache Key:` and `Restore Key:` alone, with the key indented on the next line, then
/// `Restored from cache key "K" full match: BOOL.` or `No cache found.`; its post step prints
/// `Cache up-to-date.` or `... Saving cache ...` and the toolkit's upload lines. Its words are
/// generic (`No cache found.`), so they count only in its own steps and in post steps.
enum RustCache {
  /// `Swatinem/rust-cache`.
  static let name = "Swatinem/rust-cache"

  /// Every action of the family.
  static let actions = [name]

  /// The step inputs the family reads.
  static let inputNames = ["shared-key", "prefix-key"]

  /// What follows a bare `Restore Key:` line: the key, indented.
  static let restoreKeyFollowUp = CacheActions.FollowUp(
    family: .rust, kind: FollowUpKind.restoreKey.rawValue, onlyInOwnStep: true)

  /// What follows a bare `Cache Key:` line in the family's step: the key, indented.
  static let cacheKeyFollowUp = CacheActions.FollowUp(
    family: .rust, kind: FollowUpKind.cacheKey.rawValue, onlyInOwnStep: true)

  private enum FollowUpKind: UInt8 {
    case restoreKey
    case cacheKey
  }

  // MARK: - Lines

  /// The family's own lines (`Cache Key:` is found by the parser's needle for echoed keys).
  static let patterns: [CacheLinePattern] = [
    CacheLinePattern("Cache up-to-date.", always: .rustUpToDate),
    CacheLinePattern("Restored from cache key \"") { line, decode in
      .found(restored(line.bytes.dropping(23), decode))
    },
    CacheLinePattern("Restore Key:") { line, _ in
      line.rest.isEmpty ? .expecting(restoreKeyFollowUp) : nil
    },
    // lookup-only: `Found cache key "K" full match: BOOL.`
    CacheLinePattern("Found cache key \"") { line, decode in
      .found(restored(line.bytes.dropping(15), decode))
    },
    CacheLinePattern("No cache found.", always: .rustNoCacheFound),
    CacheLinePattern("... Saving cache ...", always: .rustSaving),
  ]

  private static func restored(
    _ rest: UnsafeBufferPointer<UInt8>, _ decode: CacheLinePattern.Decode
  ) -> CacheLine {
    .rustRestored(
      decode(CacheLineValue.firstQuoted(rest)),
      fullMatch: ByteSearch.firstIndex(of: "full match: true", in: rest) != nil)
  }

  /// Reads the line announced by ``restoreKeyFollowUp`` or ``cacheKeyFollowUp``.
  static func readFollowUp(
    kind: UInt8, _ bytes: UnsafeBufferPointer<UInt8>, decode: CacheLinePattern.Decode
  ) -> CacheLine? {
    guard bytes[0] == 0x20 || bytes[0] == 0x09 else { return nil }
    let key = decode(bytes.trimmingSpaces())
    return kind == FollowUpKind.restoreKey.rawValue ? .rustRestoreKey(key) : .rustCacheKey(key)
  }

  /// Whether `line` is one of the family's.
  static func owns(_ line: CacheLine) -> Bool {
    switch line {
    case .rustRestoreKey, .rustCacheKey, .rustRestored, .rustNoCacheFound, .rustUpToDate,
      .rustSaving:
      true
    default: false
    }
  }

  /// Whether a line of the family counts in a step: only in the family's steps and in post
  /// steps (whose action the log does not name).
  static func counts(in start: LogEvent.StepStart) -> Bool {
    start.action == name || start.kind == .post
  }

  /// Which side of a step a line of the family belongs to.
  static func side(of line: CacheLine) -> CacheActions.LineSide {
    switch line {
    case .rustUpToDate, .rustSaving: .save
    default: .restoreUnlessPost
    }
  }

  // MARK: - Restores

  /// The family's lines of one restore.
  struct RestoreFacts {
    /// The key after `Restore Key:`.
    var restoreKey: String?
    /// The key after `Cache Key:`.
    var cacheKey: String?
    /// The key and match of `Restored from cache key "K" full match: BOOL.` (or `Found cache key`).
    var restored: (key: String, fullMatch: Bool)?
    /// Whether `No cache found.` was seen.
    var noCache = false

    /// Takes in one line of the family.
    mutating func apply(_ line: CacheLine) {
      switch line {
      case .rustRestoreKey(let key): restoreKey = key
      case .rustCacheKey(let key): cacheKey = key
      case .rustRestored(let key, let fullMatch): restored = (key, fullMatch)
      case .rustNoCacheFound: noCache = true
      default: break
      }
    }
  }

  /// What a restore of the family found; a toolkit failure is its error.
  static func readRestore(
    _ facts: RestoreFacts, toolkit: ToolkitCache.RestoreFacts
  ) -> CacheActions.RestoreReading {
    var reading = CacheActions.RestoreReading()
    reading.primary = facts.cacheKey
    reading.restoreKeys = facts.restoreKey.map { [$0] } ?? []
    if let restored = facts.restored {
      reading.outcome = restored.fullMatch ? .exactHit : .fallbackHit
      reading.restored = restored.key
    } else if facts.noCache {
      reading.outcome = .miss
    } else if let failure = toolkit.failure {
      reading.outcome = .error
      reading.message = failure
    }
    return reading
  }

  // MARK: - Saves

  /// The family's lines of one save.
  struct SaveFacts {
    /// Whether `... Saving cache ...` was seen.
    var saving = false

    /// Takes in one line of the family, writing what the toolkit's facts hold into `common`.
    mutating func apply(_ line: CacheLine, common: inout ToolkitCache.SaveFacts) {
      switch line {
      case .rustUpToDate: common.skipped = true
      case .rustSaving: saving = true
      default: break
      }
    }
  }

  /// The save's outcome once the family's lines are known: rust-cache prints no confirmation,
  /// so a complete upload after `... Saving cache ...` is a save.
  static func saveOutcome(
    _ outcome: CacheSave.Outcome, _ facts: SaveFacts, common: ToolkitCache.SaveFacts
  ) -> CacheSave.Outcome {
    outcome == .unknown && facts.saving && common.sentComplete ? .saved : outcome
  }

  /// The action a save without a known step belongs to: `... Saving cache ...`, or a skip
  /// without a key (`Cache up-to-date.`; the toolkit's skip names its key).
  static func claimSave(_ facts: SaveFacts, common: ToolkitCache.SaveFacts) -> String? {
    facts.saving || (common.skipped && common.skippedKey == nil) ? name : nil
  }

  /// The key of a save of the family whose lines show none: the last restore's key.
  static func saveKey(restores: [CacheRestore]) -> String? {
    restores.last(where: { $0.action == name })?.primaryKey
  }
}
