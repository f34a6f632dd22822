internal import FoundationEssentials

/// The figures of one run that a comparison needs, from a ``RunReport`` or from the JSON
/// metrics `runlens report --format json` wrote.
public struct RunSample: Sendable, Hashable {
  /// A job's duration and its steps'.
  public struct Job: Sendable, Hashable {
    /// The job's name.
    public var name: String
    /// The job's duration in milliseconds.
    public var durationMs: Int64?
    /// Each step's name and duration in milliseconds.
    public var steps: [(name: String, durationMs: Int64?)]
    /// What the build tools did (``BuildChanges``).
    public var build = BuildChanges.Work()
    /// Each restore step's primary key, in log order.
    public var restoreKeys: [BuildChanges.KeyedStep] = []
    /// The keys its restores restored (exact and fallback hits).
    public var restoredKeys: [String] = []
    /// The keys its saves saved.
    public var savedKeys: [String] = []

    /// Creates a job.
    public init(name: String, durationMs: Int64?, steps: [(name: String, durationMs: Int64?)]) {
      self.name = name
      self.durationMs = durationMs
      self.steps = steps
    }

    /// Jobs are equal when their names and durations are.
    public static func == (lhs: Job, rhs: Job) -> Bool {
      lhs.name == rhs.name && lhs.durationMs == rhs.durationMs
        && lhs.steps.map(\.name) == rhs.steps.map(\.name)
        && lhs.steps.map(\.durationMs) == rhs.steps.map(\.durationMs)
    }

    /// Hashes the name and duration.
    public func hash(into hasher: inout Hasher) {
      hasher.combine(name)
      hasher.combine(durationMs)
    }
  }

  /// Where the sample came from.
  public var source: String
  /// First job start to last job end, in milliseconds.
  public var wallMs: Int64?
  /// The sum of job durations, in milliseconds.
  public var computeMs: Int64?
  /// Cache restores, exact hits and fallback hits.
  public var restores: Int
  /// Exact hits.
  public var exactHits: Int
  /// Fallback hits.
  public var fallbackHits: Int
  /// The longest restore, in milliseconds.
  public var restoreMsMax: Int64?
  /// The jobs.
  public var jobs: [Job]
  /// The run's test facts that a comparison reads (counts, the failures' names and, when
  /// known, every test's name), or `nil` without test results.
  public var tests: TestSummary?

  /// The figures of a report.
  public init(report: RunReport, source: String) {
    let totals = report.totals
    self.source = source
    wallMs = totals.wall?.milliseconds
    computeMs = totals.compute?.milliseconds
    restores = totals.restores
    exactHits = totals.exactHits
    fallbackHits = totals.fallbackHits
    restoreMsMax = totals.restoreMax?.milliseconds
    jobs = report.jobs.map { job in
      var sample = Job(
        name: job.name, durationMs: job.duration?.milliseconds,
        // A step only the jobs API lists (skipped, or never run) has no time to compare.
        steps: job.steps.filter { $0.kind != .api || $0.duration != nil }.map {
          ($0.name, $0.duration?.milliseconds)
        })
      sample.build = BuildChanges.Work(job.build)
      sample.restoreKeys = job.restores.compactMap { restore in
        restore.primaryKey.map { BuildChanges.KeyedStep(step: restore.step, key: $0) }
      }
      sample.restoredKeys = job.restores.compactMap { restore in
        restore.outcome == .exactHit || restore.outcome == .fallbackHit ? restore.restoredKey : nil
      }
      sample.savedKeys = job.saves.compactMap { $0.outcome == .saved ? $0.key : nil }
      return sample
    }
    tests = report.tests.map(Self.comparable)
  }

  /// The fields of a test summary that a comparison reads (and the metrics JSON holds).
  static func comparable(_ full: TestSummary) -> TestSummary {
    var summary = TestSummary(source: full.source)
    summary.total = full.total
    summary.passed = full.passed
    summary.failed = full.failed
    summary.errors = full.errors
    summary.skipped = full.skipped
    summary.failures = full.failures.map {
      TestSummary.Failure(
        suite: $0.suite, name: $0.name, outcome: $0.outcome, message: nil, failureType: nil,
        attempts: 1, isFlaky: false, details: nil, output: nil, cutBytes: 0)
    }
    summary.testNames = full.testNames
    summary.testNamesNotKeptBecause = full.testNamesNotKeptBecause
    return summary
  }

  /// A JSON document that is not runlens metrics.
  public typealias ParseError = DocumentError

