/// Baseline runs against candidate runs.
///
/// It answers: did the change make CI faster, and is the cache healthy?
public struct Comparison: Sendable, Hashable {
  /// The figures of one side.
  public struct Side: Sendable, Hashable {
    /// Number of runs.
    public var runs: Int
    /// Runs with a wall time (the ones the statistics use).
    public var timedRuns: Int
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
      timedRuns = samples.filter { $0.wallMs != nil }.count
      wall = Statistics.summary(samples.compactMap(\.wallMs))
      compute = Statistics.summary(samples.compactMap(\.computeMs))
      // Counts from metrics files are untrusted: sums stop at Int.max.
      restores = samples.lazy.map(\.restores).saturatingSum()
      let hits = samples.lazy.map { $0.exactHits.saturatingAdding($0.fallbackHits) }
        .saturatingSum()
      let exact = samples.lazy.map(\.exactHits).saturatingSum()
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
  /// Build work per job and cache keys across the runs (``BuildChanges``).
  public var build: BuildChanges
  /// The targets judged on the comparison and on the candidate.
  public var targets: [Target]
  /// The tests of the candidate (its first run with test results) against the baseline runs
  /// (the first run given with test results counts as the newest).
  package var tests: TestChanges
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
    build = BuildChanges(baseline: baseline, candidate: candidate)
    tests = TestChanges(
      baselineRuns: baseline.map { ($0.source, $0.tests) },
      candidate: candidate.first { $0.tests != nil }?.tests)
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
    var reduction = Target(
      id: "pr-build-time-reduction", threshold: targets.prBuildTimeReduction, comparison: .above,
      unit: .ratio, value: wallReduction)
    if !verdict.judged {
      reduction.notJudgedBecause = "fewer than \(Self.minimumRuns) runs with times a side"
    }
    var judged = [reduction]
    judged.append(
      Target(
        id: "cache-hit-rate", threshold: targets.cacheHitRate, comparison: .above, unit: .ratio,
        value: self.candidate.hitRate))
    judged.append(
      Target(
        id: "exact-hit-rate", threshold: targets.exactHitRate, comparison: .above, unit: .ratio,
        value: self.candidate.exactHitRate))
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
    var before: [String: [Int64]] = [:]
    var after: [String: [Int64]] = [:]
    for (samples, isBaseline) in [(baseline, true), (candidate, false)] {
      for sample in samples {
        for job in sample.jobs {
          if before[job.name] == nil, after[job.name] == nil { names.append(job.name) }
          if isBaseline {
            before[job.name, default: []] += job.durationMs.map { [$0] } ?? []
          } else {
            after[job.name, default: []] += job.durationMs.map { [$0] } ?? []
          }
        }
      }
    }
    return names.map { name in
      Row(
        job: name, step: nil, baselineMedianMs: median(before[name] ?? []),
        candidateMedianMs: median(after[name] ?? []))
    }
  }

  private static func stepRows(_ baseline: [RunSample], _ candidate: [RunSample]) -> [Row] {
    struct Key: Hashable {
      var job: String
      var step: String
    }
    var keys: [Key] = []
    var before: [Key: [Int64]] = [:]
    var after: [Key: [Int64]] = [:]
    for sample in baseline {
      for job in sample.jobs {
        for step in job.steps {
          let key = Key(job: job.name, step: step.name)
          if before[key] == nil { keys.append(key) }
          before[key, default: []] += step.durationMs.map { [$0] } ?? []
        }
      }
    }
    for sample in candidate {
      for job in sample.jobs {
        for step in job.steps {
          after[Key(job: job.name, step: step.name), default: []] +=
            step.durationMs.map { [$0] } ?? []
        }
      }
    }
    return keys.compactMap { key in
      guard let first = median(before[key] ?? []), let second = median(after[key] ?? []) else {
        return nil
      }
      return Row(job: key.job, step: key.step, baselineMedianMs: first, candidateMedianMs: second)
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
