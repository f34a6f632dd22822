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
    // The direct reader takes the documents runlens writes; JSONDecoder has the last word
    // on anything else (and its errors are the messages).
    let metrics: Metrics
    if let read = Metrics.read(bytes) {
      metrics = read
    } else {
      metrics = try MetricsJSON.decode(Metrics.self, from: bytes, version: \.schemaVersion)
    }
    self.init(metrics: metrics)
  }

  /// The run of a metrics document as one reader alone reads it.
  ///
  /// The direct reader gives `nil` when it is not sure, `JSONDecoder` when it throws. Tests
  /// hold the two to the same run.
  package static func metricsJSON(_ bytes: [UInt8], direct: Bool) -> HistoryRun? {
    if direct { return Metrics.read(bytes).map(HistoryRun.init(metrics:)) }
    let metrics = try? MetricsJSON.decode(Metrics.self, from: bytes, version: \.schemaVersion)
    return metrics.map(HistoryRun.init(metrics:))
  }

  private init(metrics: Metrics) {
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
  fileprivate struct Metrics: Decodable {
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

/// Metrics read with ``StrictJSONReader``: the members each type declares, the rest skipped.
extension HistoryRun.Metrics {
  typealias Reader = StrictJSONReader
  typealias Unsure = StrictJSONReader.Unsure

  /// The document, or `nil` when the direct reader is not sure of it (or of its version).
  static func read(_ bytes: [UInt8]) -> Self? {
    bytes.withUnsafeBufferPointer { buffer in
      var reader = Reader(buffer)
      do {
        let metrics = try Self(&reader)
        try reader.end()
        return metrics.schemaVersion == MetricsJSON.schemaVersion ? metrics : nil
      } catch {
        return nil
      }
    }
  }

  init(_ reader: inout Reader) throws(Unsure) {
    var seen: UInt32 = 0
    var version: Int?
    try reader.beginObject()
    while let key = try reader.nextKey() {
      if reader.key(key, is: "schemaVersion") {
        try Reader.once(&seen, 1)
        version = Int(try reader.int64())
      } else if reader.key(key, is: "partial") {
        try Reader.once(&seen, 2)
        partial = try reader.optionalBool()
      } else if reader.key(key, is: "run") {
        try Reader.once(&seen, 4)
        run = try reader.null() ? nil : Run(&reader)
      } else if reader.key(key, is: "totals") {
        try Reader.once(&seen, 8)
        totals = try reader.null() ? nil : Totals(&reader)
      } else if reader.key(key, is: "jobs") {
        try Reader.once(&seen, 16)
        jobs = try reader.optionalArray { (reader) throws(Unsure) in try Job(&reader) }
      } else if reader.key(key, is: "tests") {
        try Reader.once(&seen, 32)
        tests = try reader.null() ? nil : Tests(&reader)
      } else {
        try reader.skipValue()
      }
    }
    guard let version else { throw Unsure() }
    schemaVersion = version
  }
}

extension HistoryRun.Metrics.Run {
  init(_ reader: inout StrictJSONReader) throws(StrictJSONReader.Unsure) {
    var seen: UInt32 = 0
    try reader.beginObject()
    while let key = try reader.nextKey() {
      if reader.key(key, is: "repository") {
        try StrictJSONReader.once(&seen, 1)
        repository = try reader.optionalString()
      } else if reader.key(key, is: "runId") {
        try StrictJSONReader.once(&seen, 2)
        runId = try reader.optionalString()
      } else if reader.key(key, is: "runAttempt") {
        try StrictJSONReader.once(&seen, 4)
        runAttempt = try reader.optionalString()
      } else if reader.key(key, is: "sha") {
        try StrictJSONReader.once(&seen, 8)
        sha = try reader.optionalString()
      } else if reader.key(key, is: "ref") {
        try StrictJSONReader.once(&seen, 16)
        ref = try reader.optionalString()
      } else if reader.key(key, is: "workflow") {
        try StrictJSONReader.once(&seen, 32)
        workflow = try reader.optionalString()
      } else {
        try reader.skipValue()
      }
    }
  }
}

extension HistoryRun.Metrics.Totals {
  init(_ reader: inout StrictJSONReader) throws(StrictJSONReader.Unsure) {
    var seen: UInt32 = 0
    try reader.beginObject()
    while let key = try reader.nextKey() {
      if reader.key(key, is: "wallMs") {
        try StrictJSONReader.once(&seen, 1)
        wallMs = try reader.optionalInt64()
      } else if reader.key(key, is: "computeMs") {
        try StrictJSONReader.once(&seen, 2)
        computeMs = try reader.optionalInt64()
      } else {
        try reader.skipValue()
      }
    }
  }
}

extension HistoryRun.Metrics.Job {
  init(_ reader: inout StrictJSONReader) throws(StrictJSONReader.Unsure) {
    typealias Unsure = StrictJSONReader.Unsure
    var seen: UInt32 = 0
    var name: String?
    try reader.beginObject()
    while let key = try reader.nextKey() {
      if reader.key(key, is: "name") {
        try StrictJSONReader.once(&seen, 1)
        name = try reader.string()
      } else if reader.key(key, is: "conclusion") {
        try StrictJSONReader.once(&seen, 2)
        conclusion = try reader.optionalString()
      } else if reader.key(key, is: "startedAt") {
        try StrictJSONReader.once(&seen, 4)
        startedAt = try reader.optionalString()
      } else if reader.key(key, is: "completedAt") {
        try StrictJSONReader.once(&seen, 8)
        completedAt = try reader.optionalString()
      } else if reader.key(key, is: "durationMs") {
        try StrictJSONReader.once(&seen, 16)
        durationMs = try reader.optionalInt64()
      } else if reader.key(key, is: "steps") {
        try StrictJSONReader.once(&seen, 32)
        steps = try reader.optionalArray { (reader) throws(Unsure) in
          try HistoryRun.Metrics.Step(&reader)
        }
      } else if reader.key(key, is: "cache") {
        try StrictJSONReader.once(&seen, 64)
        cache = try reader.null() ? nil : HistoryRun.Metrics.Cache(&reader)
      } else if reader.key(key, is: "tests") {
        try StrictJSONReader.once(&seen, 128)
        tests = try reader.null() ? nil : HistoryRun.Metrics.Tests(&reader)
      } else {
        try reader.skipValue()
      }
    }
    guard let name else { throw Unsure() }
    self.name = name
  }
}

extension HistoryRun.Metrics.Step {
  init(_ reader: inout StrictJSONReader) throws(StrictJSONReader.Unsure) {
    var seen: UInt32 = 0
    var name: String?
    try reader.beginObject()
    while let key = try reader.nextKey() {
      if reader.key(key, is: "number") {
        try StrictJSONReader.once(&seen, 1)
        number = try reader.optionalInt64()
      } else if reader.key(key, is: "name") {
        try StrictJSONReader.once(&seen, 2)
        name = try reader.string()
      } else if reader.key(key, is: "kind") {
        try StrictJSONReader.once(&seen, 4)
        kind = try reader.optionalString()
      } else if reader.key(key, is: "action") {
        try StrictJSONReader.once(&seen, 8)
        action = try reader.optionalString()
      } else if reader.key(key, is: "conclusion") {
        try StrictJSONReader.once(&seen, 16)
        conclusion = try reader.optionalString()
      } else if reader.key(key, is: "startedAt") {
        try StrictJSONReader.once(&seen, 32)
        startedAt = try reader.optionalString()
      } else if reader.key(key, is: "durationMs") {
        try StrictJSONReader.once(&seen, 64)
        durationMs = try reader.optionalInt64()
      } else {
        try reader.skipValue()
      }
    }
    guard let name else { throw StrictJSONReader.Unsure() }
    self.name = name
  }
}

extension HistoryRun.Metrics.Cache {
  init(_ reader: inout StrictJSONReader) throws(StrictJSONReader.Unsure) {
    typealias Unsure = StrictJSONReader.Unsure
    var seen: UInt32 = 0
    try reader.beginObject()
    while let key = try reader.nextKey() {
      if reader.key(key, is: "restores") {
        try StrictJSONReader.once(&seen, 1)
        restores = try reader.optionalArray { (reader) throws(Unsure) in
          try HistoryRun.Metrics.Restore(&reader)
        }
      } else if reader.key(key, is: "saves") {
        try StrictJSONReader.once(&seen, 2)
        saves = try reader.optionalArray { (reader) throws(Unsure) in
          try HistoryRun.Metrics.Save(&reader)
        }
      } else {
        try reader.skipValue()
      }
    }
  }
}

extension HistoryRun.Metrics.Restore {
  init(_ reader: inout StrictJSONReader) throws(StrictJSONReader.Unsure) {
    var seen: UInt32 = 0
    try reader.beginObject()
    while let key = try reader.nextKey() {
      if reader.key(key, is: "step") {
        try StrictJSONReader.once(&seen, 1)
        step = try reader.optionalString()
      } else if reader.key(key, is: "action") {
        try StrictJSONReader.once(&seen, 2)
        action = try reader.optionalString()
      } else if reader.key(key, is: "primaryKey") {
        try StrictJSONReader.once(&seen, 4)
        primaryKey = try reader.optionalString()
      } else if reader.key(key, is: "restoredKey") {
        try StrictJSONReader.once(&seen, 8)
        restoredKey = try reader.optionalString()
      } else if reader.key(key, is: "outcome") {
        try StrictJSONReader.once(&seen, 16)
        outcome = try reader.optionalString()
      } else if reader.key(key, is: "fallbackLevel") {
        try StrictJSONReader.once(&seen, 32)
        fallbackLevel = try reader.optionalInt64()
      } else if reader.key(key, is: "sizeBytes") {
        try StrictJSONReader.once(&seen, 64)
        sizeBytes = try reader.optionalInt64()
      } else if reader.key(key, is: "durationMs") {
        try StrictJSONReader.once(&seen, 128)
        durationMs = try reader.optionalInt64()
      } else {
        try reader.skipValue()
      }
    }
  }
}

extension HistoryRun.Metrics.Save {
  init(_ reader: inout StrictJSONReader) throws(StrictJSONReader.Unsure) {
    var seen: UInt32 = 0
    try reader.beginObject()
    while let key = try reader.nextKey() {
      if reader.key(key, is: "step") {
        try StrictJSONReader.once(&seen, 1)
        step = try reader.optionalString()
      } else if reader.key(key, is: "action") {
        try StrictJSONReader.once(&seen, 2)
        action = try reader.optionalString()
      } else if reader.key(key, is: "key") {
        try StrictJSONReader.once(&seen, 4)
        self.key = try reader.optionalString()
      } else if reader.key(key, is: "outcome") {
        try StrictJSONReader.once(&seen, 8)
        outcome = try reader.optionalString()
      } else if reader.key(key, is: "sizeBytes") {
        try StrictJSONReader.once(&seen, 16)
        sizeBytes = try reader.optionalInt64()
      } else if reader.key(key, is: "durationMs") {
        try StrictJSONReader.once(&seen, 32)
        durationMs = try reader.optionalInt64()
      } else {
        try reader.skipValue()
      }
    }
  }
}

extension HistoryRun.Metrics.Tests {
  init(_ reader: inout StrictJSONReader) throws(StrictJSONReader.Unsure) {
    typealias Unsure = StrictJSONReader.Unsure
    var seen: UInt32 = 0
    try reader.beginObject()
    while let key = try reader.nextKey() {
      if reader.key(key, is: "failures") {
        try StrictJSONReader.once(&seen, 1)
        failures = try reader.optionalArray { (reader) throws(Unsure) in try Failure(&reader) }
      } else if reader.key(key, is: "flakyTests") {
        try StrictJSONReader.once(&seen, 2)
        flakyTests = try reader.optionalArray { (reader) throws(Unsure) in try Flaky(&reader) }
      } else if reader.key(key, is: "slowest") {
        try StrictJSONReader.once(&seen, 4)
        slowest = try reader.optionalArray { (reader) throws(Unsure) in try Slow(&reader) }
      } else if reader.key(key, is: "suites") {
        try StrictJSONReader.once(&seen, 8)
        suites = try reader.optionalArray { (reader) throws(Unsure) in try Suite(&reader) }
      } else {
        try reader.skipValue()
      }
    }
  }
}

extension HistoryRun.Metrics.Tests.Failure {
  init(_ reader: inout StrictJSONReader) throws(StrictJSONReader.Unsure) {
    var seen: UInt32 = 0
    var name: String?
    try reader.beginObject()
    while let key = try reader.nextKey() {
      if reader.key(key, is: "suite") {
        try StrictJSONReader.once(&seen, 1)
        suite = try reader.optionalString()
      } else if reader.key(key, is: "name") {
        try StrictJSONReader.once(&seen, 2)
        name = try reader.string()
      } else if reader.key(key, is: "outcome") {
        try StrictJSONReader.once(&seen, 4)
        outcome = try reader.optionalString()
      } else if reader.key(key, is: "attempts") {
        try StrictJSONReader.once(&seen, 8)
        attempts = try reader.optionalInt64()
      } else if reader.key(key, is: "flaky") {
        try StrictJSONReader.once(&seen, 16)
        flaky = try reader.optionalBool()
      } else {
        try reader.skipValue()
      }
    }
    guard let name else { throw StrictJSONReader.Unsure() }
    self.name = name
  }
}

extension HistoryRun.Metrics.Tests.Flaky {
  init(_ reader: inout StrictJSONReader) throws(StrictJSONReader.Unsure) {
    var seen: UInt32 = 0
    var name: String?
    try reader.beginObject()
    while let key = try reader.nextKey() {
      if reader.key(key, is: "suite") {
        try StrictJSONReader.once(&seen, 1)
        suite = try reader.optionalString()
      } else if reader.key(key, is: "name") {
        try StrictJSONReader.once(&seen, 2)
        name = try reader.string()
      } else if reader.key(key, is: "attempts") {
        try StrictJSONReader.once(&seen, 4)
        attempts = try reader.optionalInt64()
      } else {
        try reader.skipValue()
      }
    }
    guard let name else { throw StrictJSONReader.Unsure() }
    self.name = name
  }
}

extension HistoryRun.Metrics.Tests.Slow {
  init(_ reader: inout StrictJSONReader) throws(StrictJSONReader.Unsure) {
    var seen: UInt32 = 0
    var name: String?
    try reader.beginObject()
    while let key = try reader.nextKey() {
      if reader.key(key, is: "suite") {
        try StrictJSONReader.once(&seen, 1)
        suite = try reader.optionalString()
      } else if reader.key(key, is: "name") {
        try StrictJSONReader.once(&seen, 2)
        name = try reader.string()
      } else if reader.key(key, is: "durationMs") {
        try StrictJSONReader.once(&seen, 4)
        durationMs = try reader.optionalInt64()
      } else {
        try reader.skipValue()
      }
    }
    guard let name else { throw StrictJSONReader.Unsure() }
    self.name = name
  }
}

extension HistoryRun.Metrics.Tests.Suite {
  init(_ reader: inout StrictJSONReader) throws(StrictJSONReader.Unsure) {
    var seen: UInt32 = 0
    var name: String?
    try reader.beginObject()
    while let key = try reader.nextKey() {
      if reader.key(key, is: "name") {
        try StrictJSONReader.once(&seen, 1)
        name = try reader.string()
      } else if reader.key(key, is: "total") {
        try StrictJSONReader.once(&seen, 2)
        total = try reader.optionalInt64()
      } else if reader.key(key, is: "passed") {
        try StrictJSONReader.once(&seen, 4)
        passed = try reader.optionalInt64()
      } else if reader.key(key, is: "failed") {
        try StrictJSONReader.once(&seen, 8)
        failed = try reader.optionalInt64()
      } else if reader.key(key, is: "errors") {
        try StrictJSONReader.once(&seen, 16)
        errors = try reader.optionalInt64()
      } else if reader.key(key, is: "skipped") {
        try StrictJSONReader.once(&seen, 32)
        skipped = try reader.optionalInt64()
      } else if reader.key(key, is: "flaky") {
        try StrictJSONReader.once(&seen, 64)
        flaky = try reader.optionalInt64()
      } else if reader.key(key, is: "testTimeMs") {
        try StrictJSONReader.once(&seen, 128)
        testTimeMs = try reader.optionalInt64()
      } else {
        try reader.skipValue()
      }
    }
    guard let name else { throw StrictJSONReader.Unsure() }
    self.name = name
  }
}
