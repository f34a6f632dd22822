/// Trends over many runs: hit rates and times per period, change points, flaky tests.
///
/// A pure computation over ``HistoryRun`` values; ``HistoryReportRenderer`` writes it as
/// Markdown, JSON or HTML. Runs without a start time are left out (they belong to no period).
public struct HistoryReport: Sendable, Hashable {
  /// Which runs the report covers.
  public struct Options: Sendable, Hashable {
    /// The start of the window.
    public enum Since: Sendable, Hashable {
      /// Runs from this many days before the newest stored run's start.
      case days(Int)
      /// Runs from midnight UTC of this `YYYY-MM-DD` date.
      case date(String)
    }
    /// The start of the window (default: 30 days).
    public var since: Since
    /// Only runs of this branch.
    public var branch: String?
    /// Only runs of this workflow.
    public var workflow: String?
    /// The repository's cache limit in bytes (GitHub's default is 10 GB).
    public var limitBytes: Int64

    /// Creates options.
    public init(
      since: Since = .days(30), branch: String? = nil, workflow: String? = nil,
      limitBytes: Int64 = 10_000_000_000
    ) {
      self.since = since
      self.branch = branch
      self.workflow = workflow
      self.limitBytes = limitBytes
    }

    /// The defaults.
    public static let `default` = Options()
  }

  /// A value of one period.
  public struct Point: Sendable, Hashable {
    /// The period: `YYYY-MM-DD` or the ISO week `YYYY-Www`.
    public var period: String
    /// The value (a rate from 0 to 1, milliseconds, or bytes, as the metric says).
    public var value: Double
    /// The runs the value comes from.
    public var runs: Int
  }

  /// A metric of one scope over the periods.
  public struct Series: Sendable, Hashable {
    /// `hitRate`, `exactHitRate`, `restoreMsP50`, `restoreMsP90`, `wallMsP50`, `wallMsP90`,
    /// `computeMsP50`, `computeMsP90`, `durationMsP50`, `durationMsP90` (a job's),
    /// `savedBytesMax` (a family's), `testMsP50` or `stepMsP50`.
    public var metric: String
    /// `all`, `job:NAME`, `family:KEY`, `test:SUITE/NAME` or `step:JOB/STEP`.
    public var scope: String
    /// One point a period that has values, oldest first.
    public var points: [Point]
  }

  /// A shift of a per-run metric.
  public struct ChangePoint: Sendable, Hashable {
    /// The metric (`hitRate`, `exactHitRate`, `wallMs`, `computeMs`, `durationMs`).
    public var metric: String
    /// The scope, as in ``Series/scope``.
    public var scope: String
    /// The run id (or key) of the first run at the new level.
    public var runId: String
    /// That run's commit.
    public var sha: String?
    /// That run's start.
    public var startedAt: String?
    /// The run id (or key) of the last run at the old level.
    public var previousRunId: String
    /// The mean before.
    public var before: Double
    /// The mean after.
    public var after: Double
    /// Welch's t statistic.
    public var t: Double
    /// The method, ``ChangePointDetector/method``.
    public var method: String
  }

  /// A test's record over the runs.
  public struct FlakyTest: Sendable, Hashable {
    /// The suite.
    public var suite: String
    /// The test.
    public var name: String
    /// Runs the test ran in (its suite ran).
    public var runs: Int
    /// Runs it failed and then passed on a retry.
    public var flakyRuns: Int
    /// Runs it failed.
    public var failedRuns: Int
    /// Changes between failing (failed or flaky) and passing from one run of a branch to the
    /// next, over all such pairs of consecutive runs.
    public var flipRate: Double
    /// Whether it is a quarantine candidate: flaky in 2 runs or more, or a flip rate of 0.15
    /// or more.
    public var quarantine: Bool
  }

  /// A cache family's saved size over the window.
  public struct Family: Sendable, Hashable {
    /// The key family.
    public var family: String
    /// Restores of the family.
    public var restores: Int
    /// Restores that hit.
    public var hits: Int
    /// The first saved size in the window, in bytes.
    public var firstBytes: Int64?
    /// The last saved size in the window, in bytes.
    public var lastBytes: Int64?
    /// Growth of the saved size per week, in bytes (first to last save).
    public var growthBytesPerWeek: Int64?
  }

  /// A piece of advice.
  public struct Advice: Sendable, Hashable {
    /// A stable id.
    public var id: String
    /// The advice.
    public var message: String
  }

  /// Runs covered.
  public var runs: Int
  /// Runs of the store that matched the filters but have no start time.
  public var undatedRuns: Int
  /// The first covered run's start day (`YYYY-MM-DD`), or `nil` without runs.
  public var from: String?
  /// The last covered run's start day.
  public var to: String?
  /// `day` or `week`.
  public var period: String
  /// The series, `all` first, then jobs, families, tests and steps.
  public var series: [Series]
  /// The change points, oldest first.
  public var changePoints: [ChangePoint]
  /// Tests that failed or were flaky at least once, most flip-prone first.
  public var flakyTests: [FlakyTest]
  /// A nextest filterset that excludes the quarantine candidates, or `nil` without any.
  public var quarantineFilterset: String?
  /// Families of keys, by name.
  public var families: [Family]
  /// The latest saved size of each family, summed.
  public var footprintBytes: Int64
  /// The cache limit used.
  public var limitBytes: Int64
  /// Weeks until the footprint reaches the limit at the families' growth, when growing.
  public var weeksToLimit: Double?
  /// Advice.
  public var advice: [Advice]

  /// Families whose restores never hit.
  public var neverHit: [Family] { families.filter { $0.restores > 0 && $0.hits == 0 } }
}

extension HistoryReport.Options.Since {
  /// A `--since` argument: a number of days (`30` or `30d`) or a `YYYY-MM-DD` date; `nil` for
  /// anything else.
  public init?(parsing text: String) {
    let days = text.hasSuffix("d") ? String(text.dropLast()) : text
    if let count = Int(days), count >= 0 {
      self = .days(count)
    } else if CalendarDay(parsing: text) != nil {
      self = .date(text)
    } else {
      return nil
    }
  }
}
