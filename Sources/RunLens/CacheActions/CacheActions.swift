/// What runlens knows about the actions that cache, gathered from one file per family.
///
/// A family is a set of actions that print the same lines and give them the same meaning:
/// ``ToolkitCache`` (actions/cache and the setup-* actions), ``CacheNixAction`` and
/// ``RustCache``. Each family's file holds its action names, the lines it prints
/// (``CacheLinePattern``s, which ``CacheLineMatcher`` gathers into one table), the values that
/// follow some of them on the next line, and how its restores and saves are read. This file
/// only dispatches: the log parser and ``JobRunBuilder`` ask it, and it asks the family.
///
/// To add an action to a family, add its name in the family's file. To add a family, add a file
/// like the others and a case to ``Family`` (with its rows in the switches below).
enum CacheActions {
  /// A family of cache actions.
  enum Family: UInt8, CaseIterable, Hashable, Sendable {
    /// actions/cache and the setup-* actions: ``ToolkitCache``.
    case toolkit
    /// nix-community/cache-nix-action: ``CacheNixAction``.
    case nix
    /// Swatinem/rust-cache: ``RustCache``.
    case rust

    /// The family of `action` (`owner/repo`), or `nil` for an action that does not cache.
    init?(action: String?) {
      guard let action, let family = Self.byAction[action] else { return nil }
      self = family
    }

    private static let byAction: [String: Family] = {
      var table: [String: Family] = [:]
      for family in allCases {
        for action in family.actions { table[action] = family }
      }
      return table
    }()

    /// The family whose line `line` is; lines of no other family are the toolkit's.
    init(owning line: CacheLine) {
      if CacheNixAction.owns(line) {
        self = .nix
      } else if RustCache.owns(line) {
        self = .rust
      } else {
        self = .toolkit
      }
    }

    /// The family's actions.
    var actions: [String] {
      switch self {
      case .toolkit: ToolkitCache.actions
      case .nix: CacheNixAction.actions
      case .rust: RustCache.actions
      }
    }

    /// The action a restore read as this family's belongs to when its step names none; the
    /// toolkit's lines alone do not tell which of its actions printed them.
    var restoreActionName: String? {
      switch self {
      case .toolkit: nil
      case .nix: CacheNixAction.name
      case .rust: RustCache.name
      }
    }

    /// Every family's line patterns.
    static let patterns: [CacheLinePattern] =
      ToolkitCache.patterns + CacheNixAction.patterns + RustCache.patterns

    /// The step inputs some family reads.
    static let inputNames: [String] =
      ToolkitCache.inputNames + CacheNixAction.inputNames + RustCache.inputNames

    /// What follows a bare `Cache Key:` line in a step of this family, if the family prints one.
    var followUpAfterBareCacheKey: FollowUp? {
      self == .rust ? RustCache.cacheKeyFollowUp : nil
    }

    /// Whether a line of this family counts in the step that `start` began.
    func counts(in start: LogEvent.StepStart) -> Bool {
      self == .rust ? RustCache.counts(in: start) : true
    }

    /// Which side of a step `line`, a line of this family, belongs to.
    func side(of line: CacheLine) -> LineSide {
      switch self {
      case .toolkit: ToolkitCache.side(of: line)
      case .nix: CacheNixAction.side(of: line)
      case .rust: RustCache.side(of: line)
      }
    }
  }

  /// A value that a line announces for the next line (`Restore Key:` then the key).
  ///
  /// One byte, with ``none`` for nothing announced, so that the parser can test and clear it
  /// on every line as cheaply as a flag.
  struct FollowUp: Hashable, Sendable {
    /// Bits 0–1: the family's index plus one (0: none); bits 2–6: the kind; bit 7: only in
    /// the family's own step.
    private let bits: UInt8

    /// Nothing announced (computed, not stored: the parser reads it on every line, and a
    /// stored static would cost a lazy-initialisation check each time).
    static var none: FollowUp { FollowUp(bits: 0) }

    private init(bits: UInt8) { self.bits = bits }

    /// Creates an announcement.
    ///
    /// - Parameters:
    ///   - family: The family that reads the next line.
    ///   - kind: Which of the family's follow-ups, as the family numbers them; below 32.
    ///   - onlyInOwnStep: Whether the announcement counts only in a step of `family`.
    init(family: Family, kind: UInt8, onlyInOwnStep: Bool) {
      precondition(kind < 32, "a follow-up kind is below 32")
      bits = (family.rawValue + 1) | kind << 2 | (onlyInOwnStep ? 0x80 : 0)
    }

