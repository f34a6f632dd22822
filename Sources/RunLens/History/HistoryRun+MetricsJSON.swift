internal import FoundationEssentials

extension HistoryRun {
  /// The run a report describes, through its metrics JSON (one path from a run to its rows).
  ///
  /// - Parameter report: A run assembled from logs, JUnit files or jobs JSON.
  /// - Throws: ``ParseError`` when the report has no job (`not a run: …`).
  public init(report: RunReport) throws(ParseError) {
    guard !report.jobs.isEmpty else {
      throw ParseError(message: "not a run: no job log or runlens metrics JSON in it")
    }
    try self.init(metricsJSON: Array(MetricsJSON.render(report).utf8))
  }

  /// A JSON document that is not runlens metrics.
  public typealias ParseError = DocumentError

  /// The run a metrics document (`runlens report --format json`) describes.
  ///
  /// Tests come from `tests` (the run's JUnit files) and each job's `tests` (nextest's summary
  /// in its log): failures as `failed` or `error`, flaky tests as `flaky`, and the slowest
  /// tests not otherwise listed as `passed`, each with its time when the slowest list has it.
  ///
  /// - Parameter bytes: The UTF-8 JSON text.
  /// - Throws: ``ParseError`` when the text is not runlens metrics of a known schema version.
  public init(metricsJSON bytes: [UInt8]) throws(ParseError) {
    let metrics = try MetricsJSON.decode(Metrics.self, from: bytes, version: \.schemaVersion)
    self.init(
      repository: metrics.run?.repository, runId: metrics.run?.runId,
      runAttempt: metrics.run?.runAttempt, sha: metrics.run?.sha, ref: metrics.run?.ref,
      workflow: metrics.run?.workflow, partial: metrics.partial ?? false,
      wallMs: metrics.totals?.wallMs, computeMs: metrics.totals?.computeMs)
    for job in metrics.jobs ?? [] {
      jobs.append(
        Job(
          name: job.name, conclusion: job.conclusion, startedAt: job.startedAt,
          completedAt: job.completedAt, durationMs: job.durationMs,
          steps: (job.steps ?? []).map {
            Step(
              number: $0.number, name: $0.name, kind: $0.kind, action: $0.action,
              conclusion: $0.conclusion, startedAt: $0.startedAt, durationMs: $0.durationMs)
          },
          restores: (job.cache?.restores ?? []).map {
            Restore(
              step: $0.step ?? "", action: $0.action, primaryKey: $0.primaryKey,
              restoredKey: $0.restoredKey, outcome: $0.outcome ?? "unknown",
              fallbackLevel: $0.fallbackLevel, sizeBytes: $0.sizeBytes, durationMs: $0.durationMs)
          },
          saves: (job.cache?.saves ?? []).map {
            Save(
              step: $0.step ?? "", action: $0.action, key: $0.key, outcome: $0.outcome ?? "unknown",
              sizeBytes: $0.sizeBytes, durationMs: $0.durationMs)
          }))
      if let tests = job.tests { add(tests, job: job.name) }
    }
    if let tests = metrics.tests { add(tests, job: "") }
  }

  private mutating func add(_ metrics: Metrics.Tests, job: String) {
    var listed: [String: Int] = [:]
    func identity(_ suite: String?, _ name: String) -> String { "\(suite ?? "")\u{1F}\(name)" }
    for failure in metrics.failures ?? [] {
      listed[identity(failure.suite, failure.name)] = tests.count
      tests.append(
        Test(
          job: job, suite: failure.suite ?? "", name: failure.name,
          outcome: failure.flaky == true ? "flaky" : (failure.outcome ?? "failed"),
          attempts: failure.attempts))
    }
    for flaky in metrics.flakyTests ?? [] where listed[identity(flaky.suite, flaky.name)] == nil {
      listed[identity(flaky.suite, flaky.name)] = tests.count
      tests.append(
        Test(
          job: job, suite: flaky.suite ?? "", name: flaky.name, outcome: "flaky",
          attempts: flaky.attempts))
    }
    for slow in metrics.slowest ?? [] {
      if let index = listed[identity(slow.suite, slow.name)] {
        tests[index].durationMs = slow.durationMs
      } else {
        listed[identity(slow.suite, slow.name)] = tests.count
        tests.append(
          Test(
            job: job, suite: slow.suite ?? "", name: slow.name, outcome: "passed",
            attempts: 1, durationMs: slow.durationMs))
      }
    }
    for suite in metrics.suites ?? [] {
      suites.append(
        Suite(
          job: job, name: suite.name, total: suite.total ?? 0, passed: suite.passed ?? 0,
          failed: suite.failed ?? 0, errors: suite.errors ?? 0, skipped: suite.skipped ?? 0,
          flaky: suite.flaky ?? 0, testTimeMs: suite.testTimeMs))
    }
  }

  /// The parts of the JSON contract the history keeps.
  private struct Metrics: Decodable {
    struct Run: Decodable {
      var repository: String?
      var runId: String?
      var runAttempt: String?
      var sha: String?
      var ref: String?
      var workflow: String?
    }
    struct Totals: Decodable {
      var wallMs: Int64?
      var computeMs: Int64?
    }
    struct Step: Decodable {
      var number: Int64?
      var name: String
      var kind: String?
      var action: String?
      var conclusion: String?
      var startedAt: String?
      var durationMs: Int64?
    }
    struct Restore: Decodable {
      var step: String?
      var action: String?
      var primaryKey: String?
      var restoredKey: String?
      var outcome: String?
      var fallbackLevel: Int64?
      var sizeBytes: Int64?
      var durationMs: Int64?
    }
    struct Save: Decodable {
      var step: String?
      var action: String?
      var key: String?
      var outcome: String?
      var sizeBytes: Int64?
      var durationMs: Int64?
    }
    struct Cache: Decodable {
      var restores: [Restore]?
      var saves: [Save]?
    }
    struct Tests: Decodable {
      struct Failure: Decodable {
        var suite: String?
        var name: String
        var outcome: String?
        var attempts: Int64?
        var flaky: Bool?
      }
      struct Flaky: Decodable {
        var suite: String?
        var name: String
        var attempts: Int64?
      }
      struct Slow: Decodable {
        var suite: String?
        var name: String
        var durationMs: Int64?
      }
      struct Suite: Decodable {
        var name: String
        var total: Int64?
        var passed: Int64?
        var failed: Int64?
        var errors: Int64?
        var skipped: Int64?
        var flaky: Int64?
        var testTimeMs: Int64?
      }
      var failures: [Failure]?
      var flakyTests: [Flaky]?
      var slowest: [Slow]?
      var suites: [Suite]?
    }
    struct Job: Decodable {
      var name: String
      var conclusion: String?
      var startedAt: String?
      var completedAt: String?
      var durationMs: Int64?
      var steps: [Step]?
      var cache: Cache?
      var tests: Tests?
    }
    var schemaVersion: Int
    var partial: Bool?
    var run: Run?
    var totals: Totals?
    var jobs: [Job]?
    var tests: Tests?
  }
}
