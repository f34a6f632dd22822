/// The test results of a run, summed over every JUnit file (or read from nextest's summary
/// line in a job log), in memory bounded whatever the number of tests.
public struct TestSummary: Sendable, Hashable, Codable {
  /// Where the figures come from.
  public enum Source: String, Sendable, Hashable, Codable {
    /// JUnit XML files.
    case junit
    /// nextest's human output in a job log (`Summary [ … ] N tests run: …`).
    case nextestLog = "nextest-log"
  }

  /// A failed or errored test, with what the file says about it.
  public struct Failure: Sendable, Hashable, Codable {
    /// The suite (test binary).
    public var suite: String
    /// The test's name.
    public var name: String
    /// `failed` or `error`.
    public var outcome: TestCaseResult.Outcome
    /// The failure message (`message`, else the first line of the text).
    public var message: String?
    /// The failure's `type`.
    public var failureType: String?
    /// 1 plus the number of retries.
    public var attempts: Int
    /// Whether an earlier attempt failed differently (nextest's flaky-fail).
    public var isFlaky: Bool
    /// The failure's text, cut at the per-test limit.
    public var details: String?
    /// The start of the captured output.
    public var output: String?
    /// Bytes of text left out by the limits.
    public var cutBytes: Int
    /// The test's source file as the results name it (JUnit `file` or `filepath`).
    public var file: String?
    /// The test's 1-based line as the results name it (JUnit `line`).
    public var line: Int?
  }

  /// A test that failed and then passed on retry.
  public struct FlakyTest: Sendable, Hashable, Codable {
    /// The suite (test binary).
    public var suite: String
    /// The test's name.
    public var name: String
    /// 1 plus the number of retries.
    public var attempts: Int
  }

  /// A test and its duration.
  public struct TimedTest: Sendable, Hashable, Codable {
    /// The suite (test binary).
    public var suite: String
    /// The test's name.
    public var name: String
    /// The duration of the reported attempt.
    public var duration: Duration
  }

  /// Counts and time of one suite (one test binary for nextest).
  public struct Suite: Sendable, Hashable, Codable {
    /// The suite's name.
    public var name: String
    /// Test cases in the suite.
    public var total: Int
    /// Passed cases.
    public var passed: Int
    /// Failed cases.
    public var failed: Int
    /// Errored cases.
    public var errors: Int
    /// Skipped cases.
    public var skipped: Int
    /// Flaky cases.
    public var flaky: Int
    /// The sum of the cases' durations.
    public var testTime: Duration
  }

  /// One JUnit file read.
  public struct File: Sendable, Hashable, Codable {
    /// The file's name.
    public var path: String
    /// Test cases read from it.
    public var tests: Int
    /// Whether the file is cut or malformed (the tests before the problem are counted).
    public var isPartial: Bool
  }

  /// Where the figures come from.
  public var source: Source
  /// Test cases, each counted once.
  public var total: Int = 0
  /// Cases that passed (flaky ones included).
  public var passed: Int = 0
  /// Cases with a `<failure>`.
  public var failed: Int = 0
  /// Cases with an `<error>`.
  public var errors: Int = 0
  /// Skipped cases.
  public var skipped: Int = 0
  /// Cases with `flakyFailure` or `flakyError` (they also count as passed or failed).
  public var flaky: Int = 0
  /// The run's wall time as the files report it (root `time`, else the suites', else the
  /// cases' sum), summed over files.
  public var duration: Duration?
  /// The sum of all test case durations.
  public var testTime: Duration = .zero
  /// The failed and errored tests, at most ``TestSummaryBuilder/maximumListed``.
  public var failures: [Failure] = []
  /// Failed tests not in ``failures`` because of the limit.
  public var unlistedFailures: Int = 0
  /// The flaky tests, at most ``TestSummaryBuilder/maximumListed``.
  public var flakyTests: [FlakyTest] = []
  /// The 10 slowest tests, slowest first.
  public var slowest: [TimedTest] = []
  /// Per-suite counts, in the order suites were first seen.
  public var suites: [Suite] = []
  /// The files read.
  public var files: [File] = []
  /// Every test's name by suite (each list sorted by UTF-8 bytes, without repeats), or `nil`
  /// when not known.
  ///
  /// Not known: over ``TestSummaryBuilder/maximumNamed`` tests, nextest's log (which names only failing
  /// and flaky tests), or a metrics JSON written before the names were added. Comparisons
  /// tell added and removed tests from it.
  public var testNames: [String: [String]]?
  /// Why ``testNames`` is `nil` when the reason is known (too many tests).
  public var testNamesNotKeptBecause: String?

  /// Creates an empty summary.
  public init(source: Source) {
    self.source = source
  }

  /// Whether any file was cut or malformed.
  public var isPartial: Bool { files.contains { $0.isPartial } }
}