  /// The figures of a metrics document written by `runlens report --format json`.
  ///
  /// - Throws: ``ParseError`` when the text is not runlens metrics of a known schema version.
  public init(metricsJSON bytes: [UInt8], source: String) throws(ParseError) {
    let metrics = try MetricsJSON.decode(Metrics.self, from: bytes, version: \.schemaVersion)
    self.source = source
    wallMs = metrics.totals.wallMs
    computeMs = metrics.totals.computeMs
    restores = metrics.totals.restores
    exactHits = metrics.totals.exactHits
    fallbackHits = metrics.totals.fallbackHits
    restoreMsMax = metrics.totals.restoreMsMax
    jobs = metrics.jobs.map { job in
      var sample = Job(
        name: job.name, durationMs: job.durationMs,
        steps: (job.steps ?? []).filter {
          $0.kind != Step.Kind.api.rawValue || $0.durationMs != nil
        }
        .map { ($0.name, $0.durationMs) })
      sample.build = BuildChanges.Work(
        cratesCompiled: job.build?.cargo?.compiled,
        derivationsBuilt: job.build?.nix?.derivationsBuilt,
        layersRebuilt: job.build?.docker?.rebuilt)
      let restores = job.cache?.restores ?? []
      sample.restoreKeys = restores.compactMap { restore in
        restore.primaryKey.map { BuildChanges.KeyedStep(step: restore.step, key: $0) }
      }
      sample.restoredKeys = restores.compactMap { restore in
        restore.outcome == CacheRestore.Outcome.exactHit.rawValue
          || restore.outcome == CacheRestore.Outcome.fallbackHit.rawValue
          ? restore.restoredKey : nil
      }
      sample.savedKeys = (job.cache?.saves ?? []).compactMap {
        $0.outcome == CacheSave.Outcome.saved.rawValue ? $0.key : nil
      }
      return sample
    }
    tests = metrics.tests.flatMap(\.summary)
  }

  private struct Metrics: Decodable {
    struct Totals: Decodable {
      var wallMs: Int64?
      var computeMs: Int64?
      var restores: Int
      var exactHits: Int
      var fallbackHits: Int
      var restoreMsMax: Int64?
    }
    struct Job: Decodable {
      struct Step: Decodable {
        var name: String
        var durationMs: Int64?
        var kind: String?
      }
      var name: String
      var durationMs: Int64?
      var steps: [Step]?
      var build: Build?
      var cache: Cache?
    }
    /// The build evidence figures a comparison shows.
    struct Build: Decodable {
      struct Cargo: Decodable { var compiled: Int64? }
      struct Nix: Decodable { var derivationsBuilt: Int64? }
      struct Docker: Decodable { var rebuilt: Int64? }
      var cargo: Cargo?
      var nix: Nix?
      var docker: Docker?
    }
    /// The cache keys a comparison follows.
    struct Cache: Decodable {
      struct Restore: Decodable {
        var step: String
        var primaryKey: String?
        var restoredKey: String?
        var outcome: String
      }
      struct Save: Decodable {
        var key: String?
        var outcome: String
      }
      var restores: [Restore]?
      var saves: [Save]?
    }
    /// `tests`: counts, the failures' names and the names of every test (`names` is
    /// missing in metrics from before it was added: then the names are not known).
    struct Tests: Decodable {
      struct Failure: Decodable {
        var suite: String
        var name: String
        var outcome: String?
      }
      var source: String?
      var total: Int
      var passed: Int
      var failed: Int
      var errors: Int
      var skipped: Int
      var failures: [Failure]?
      var names: [String: [String]]?
      var namesNotKeptBecause: String?

      var summary: TestSummary? {
        let source = source.flatMap(TestSummary.Source.init(rawValue:)) ?? .junit
        var summary = TestSummary(source: source)
        summary.total = total
        summary.passed = passed
        summary.failed = failed
        summary.errors = errors
        summary.skipped = skipped
        summary.failures = (failures ?? []).map {
          TestSummary.Failure(
            suite: $0.suite, name: $0.name,
            outcome: $0.outcome.flatMap(TestCaseResult.Outcome.init(rawValue:)) ?? .failed,
            message: nil, failureType: nil, attempts: 1, isFlaky: false, details: nil,
            output: nil, cutBytes: 0)
        }
        // Sorted by UTF-8 bytes without repeats, as the builder keeps them.
        summary.testNames = names.map {
          $0.mapValues { Array(Set($0)).sorted { $0.utf8.lexicographicallyPrecedes($1.utf8) } }
        }
        summary.testNamesNotKeptBecause = namesNotKeptBecause
        return summary
      }
    }
    var schemaVersion: Int
    var totals: Totals
    var jobs: [Job]
    var tests: Tests?
  }
}
