/// One step of a job as the log shows it.
public struct Step: Sendable, Hashable, Codable {
  /// What started the step in the log.
  public enum Kind: String, Sendable, Hashable, Codable {
    /// The runner's "Set up job" block before the first step header.
    case setup
    /// Lines before the first step header in a log that does not start with the runner's
    /// set-up block (output captured with `tee`, a step's own log file).
    case output
    /// A `##[group]Run owner/repo@ref` header (an action).
    case action
    /// A `##[group]Run <script line>` header (a `run:` script).
    case script
    /// A `Post job cleanup.` line (an action's post step).
    case post
    /// The runner's `Cleaning up orphan processes` block ("Complete job").
    case complete
    /// A step the jobs API lists but the log does not show (skipped, or no log).
    case api
  }

  /// The step's name: `Set up job`, `Run …` as in the header, `Post …`, or `Complete job`.
  public var name: String
  /// What started the step.
  public var kind: Kind
  /// `owner/repo` of the action the step runs, when the header names one.
  public var action: String?
  /// The time of the step's first line, when the log has timestamps.
  public var startedAt: LogTime?
  /// From the step's first line to the first line of the next step (or the job's last line).
  public var duration: Duration?
  /// The 1-based line number of the step's first line.
  public var line: Int
  /// The log's own text for the step (`Run actions/checkout@v4`) when ``name`` comes from gh
  /// or the jobs API.
  public var header: String?
  /// The step's number in the jobs API.
  public var number: Int?
  /// The step's conclusion (`success`, `failure`, `cancelled`, `skipped`, …): the jobs API's,
  /// else what the runner's error line says (a failing script, a cancel, a timeout).
  public var conclusion: String?
  /// Where ``conclusion`` comes from.
  public var conclusionSource: JobRun.Origin?

  /// Creates a step.
  public init(
    name: String,
    kind: Kind,
    action: String? = nil,
    startedAt: LogTime? = nil,
    duration: Duration? = nil,
    line: Int,
    number: Int? = nil,
    conclusion: String? = nil
  ) {
    self.name = name
    self.kind = kind
    self.action = action
    self.startedAt = startedAt
    self.duration = duration
    self.line = line
    self.number = number
    self.conclusion = conclusion
  }
}
