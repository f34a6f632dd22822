/// One cache save, usually in an action's post step.
public struct CacheSave: Sendable, Hashable, Codable {
  /// What became of the save.
  public enum Outcome: String, Sendable, Hashable, Codable {
    /// A new entry was written.
    case saved
    /// Nothing was written on purpose (the primary key was already restored).
    case skipped
    /// The save was attempted and failed (reservation conflict, service error).
    case failed
    /// The log shows a save but not how it ended.
    case unknown
  }

  /// What cache-nix-action's garbage collection did before saving.
  public struct NixStore: Sendable, Hashable, Codable {
    /// The store size before garbage collection, in bytes.
    public var sizeBeforeBytes: Int64?
    /// The store size after garbage collection, in bytes.
    public var sizeAfterBytes: Int64?
    /// The `gc-max-store-size` limit in force, in bytes.
    public var maxSizeBytes: Int64?
    /// Whether garbage was collected.
    public var collectedGarbage: Bool

    /// Creates a store record.
    public init(
      sizeBeforeBytes: Int64? = nil,
      sizeAfterBytes: Int64? = nil,
      maxSizeBytes: Int64? = nil,
      collectedGarbage: Bool = false
    ) {
      self.sizeBeforeBytes = sizeBeforeBytes
      self.sizeAfterBytes = sizeAfterBytes
      self.maxSizeBytes = maxSizeBytes
      self.collectedGarbage = collectedGarbage
    }
  }

  /// The name of the step that saved.
  public var step: String
  /// `owner/repo` of the action that saved.
  public var action: String?
  /// The key saved under.
  public var key: String?
  /// What became of the save.
  public var outcome: Outcome
  /// The size of the archive sent, in bytes.
  public var sizeBytes: Int64?
  /// The duration of the step that saved.
  public var duration: Duration?
  /// Why the save failed or was skipped, as the log says it.
  public var message: String?
  /// Whether the failure was a reservation conflict (another job writing the same key).
  public var reservationConflict: Bool
  /// cache-nix-action's store sizes and garbage collection, when it saved.
  public var nixStore: NixStore?
  /// The 1-based line of the step's first line.
  public var line: Int

  /// Creates a save.
  public init(
    step: String,
    action: String?,
    key: String? = nil,
    outcome: Outcome,
    sizeBytes: Int64? = nil,
    duration: Duration? = nil,
    message: String? = nil,
    reservationConflict: Bool = false,
    nixStore: NixStore? = nil,
    line: Int
  ) {
    self.step = step
    self.action = action
    self.key = key
    self.outcome = outcome
    self.sizeBytes = sizeBytes
    self.duration = duration
    self.message = message
    self.reservationConflict = reservationConflict
    self.nixStore = nixStore
    self.line = line
  }
}
