/// nix-community/cache-nix-action (v5–v7): caches the Nix store, with its own lines around the
/// toolkit's.
///
/// Its `restore` and `save` sub-actions run as `nix-community/cache-nix-action/restore@…` and
/// `…/save@…`. It looks up `primary-key`, then the `restore-prefixes-first-match` prefixes
/// (printed as a JSON array on the line after the announcement), and downloads the chosen entry
/// through the toolkit, whose `Cache hit for: K` inside that download is not an exact hit.
/// Saving, it reports the store's size before and after garbage collection.
enum CacheNixAction {
  /// `nix-community/cache-nix-action`.
  static let name = "nix-community/cache-nix-action"

  /// Every action of the family.
  static let actions = [name]

  /// The `primary-key` input.
  static let primaryKeyInput = "primary-key"
  /// The `restore-prefixes-first-match` input: prefixes tried in order, one a line.
  static let prefixesInput = "restore-prefixes-first-match"

  /// The step inputs the family reads.
  static let inputNames = [primaryKeyInput, prefixesInput, "paths"]

  /// Whether a main step of the family restores a cache (every step but the `save` sub-action).
  static func restores(stepName: String) -> Bool {
    !CacheActions.isSaveSubAction(stepName)
  }

  /// Whether a main step of the family has a post step (not the sub-actions).
  static func hasPostStep(stepName: String) -> Bool {
    !CacheActions.isSaveSubAction(stepName) && !CacheActions.isRestoreSubAction(stepName)
  }

  // MARK: - Lines

  /// What follows the announcement of the prefixes: `["a-","b-"]` on the next line.
  static let prefixesFollowUp = CacheActions.FollowUp(family: .nix, kind: 0, onlyInOwnStep: false)

  /// The family's own lines.
  static let patterns: [CacheLinePattern] = [
    CacheLinePattern("Cache hit occurred on the \"primary-key\"", always: .nixNotSaving),
    CacheLinePattern("Could not find a cache with the given", always: .nixPrimaryNotFound),
    CacheLinePattern("Could not find a cache.", always: .nixNotFound),
    CacheLinePattern("Could not save the new cache", always: .nixSaveFailed),
    CacheLinePattern("Collecting garbage.", always: .nixCollectingGarbage),
    CacheLinePattern("Current store size in bytes: ") { line, _ in
      CacheLineValue.leadingNumber(line.rest).map { .found(.nixStoreSize($0)) }
    },
    CacheLinePattern("Restoring a cache with the key ") { line, decode in
      .found(.nixRestoring(decode(CacheLineValue.firstQuoted(line.rest))))
    },
    CacheLinePattern("Searching for a cache with the key ") { line, decode in
      .found(.nixSearching(decode(CacheLineValue.firstQuoted(line.rest))))
    },
    CacheLinePattern("Searching for a cache using the \"restore-prefixes-first-match\"") { _, _ in
      .expecting(prefixesFollowUp)
    },
    CacheLinePattern("Saving a new cache with the key ") { line, decode in
      .found(.nixSaving(decode(CacheLineValue.firstQuoted(line.rest))))
    },
    CacheLinePattern("Saved the new cache", always: .nixSaved),
    CacheLinePattern("Saved a new cache", always: .nixSaved),
    CacheLinePattern("Found a cache with the given \"primary-key\"", always: .nixFoundPrimary),
    CacheLinePattern(
      "Found a cache using the \"restore-prefixes-first-match\"", always: .nixFoundPrefix),
    CacheLinePattern("Failed to restore the cache", always: .nixRestoreFailed),
    CacheLinePattern("Not saving a new cache", always: .nixNotSaving),
    CacheLinePattern("Trying to save a new cache with the key ") { line, decode in
      .found(.nixTryingToSave(decode(CacheLineValue.firstQuoted(line.rest))))
    },
    CacheLinePattern("Maximum allowed store size in bytes: ") { line, _ in
      CacheLineValue.leadingNumber(line.rest).map { .found(.nixMaxStoreSize($0)) }
    },
  ]

  /// Reads the line announced by ``prefixesFollowUp``.
  static func readFollowUp(
    kind: UInt8, _ bytes: UnsafeBufferPointer<UInt8>, decode: CacheLinePattern.Decode
  ) -> CacheLine? {
    guard bytes[0] == UInt8(ascii: "[") else { return nil }
    return .nixPrefixes(JSONStrings.parseArray(bytes))
  }

  /// Whether `line` is one of the family's.
  static func owns(_ line: CacheLine) -> Bool {
    switch line {
    case .nixSearching, .nixFoundPrimary, .nixPrimaryNotFound, .nixPrefixes, .nixFoundPrefix,
      .nixNotFound, .nixRestoring, .nixRestoreFailed, .nixTryingToSave, .nixNotSaving,
      .nixStoreSize, .nixMaxStoreSize, .nixCollectingGarbage, .nixSaving, .nixSaved,
      .nixSaveFailed:
      true
    default: false
    }
  }

  /// Which side of a step a line of the family belongs to.
  static func side(of line: CacheLine) -> CacheActions.LineSide {
    switch line {
    case .nixTryingToSave, .nixNotSaving, .nixStoreSize, .nixMaxStoreSize, .nixCollectingGarbage,
      .nixSaving, .nixSaved, .nixSaveFailed:
      .save
    case .nixSearching: .saveInSaveContext
    default: .restoreUnlessPost
    }
  }

  // MARK: - Restores

