/// What the GitHub environment says about the run being reported.
///
/// The values come from `GITHUB_REPOSITORY`, `GITHUB_RUN_ID` and the like; the CLI reads the
/// environment and the library only carries the values.
public struct RunInfo: Sendable, Hashable, Codable {
  /// `owner/repo`.
  public var repository: String?
  /// The run's id.
  public var runID: String?
  /// The attempt number.
  public var runAttempt: String?
  /// The commit.
  public var sha: String?
  /// The ref (`refs/heads/main`, `refs/pull/12/merge`).
  public var ref: String?
  /// The workflow's name.
  public var workflow: String?

  /// Creates run information.
  public init(
    repository: String? = nil, runID: String? = nil, runAttempt: String? = nil, sha: String? = nil,
    ref: String? = nil, workflow: String? = nil
  ) {
    self.repository = repository
    self.runID = runID
    self.runAttempt = runAttempt
    self.sha = sha
    self.ref = ref
    self.workflow = workflow
  }

  /// Reads the values from environment variables given as a dictionary.
  public init(environment: [String: String]) {
    func value(_ name: String) -> String? {
      guard let text = environment[name], !text.isEmpty else { return nil }
      return text
    }
    self.init(
      repository: value("GITHUB_REPOSITORY"), runID: value("GITHUB_RUN_ID"),
      runAttempt: value("GITHUB_RUN_ATTEMPT"), sha: value("GITHUB_SHA"), ref: value("GITHUB_REF"),
      workflow: value("GITHUB_WORKFLOW"))
  }

  /// Whether no value is known.
  public var isEmpty: Bool { self == RunInfo() }
}