    /// The family that reads the next line; `nil` for ``none``.
    var family: Family? { Family(rawValue: (bits & 3) &- 1) }
    /// Which of the family's follow-ups.
    var kind: UInt8 { (bits >> 2) & 31 }
    /// Whether the announcement counts only in a step of ``family``.
    var onlyInOwnStep: Bool { bits & 0x80 != 0 }
  }

  /// Reads the line after an announcement; `nil` when it is not the announced value.
  ///
  /// - Precondition: `bytes` is not empty.
  static func read(
    _ followUp: FollowUp, _ bytes: UnsafeBufferPointer<UInt8>, decode: CacheLinePattern.Decode
  ) -> CacheLine? {
    switch followUp.family {
    case .toolkit, nil: nil
    case .nix: CacheNixAction.readFollowUp(kind: followUp.kind, bytes, decode: decode)
    case .rust: RustCache.readFollowUp(kind: followUp.kind, bytes, decode: decode)
    }
  }

  /// Which side of a step a cache line belongs to.
  enum LineSide {
    /// Always the save.
    case save
    /// The save when the step saves (a post step, a `save` sub-action, or a save already
    /// seen), else the restore.
    case saveInSaveContext
    /// The save in a post step, else the restore.
    case restoreUnlessPost
  }

  /// Whether a step's name shows a `save` sub-action (`Run actions/cache/save@v4`).
  ///
  /// Compared as UTF-8 bytes: `String.contains` compares characters, about a thousand
  /// instructions a call, and a job's cache lines and post steps ask several times each.
  static func isSaveSubAction(_ stepName: String) -> Bool {
    ByteSearch.contains(stepName, "/save@")
  }

  /// Whether a step's name shows a `restore` sub-action (`Run actions/cache/restore@v4`).
  static func isRestoreSubAction(_ stepName: String) -> Bool {
    ByteSearch.contains(stepName, "/restore@")
  }

  /// Whether a main step restores a cache.
  static func restores(_ step: Step, inputs: [String: String]) -> Bool {
    guard step.kind == .action, let action = step.action, let family = Family(action: action)
    else { return false }
    switch family {
    case .toolkit: return ToolkitCache.restores(action, stepName: step.name, inputs: inputs)
    case .nix: return CacheNixAction.restores(stepName: step.name)
    case .rust: return true
    }
  }

  /// Whether an action restores only its primary key (no restore keys), so a restored key is
  /// an exact hit even when the log does not show the key it looked up.
  static func usesOnlyPrimaryKey(_ action: String) -> Bool {
    ToolkitCache.usesOnlyPrimaryKey(action)
  }

  /// Whether a main step's action has a post step (so a `Post job cleanup.` belongs to it).
  static func hasPostStep(_ step: Step) -> Bool {
    guard let action = step.action else { return false }
    switch Family(action: action) {
    case .toolkit?: return ToolkitCache.hasPostStep(action, stepName: step.name)
    case .nix?: return CacheNixAction.hasPostStep(stepName: step.name)
    case .rust?: return true
    case nil: return OtherActions.withPostStep.contains(action)
    }
  }

  /// Whether the step's post step still runs after an earlier step failed or the run was
  /// cancelled: the cache actions declare `post-if: success()` (rust-cache also saves on
  /// failure only when `CACHE_ON_FAILURE` is set, which a log does not show); the others the
  /// default `always()`.
  static func postRunsAfterFailure(_ step: Step) -> Bool {
    guard let action = step.action else { return false }
    return Family(action: action) == nil
  }

  /// A restore of a step that runs a cache action but printed no outcome.
  static func restoreWithoutOutcome(_ step: Step, inputs: [String: String]) -> CacheRestore {
    CacheRestore(
      step: step.name, action: step.action,
      primaryKey: inputs[ToolkitCache.keyInput] ?? inputs[CacheNixAction.primaryKeyInput],
      restoreKeys: CacheLineValue.inputList(
        inputs[ToolkitCache.restoreKeysInput] ?? inputs[CacheNixAction.prefixesInput]),
      outcome: .unknown, duration: step.duration, line: step.line)
  }

  // MARK: - Restores

  /// What a family reads from a restore's lines.
  struct RestoreReading {
    /// The key looked up first.
    var primary: String?
    /// The restore keys or prefixes, in order.
    var restoreKeys: [String] = []
    /// The key of the entry restored.
    var restored: String?
    /// How the restore ended.
    var outcome = CacheRestore.Outcome.unknown
    /// Why it failed.
    var message: String?
  }

