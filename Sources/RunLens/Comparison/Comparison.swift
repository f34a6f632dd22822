/// Baseline runs against candidate runs.
///
/// It answers: did the change make CI faster, and is the cache healthy?
public struct Comparison: Sendable, Hashable {
  /// The figures of one side.
  public struct Side: Sendable, Hashable {
    /// Number of runs.
    public var runs: Int
    /// Run wall time, in milliseconds.
    public var wall: Statistics.Summary?
    /// Run compute time (sum of job durations), in milliseconds.
    public var compute: Statistics.Summary?
    /// Exact and fallback hits over restores, pooled over runs.
    public var hitRate: Double?
    /// Exact hits over restores, pooled over runs.
    public var exactHitRate: Double?
    /// Each run's slowest restore, in milliseconds.
    public var restore: Statistics.Summary?
    /// Restores over all runs.
    public var restores: Int

    init(_ samples: [RunSample]) {
      runs = samples.count
      wall = Statistics.summary(samples.compactMap(\.wallMs))
      compute = Statistics.summary(samples.compactMap(\.computeMs))
      restores = samples.reduce(0) { $0 + $1.restores }
      let hits = samples.reduce(0) { $0 + $1.exactHits + $1.fallbackHits }
      let exact = samples.reduce(0) { $0 + $1.exactHits }
      hitRate = restores == 0 ? nil : Double(hits) / Double(restores)
      exactHitRate = restores == 0 ? nil : Double(exact) / Double(restores)
      restore = Statistics.summary(samples.compactMap(\.restoreMsMax))
    }
  }

  /// A job's or step's median on each side.
  public struct Row: Sendable, Hashable {
    /// The job's name.
    public var job: String
    /// The step's name, for step rows.
    public var step: String?
    /// The baseline median in milliseconds; `nil` when the baseline has no such job or step.
    public var baselineMedianMs: Int64?
    /// The candidate median in milliseconds.
    public var candidateMedianMs: Int64?

    /// `1 - candidate / baseline`; positive when the candidate is faster.
    public var reduction: Double? { Comparison.reduction(baselineMedianMs, candidateMedianMs) }
  }

  /// Whether the difference in wall time can be told from noise.
  public struct Verdict: Sendable, Hashable {
    /// Whether there are enough runs to judge (3 or more a side).
    public var judged: Bool
    /// The test's result, when judged.
    public var test: Statistics.MannWhitney?
    /// The p-value for the direction the medians moved, when judged.
    public var p: Double?
    /// Whether the difference is clear (p ≤ 0.05 in the direction the medians moved).
    public var isClear: Bool?
  }

  /// The baseline.
  public var baseline: Side
  /// The candidate.
  public var candidate: Side
  /// `1 - candidate / baseline` of the median wall time.
  public var wallReduction: Double?
  /// `1 - candidate / baseline` of the median compute time.
  public var computeReduction: Double?
  /// Jobs matched by name (a job on one side only has `nil` on the other).
  public var jobs: [Row]
  /// Steps matched by job and step name, on both sides.
  public var steps: [Row]
  /// The verdict on wall time.
  public var verdict: Verdict
  /// The targets judged on the comparison and on the candidate.
  public var targets: [Target]
  /// The smallest number of runs a side for a verdict.
  public static let minimumRuns = 3

  /// Compares the runs.
  ///
  /// - Parameters:
  ///   - baseline: The baseline runs.
  ///   - candidate: The candidate runs.
  ///   - targets: The thresholds (`prBuildTimeReduction` and the report's).
  public init(baseline: [RunSample], candidate: [RunSample], targets: Targets = .default) {
    self.baseline = Side(baseline)
    self.candidate = Side(candidate)
    wallReduction = Self.reduction(self.baseline.wall?.median, self.candidate.wall?.median)
    computeReduction = Self.reduction(self.baseline.compute?.median, self.candidate.compute?.median)
    jobs = Self.jobRows(baseline, candidate)
    steps = Self.stepRows(baseline, candidate)
    let first = baseline.compactMap(\.wallMs)
    let second = candidate.compactMap(\.wallMs)
    if first.count >= Self.minimumRuns, second.count >= Self.minimumRuns,
      let test = Statistics.mannWhitney(first, second)
    {
      let faster = (self.candidate.wall?.median ?? 0) <= (self.baseline.wall?.median ?? 0)
      let p = faster ? test.pSecondSmaller : test.pSecondLarger
      verdict = Verdict(judged: true, test: test, p: p, isClear: p <= 0.05)
    } else {
      verdict = Verdict(judged: false, test: nil, p: nil, isClear: nil)
    }
    var judged = [
      Target(
        id: "pr-build-time-reduction", threshold: targets.prBuildTimeReduction, comparison: .above,
        unit: .ratio,
        value: wallReduction)
    ]
    judged.append(
      Target(
        id: "cache-hit-rate", threshold: targets.cacheHitRate, comparison: .above, unit: .ratio,
        value: self.candidate.hitRate))
    judged.append(
      Target(
        id: "restore-time", threshold: Double(targets.restoreTime.milliseconds), comparison: .below,
        unit: .milliseconds, value: self.candidate.restore.map { Double($0.max) }))
    self.targets = judged
  }

  static func reduction(_ baseline: Int64?, _ candidate: Int64?) -> Double? {
    guard let baseline, let candidate, baseline > 0 else { return nil }
    return 1 - Double(candidate) / Double(baseline)
  }

  private static func median(_ values: [Int64]) -> Int64? { Statistics.summary(values)?.median }

  private static func jobRows(_ baseline: [RunSample], _ candidate: [RunSample]) -> [Row] {
    var names: [String] = []
    for sample in baseline + candidate {
      for job in sample.jobs where !names.contains(job.name) { names.append(job.name) }
    }
    return names.map { name in
      func durations(_ samples: [RunSample]) -> [Int64] {
        samples.flatMap { $0.jobs.filter { $0.name == name }.compactMap(\.durationMs) }
      }
      return Row(
        job: name, step: nil, baselineMedianMs: median(durations(baseline)),
        candidateMedianMs: median(durations(candidate)))
    }
  }

  private static func stepRows(_ baseline: [RunSample], _ candidate: [RunSample]) -> [Row] {
    var keys: [(String, String)] = []
    for sample in baseline {
      for job in sample.jobs {
        for step in job.steps where !keys.contains(where: { $0 == (job.name, step.name) }) {
          keys.append((job.name, step.name))
        }
      }
    }
    return keys.compactMap { job, step in
      func durations(_ samples: [RunSample]) -> [Int64] {
        samples.flatMap { sample in
          sample.jobs.filter { $0.name == job }.flatMap {
            $0.steps.filter { $0.name == step }.compactMap(\.durationMs)
          }
        }
      }
      guard let before = median(durations(baseline)), let after = median(durations(candidate))
      else { return nil }
      return Row(job: job, step: step, baselineMedianMs: before, candidateMedianMs: after)
    }
  }
}

extension Targets {
  /// The PR build-time target: wall time at least this fraction below the baseline's.
  public var prBuildTimeReduction: Double {
    get { prReduction }
    set { prReduction = newValue }
  }
}
