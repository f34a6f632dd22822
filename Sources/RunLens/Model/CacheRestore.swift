/// One cache restore: a step that looked up a cache by key and restored it, or not.
public struct CacheRestore: Sendable, Hashable, Codable {
  /// What the lookup found.
  public enum Outcome: String, Sendable, Hashable, Codable {
    /// The primary key itself was found.
    case exactHit = "exact-hit"
    /// A restore key or prefix matched another entry.
    case fallbackHit = "fallback-hit"
    /// Nothing matched.
    case miss
    /// The restore failed (service error, corrupt download).
    case error
    /// The log shows a restore but not its outcome.
    case unknown

    /// Whether something was restored.
    public var isHit: Bool { self == .exactHit || self == .fallbackHit }
  }

  /// The name of the step that restored.
  public var step: String
  /// `owner/repo` of the action that restored (`actions/cache`, `nix-community/cache-nix-action`…).
  public var action: String?
  /// The key looked up first (`key:` of actions/cache, `primary-key:` of cache-nix-action).
  public var primaryKey: String?
  /// The fallback keys or prefixes, in the order they are tried.
  public var restoreKeys: [String]
  /// The key of the entry that was restored.
  public var restoredKey: String?
  /// What the lookup found.
  public var outcome: Outcome
  /// 0 for an exact hit; for a fallback hit the 1-based position in `restoreKeys` of the first
  /// one `restoredKey` starts with; `nil` for a miss or when it cannot be told.
  public var fallbackLevel: Int?
  /// The size of the archive restored, in bytes.
  public var sizeBytes: Int64?
  /// The duration of the step that restored.
  public var duration: Duration?
  /// The failure message of an `error` outcome.
  public var message: String?
  /// The 1-based line of the step's first line.
  public var line: Int
  /// Why a miss missed, judged against a cache listing (``CacheMissReasons``):
  /// `key-changed`, `other-ref` or `absent`; `nil` without a listing or for a hit.
  public var missReason: String?
  /// A sentence on ``missReason``.
  public var missDetail: String?

  /// Creates a restore.
  public init(
    step: String,
    action: String?,
    primaryKey: String? = nil,
    restoreKeys: [String] = [],
    restoredKey: String? = nil,
    outcome: Outcome,
    fallbackLevel: Int? = nil,
    sizeBytes: Int64? = nil,
    duration: Duration? = nil,
    message: String? = nil,
    line: Int
  ) {
    self.step = step
    self.action = action
    self.primaryKey = primaryKey
    self.restoreKeys = restoreKeys
    self.restoredKey = restoredKey
    self.outcome = outcome
    self.fallbackLevel = fallbackLevel
    self.sizeBytes = sizeBytes
    self.duration = duration
    self.message = message
    self.line = line
  }
}
