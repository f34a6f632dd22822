/// Everything one job's log says about its steps and caches.
public struct JobRun: Sendable, Hashable, Codable {
  /// What the job's workflow echoed about its cache (`Cache Key: K`, `CACHE HIT`, `CACHE MISS`),
  /// counted from step output only, never from the script lines of a step header.
  public struct ReportedCache: Sendable, Hashable, Codable {
    /// Every `K` of a `Cache Key: K` output line, in log order.
    public var keys: [String]
    /// Output lines containing `CACHE HIT`.
    public var hits: Int
    /// Output lines containing `CACHE MISS`.
    public var misses: Int

    /// Creates an empty record.
    public init(keys: [String] = [], hits: Int = 0, misses: Int = 0) {
      self.keys = keys
      self.hits = hits
      self.misses = misses
    }
  }

  /// The job's display name (`Complete job name:`, else the input's file name).
  public var name: String
  /// The input the job was read from.
  public var source: String?
  /// The time of the job's first line.
  public var startedAt: LogTime?
  /// The time of the job's last line.
  public var completedAt: LogTime?
  /// The steps in log order.
  public var steps: [Step]
  /// The cache restores in log order.
  public var restores: [CacheRestore]
  /// The cache saves in log order.
  public var saves: [CacheSave]
  /// What the workflow echoed about its cache.
  public var reported: ReportedCache
  /// The tests nextest's human output reports (its summary lines), when the log has them.
  public var tests: TestSummary?
  /// What the build tools did (cargo, …), from their output; `nil` when no tool left a trace.
  public var build: BuildEvidence?
  /// The job's conclusion from the jobs API (`success`, `failure`, `cancelled`, …).
  public var conclusion: String?
  /// Where ``conclusion`` comes from: the jobs API, or the log's error lines (a failed step
  /// fails the job unless it had `continue-on-error`, which a log cannot show).
  public var conclusionSource: Origin?
  /// Where ``name`` comes from.
  public var nameSource: Origin = .file
  /// What decides the steps: the log's step headers (a composite action's inner steps then
  /// count as steps of their own), gh's step column, the run-logs zip's step files, or the jobs
  /// API's step list.
  public var stepsSource: Origin = .log
  /// The job's page on GitHub, from the jobs API.
  public var url: String?
  /// The job's status from the jobs API (`queued`, `in_progress`, `completed`, …), `nil` when
  /// only a log describes it.
  public var status: String?
  /// Whether the job's figures come from a log (`false` for a job known only from the API).
  public var hasLog: Bool = true
  /// Whether the log stops before the job's end (a cancelled job, a truncated download).
  public var isPartial: Bool
  /// Problems found while reading this job.
  public var diagnostics: [Diagnostic]

  /// Creates a job.
  public init(
    name: String,
    source: String? = nil,
    startedAt: LogTime? = nil,
    completedAt: LogTime? = nil,
    steps: [Step] = [],
    restores: [CacheRestore] = [],
    saves: [CacheSave] = [],
    reported: ReportedCache = ReportedCache(),
    tests: TestSummary? = nil,
    isPartial: Bool = false,
    diagnostics: [Diagnostic] = []
  ) {
    self.name = name
    self.source = source
    self.startedAt = startedAt
    self.completedAt = completedAt
    self.steps = steps
    self.restores = restores
    self.saves = saves
    self.reported = reported
    self.tests = tests
    self.isPartial = isPartial
    self.diagnostics = diagnostics
  }

  /// Where a fact about a job comes from.
  public enum Origin: String, Sendable, Hashable, Codable {
    /// The job's log (`Complete job name:`, `##[error]` lines, step headers).
    case log
    /// `gh run view --log` output's job and step columns.
    case gh
    /// The jobs API.
    case api
    /// A file name: the input's, or a run-logs zip's step files.
    case file
  }

  /// Whether the job failed or was cancelled (by the API, or by the log's error lines).
  public var failed: Bool { conclusion == "failure" || conclusion == "timed_out" }

  /// Whether the job was cancelled.
  public var cancelled: Bool { conclusion == "cancelled" }

  /// From the job's first line to its last; `nil` without timestamps.
  public var duration: Duration? {
    guard let startedAt, let completedAt else { return nil }
    return startedAt.duration(to: completedAt)
  }
}