  /// The cache lines of one restore, sorted by family.
  struct RestoreRecord {
    /// The family whose own lines were seen last (the toolkit's when none).
    var family = Family.toolkit
    /// The toolkit's lines, which every family prints.
    var toolkit = ToolkitCache.RestoreFacts()
    /// cache-nix-action's lines.
    var nix = CacheNixAction.RestoreFacts()
    /// rust-cache's lines.
    var rust = RustCache.RestoreFacts()

    /// Takes in one line of the restore.
    mutating func apply(_ line: CacheLine) {
      switch Family(owning: line) {
      case .toolkit: toolkit.apply(line)
      case .nix:
        family = .nix
        nix.apply(line)
      case .rust:
        family = .rust
        rust.apply(line)
      }
    }

    /// The restore as its lines and the step's inputs tell.
    func build(step: Step, inputs: [String: String]) -> CacheRestore {
      var family = self.family
      // A step of the other families is read as theirs; a toolkit action's step keeps the
      // family of its lines, since every family prints the toolkit's.
      if let owner = Family(action: step.action), owner != .toolkit { family = owner }
      var reading: RestoreReading
      switch family {
      case .toolkit:
        reading = ToolkitCache.readRestore(toolkit, action: step.action, inputs: inputs)
      case .nix: reading = CacheNixAction.readRestore(nix, toolkit: toolkit, inputs: inputs)
      case .rust: reading = RustCache.readRestore(rust, toolkit: toolkit)
      }
      if reading.outcome == .fallbackHit, let primary = reading.primary,
        reading.restored == primary
      {
        reading.outcome = .exactHit
      }
      if reading.outcome == .exactHit, reading.primary == nil { reading.primary = reading.restored }
      var level: Int?
      switch reading.outcome {
      case .exactHit: level = 0
      case .fallbackHit:
        if let restored = reading.restored,
          let index = reading.restoreKeys.firstIndex(where: { restored.hasPrefix($0) })
        {
          level = index + 1
        }
      default: level = nil
      }
      let isHit = reading.outcome.isHit
      return CacheRestore(
        step: step.name, action: step.action ?? family.restoreActionName,
        primaryKey: reading.primary, restoreKeys: reading.restoreKeys,
        restoredKey: isHit ? reading.restored : nil, outcome: reading.outcome,
        fallbackLevel: level, sizeBytes: isHit ? toolkit.restoredSize : nil,
        duration: step.duration, message: reading.message, line: step.line)
    }
  }

  // MARK: - Saves

  /// The cache lines of one save, sorted by family.
  struct SaveRecord {
    /// The toolkit's facts, which the other families' lines also write.
    var toolkit = ToolkitCache.SaveFacts()
    /// cache-nix-action's own facts.
    var nix = CacheNixAction.SaveFacts()
    /// rust-cache's own facts.
    var rust = RustCache.SaveFacts()

    /// Takes in one line of the save.
    mutating func apply(_ line: CacheLine) {
      switch Family(owning: line) {
      case .toolkit: toolkit.apply(line)
      case .nix: nix.apply(line, common: &toolkit)
      case .rust: rust.apply(line, common: &toolkit)
      }
    }

    /// The save as its lines tell.
    ///
    /// - Parameters:
    ///   - step: The step that saved.
    ///   - restores: The job's restores, to name the action and key of a save that shows none.
    ///   - pairedRestore: The restore of the main step this post step belongs to, if known.
    /// - Returns: The save, with the action and key its lines or the restores give.
    func build(step: Step, restores: [CacheRestore], pairedRestore: CacheRestore?) -> CacheSave {
      var outcome = ToolkitCache.saveOutcome(toolkit)
      outcome = CacheNixAction.saveOutcome(outcome, nix, common: toolkit)
      outcome = RustCache.saveOutcome(outcome, rust, common: toolkit)
      let action =
        step.action ?? CacheNixAction.claimSave(nix)
        ?? RustCache.claimSave(rust, common: toolkit)
      var key = toolkit.key ?? toolkit.skippedKey ?? pairedRestore?.primaryKey
      if key == nil, action == RustCache.name { key = RustCache.saveKey(restores: restores) }
      var named = action
      if named == nil, let key, let restore = restores.last(where: { $0.primaryKey == key }) {
        named = restore.action
      }
      let failed = outcome == .failed
      return CacheSave(
        step: step.name, action: named, key: key, outcome: outcome,
        sizeBytes: outcome == .skipped ? nil : (toolkit.sentTotal ?? toolkit.size),
        duration: step.duration, message: failed ? toolkit.failure : nil,
        reservationConflict: failed && toolkit.reservation,
        nixStore: CacheNixAction.store(nix), line: step.line)
    }
  }
}