  /// The family's lines of one restore.
  struct RestoreFacts {
    /// The key of `Searching for a cache with the key "K".`, the primary key.
    var searchKey: String?
    /// The prefixes printed after the announcement.
    var prefixes: [String]?
    /// Whether `Found a cache with the given "primary-key".` was seen.
    var foundPrimary = false
    /// Whether `Found a cache using the "restore-prefixes-first-match".` was seen.
    var foundPrefix = false
    /// Whether `Could not find a cache.` was seen.
    var notFound = false
    /// Whether `Could not find a cache with the given "primary-key" and "paths".` was seen.
    var primaryNotFound = false
    /// The key of `Restoring a cache with the key "K".`, the entry downloaded.
    var restoring: String?
    /// Whether `Failed to restore the cache.` was seen.
    var failed = false

    /// Takes in one line of the family.
    mutating func apply(_ line: CacheLine) {
      switch line {
      case .nixSearching(let key): searchKey = key
      case .nixFoundPrimary: foundPrimary = true
      case .nixPrimaryNotFound: primaryNotFound = true
      case .nixPrefixes(let list): prefixes = list
      case .nixFoundPrefix: foundPrefix = true
      case .nixNotFound: notFound = true
      case .nixRestoring(let key): restoring = key
      case .nixRestoreFailed: failed = true
      default: break
      }
    }
  }

  /// What a restore of the family found; the toolkit's lines give the fallback's key and any
  /// failure message.
  static func readRestore(
    _ facts: RestoreFacts, toolkit: ToolkitCache.RestoreFacts, inputs: [String: String]
  ) -> CacheActions.RestoreReading {
    var reading = CacheActions.RestoreReading()
    reading.primary = inputs[primaryKeyInput] ?? facts.searchKey
    reading.restoreKeys = CacheLineValue.inputList(inputs[prefixesInput])
    if reading.restoreKeys.isEmpty { reading.restoreKeys = facts.prefixes ?? [] }
    if facts.failed {
      reading.outcome = .error
      reading.message = toolkit.failure ?? "failed to restore the cache"
    } else if facts.foundPrimary {
      reading.outcome = .exactHit
      reading.restored = facts.restoring ?? reading.primary
    } else if facts.foundPrefix {
      reading.outcome = .fallbackHit
      reading.restored = facts.restoring ?? toolkit.restoreKeyHit
    } else if facts.notFound || (facts.primaryNotFound && reading.restoreKeys.isEmpty) {
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
    /// Whether any of the family's save lines was seen.
    var seen = false
    /// Every `Current store size in bytes: N.`, in order.
    var storeSizes: [Int64] = []
    /// `Maximum allowed store size in bytes: N`.
    var maxStoreSize: Int64?
    /// Whether `Collecting garbage.` was seen.
    var collected = false

    /// Takes in one line of the family, writing what the toolkit's facts hold into `common`.
    mutating func apply(_ line: CacheLine, common: inout ToolkitCache.SaveFacts) {
      switch line {
      case .nixTryingToSave(let primary), .nixSaving(let primary): common.key = primary
      case .nixNotSaving: common.skipped = true
      case .nixStoreSize(let bytes): storeSizes.append(bytes)
      case .nixMaxStoreSize(let bytes): maxStoreSize = bytes
      case .nixCollectingGarbage: collected = true
      case .nixSaved: common.saved = true
      case .nixSaveFailed:
        if common.failure == nil { common.failure = "could not save the new cache" }
      default: return
      }
      seen = true
    }
  }

  /// The save's outcome once the family's lines are known: a failure wins over a confirmation,
  /// since the action reports a failed upload after saying it saved.
  static func saveOutcome(
    _ outcome: CacheSave.Outcome, _ facts: SaveFacts, common: ToolkitCache.SaveFacts
  ) -> CacheSave.Outcome {
    facts.seen && common.failure != nil ? .failed : outcome
  }

  /// The action a save without a known step belongs to.
  static func claimSave(_ facts: SaveFacts) -> String? {
    facts.seen ? name : nil
  }

  /// The Nix store's sizes around the save, when the log shows them.
  static func store(_ facts: SaveFacts) -> CacheSave.NixStore? {
    guard facts.seen, !facts.storeSizes.isEmpty || facts.maxStoreSize != nil else { return nil }
    return CacheSave.NixStore(
      sizeBeforeBytes: facts.storeSizes.first,
      sizeAfterBytes: facts.collected ? facts.storeSizes.dropFirst().last : facts.storeSizes.first,
      maxSizeBytes: facts.maxStoreSize, collectedGarbage: facts.collected)
  }
}

/// Reads the one JSON shape cache-nix-action prints: a flat array of strings.
enum JSONStrings {
  /// The strings of `["a","b"]`; escapes `\"`, `\\`, `\/`, `\n`, `\t` and `\uXXXX` are decoded.
  static func parseArray(_ bytes: UnsafeBufferPointer<UInt8>) -> [String] {
    var result: [String] = []
    var index = 0
    var current: [UInt8] = []
    var inString = false
    while index < bytes.count {
      let byte = bytes[index]
      if inString {
        if byte == UInt8(ascii: "\\"), index + 1 < bytes.count {
          index += 1
          switch bytes[index] {
          case UInt8(ascii: "n"): current.append(0x0A)
          case UInt8(ascii: "t"): current.append(0x09)
          case UInt8(ascii: "u") where index + 4 < bytes.count:
            let hex = String(decoding: bytes.slice(index + 1, index + 5), as: UTF8.self)
            if let scalar = UInt32(hex, radix: 16).flatMap(Unicode.Scalar.init) {
              current.append(contentsOf: Array(String(Character(scalar)).utf8))
            }
            index += 4
          default: current.append(bytes[index])
          }
        } else if byte == UInt8(ascii: "\"") {
          result.append(String(decoding: current, as: UTF8.self))
          current.removeAll()
          inString = false
        } else {
          current.append(byte)
        }
      } else if byte == UInt8(ascii: "\"") {
        inString = true
      }
      index += 1
    }
    return result
  }
}
