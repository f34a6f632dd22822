/// One test case as a JUnit file reports it, counted once whatever its retries.
public struct TestCaseResult: Sendable, Hashable, Codable {
  /// How the test case ended.
  public enum Outcome: String, Sendable, Hashable, Codable {
    /// No failure, error or skip (a flaky test that finally passed is `passed` and flaky).
    case passed
    /// A `<failure>` (also nextest's "flaky failure").
    case failed
    /// An `<error>`.
    case error
    /// A `<skipped>` element or a `status` of skipped, disabled or ignored.
    case skipped
  }

  /// The suite (test binary for nextest) the case belongs to.
  public var suite: String
  /// The test's name.
  public var name: String
  /// How it ended.
  public var outcome: Outcome
  /// Whether an earlier attempt failed (`flakyFailure` or `flakyError`).
  public var isFlaky: Bool
  /// 1 plus the number of retry elements.
  public var attempts: Int
  /// The duration of the attempt the file reports.
  public var duration: Duration?
  /// The failure's `message`, or the first line of its text.
  public var message: String?
  /// The failure's `type`.
  public var failureType: String?
  /// The failure's text, cut at the per-test limit.
  public var details: String?
  /// The start of the test's captured output (`system-out`, then `system-err`).
  public var output: String?
  /// Bytes of text left out by the per-test limit.
  public var cutBytes: Int
  /// The test's source file as the results name it (JUnit `file`, else `filepath`), kept for
  /// failed and errored cases only.
  public var file: String?
  /// The test's 1-based line as the results name it (JUnit `line`; pytest's 0-based one plus
  /// 1), kept for failed and errored cases only.
  public var line: Int?

  /// Creates a result.
  public init(
    suite: String, name: String, outcome: Outcome, isFlaky: Bool = false, attempts: Int = 1,
    duration: Duration? = nil, message: String? = nil, failureType: String? = nil,
    details: String? = nil, output: String? = nil, cutBytes: Int = 0, file: String? = nil,
    line: Int? = nil
  ) {
    self.suite = suite
    self.name = name
    self.outcome = outcome
    self.isFlaky = isFlaky
    self.attempts = attempts
    self.duration = duration
    self.message = message
    self.failureType = failureType
    self.details = details
    self.output = output
    self.cutBytes = cutBytes
    self.file = file
    self.line = line
  }
}
