/// Renders a ``RunReport`` as the versioned JSON metrics contract.
///
/// The names and meanings are fixed by ``schemaVersion``: fields may be added, never renamed
/// or removed. Durations are integer milliseconds, times are the log's ISO 8601 text, and
/// unknown values are `null`. The README's "JSON contract" section documents every field.
public enum MetricsJSON {
  /// The version of the contract this renderer writes.
  public static let schemaVersion = 1

  /// The report as JSON text (sorted keys, pretty-printed, one trailing newline).
  ///
  /// - Parameter report: The run to render.
  /// - Returns: The JSON document.
  public static func render(_ report: RunReport) -> String {
    String(decoding: renderUTF8(report), as: UTF8.self)
  }

  /// The report as the UTF-8 bytes of ``render(_:)``.
  public static func renderUTF8(_ report: RunReport) -> [UInt8] {
    let pieces = document(report, jobs: [jobs(report.jobs[...])])
    if pieces.count == 1 { return pieces[0] }
    // Joined by whole copies (`Array(pieces.joined())` copies byte by byte: 16 to 40 ms for
    // 8.5 MB).
    var bytes: [UInt8] = []
    bytes.reserveCapacity(pieces.reduce(0) { $0 + $1.count })
    for piece in pieces { bytes.append(contentsOf: piece) }
    return bytes
  }

  /// The report as the UTF-8 bytes of ``render(_:)`` in pieces, its jobs rendered in two
  /// halves at once.
  ///
  /// The job objects are most of the document of a run with many jobs (8.5 MB for 400), and
  /// it is rendered after every log was read, so it is the serial part of a directory's or a
  /// zip's report. The halves are pieces of their own, to write one after the other, not
  /// copied into one array.
  ///
  /// - Parameters:
  ///   - report: The run to render.
  ///   - concurrently: Runs `other`, possibly on another thread, while the calling thread runs
  ///     `here`, and returns when both have ended.
  /// - Returns: The pieces; joined, they are ``renderUTF8(_:)``'s bytes.
  package static func renderPieces(
    _ report: RunReport,
    concurrently: (_ other: @escaping @Sendable () -> Void, _ here: () -> Void) -> Void
  ) -> [[UInt8]] {
    // Below this, a thread costs more than half the jobs' rendering.
    guard report.jobs.count >= 32 else { return [renderUTF8(report)] }
    let half = report.jobs.count / 2
    let first = RenderedPart()
    var second: [UInt8] = []
    concurrently(
      { first.bytes = jobs(report.jobs[..<half]) }, { second = jobs(report.jobs[half...]) })
    // Moved, not copied (`consume`: a second reference to `parts` would make its elements
    // shared too, and cutting the last element's separator would copy the half).
    var parts: [[UInt8]] = [[], []]
    swap(&parts[0], &first.bytes)
    swap(&parts[1], &second)
    return document(report, jobs: consume parts)
  }

  /// The elements of the `jobs` array for `jobs`, as
  /// ``JSONValue/renderElements(count:indent:element:)`` writes them.
  private static func jobs(_ jobs: ArraySlice<JobRun>) -> [UInt8] {
    JSONValue.renderElements(count: jobs.count, indent: 4) { index, output in
      write(jobs[jobs.startIndex + index], indent: 4, to: &output)
    }
  }

  /// The document in pieces, with `parts` (the jobs' elements, in order) as the value of its
  /// member `jobs`.
  private static func document(_ report: RunReport, jobs parts: consuming [[UInt8]]) -> [[UInt8]] {
    let totals = report.totals
    let skeleton = JSONValue.object([
      "schemaVersion": .int(Int64(schemaVersion)),
      "partial": .bool(report.isPartial),
      "run": .optional(report.run) { run in
        .object([
          "repository": string(run.repository), "runId": string(run.runID),
          "runAttempt": string(run.runAttempt), "sha": string(run.sha), "ref": string(run.ref),
          "workflow": string(run.workflow),
        ])
      },
      // A placeholder: the pieces of `parts` are written in its place.
      "jobs": .array([]),
      "totals": .object([
        "jobs": .int(Int64(totals.jobs)),
        "restores": .int(Int64(totals.restores)),
        "exactHits": .int(Int64(totals.exactHits)),
        "fallbackHits": .int(Int64(totals.fallbackHits)),
        "misses": .int(Int64(totals.misses)),
        "errors": .int(Int64(totals.errors)),
        "unknown": .int(Int64(totals.unknown)),
        "hitRate": .optional(totals.hitRate, JSONValue.double),
        "exactHitRate": .optional(totals.exactHitRate, JSONValue.double),
        "restoreMsMax": milliseconds(totals.restoreMax),
        "restoredBytes": .int(totals.restoredBytes),
        "saves": .int(Int64(totals.saves)),
        "saved": .int(Int64(totals.saved)),
        "skippedSaves": .int(Int64(totals.skippedSaves)),
        "failedSaves": .int(Int64(totals.failedSaves)),
        "savedBytes": .int(totals.savedBytes),
        "wallMs": milliseconds(totals.wall),
        "computeMs": milliseconds(totals.compute),
        "failedJobs": .int(Int64(totals.failedJobs)),
        "cancelledJobs": .int(Int64(totals.cancelledJobs)),
      ]),
      // `report.targets` and the advice would each sum every job again.
      "targets": .array(report.targetOptions.evaluate(totals).map(target)),
      "tests": .optional(report.tests, tests),
      "advice": .array(
        Advice.forReport(report, targets: report.targetOptions, totals: totals).map {
          .object(["id": .string($0.id), "message": .string($0.message)])
        }),
      "diagnostics": .array(report.allDiagnostics.map(diagnostic)),
    ])
    // `consume`: a second reference to `parts` would make its elements shared, and cutting
    // the last element's separator would copy a whole half.
    return skeleton.renderPieces(member: "jobs", elements: consume parts)
  }

  /// One failure of `tests.failures` (written up to 500 times per report, so without a
  /// dictionary).
  static func failure(_ failure: TestSummary.Failure) -> JSONValue {
    .ordered([
      "attempts": .int(Int64(failure.attempts)),
      "cutBytes": .int(Int64(failure.cutBytes)),
      "details": string(failure.details),
      "file": string(failure.file),
      "flaky": .bool(failure.isFlaky),
      "line": .optional(failure.line) { .int(Int64($0)) },
      "message": string(failure.message),
      "name": .string(failure.name),
      "outcome": .string(failure.outcome.rawValue),
      "output": string(failure.output),
      "suite": .string(failure.suite),
      "type": string(failure.failureType),
    ])
  }

  /// A test summary as JSON; the elements of its lists (up to 500 failures and 2,000 suites)
  /// are ordered objects.
  static func tests(_ tests: TestSummary) -> JSONValue {
    .object([
      "source": .string(tests.source.rawValue),
      "total": .int(Int64(tests.total)),
      "passed": .int(Int64(tests.passed)),
      "failed": .int(Int64(tests.failed)),
      "errors": .int(Int64(tests.errors)),
      "skipped": .int(Int64(tests.skipped)),
      "flaky": .int(Int64(tests.flaky)),
      "durationMs": milliseconds(tests.duration),
      "testTimeMs": .int(tests.testTime.milliseconds),
      "partial": .bool(tests.isPartial),
      "failures": .array(tests.failures.map(failure)),
      "unlistedFailures": .int(Int64(tests.unlistedFailures)),
      "flakyTests": .array(
        tests.flakyTests.map {
          .ordered(
            [
              "attempts": .int(Int64($0.attempts)), "name": .string($0.name),
              "suite": .string($0.suite),
            ])
        }),
      "slowest": .array(
        tests.slowest.map {
          .ordered(
            [
              "durationMs": .int($0.duration.milliseconds), "name": .string($0.name),
              "suite": .string($0.suite),
            ])
        }),
      "suites": .array(
        tests.suites.map { suite in
          .ordered(
            [
              "errors": .int(Int64(suite.errors)),
              "failed": .int(Int64(suite.failed)),
              "flaky": .int(Int64(suite.flaky)),
              "name": .string(suite.name),
              "passed": .int(Int64(suite.passed)),
              "skipped": .int(Int64(suite.skipped)),
              "testTimeMs": .int(suite.testTime.milliseconds),
              "total": .int(Int64(suite.total)),
            ])
        }),
      // Compact: one sorted array of names per suite, `null` when not known.
      "names": .optional(tests.testNames) { names in
        .object(names.mapValues { .array($0.map(JSONValue.string)) })
      },
      "namesNotKeptBecause": string(tests.testNamesNotKeptBecause),
      "files": .array(
        tests.files.map {
          .object([
            "path": .string($0.path), "tests": .int(Int64($0.tests)),
            "partial": .bool($0.isPartial),
          ])
        }),
    ])
  }

  static func milliseconds(_ duration: Duration?) -> JSONValue {
    .optional(duration) { .int($0.milliseconds) }
  }

  static func string(_ value: String?) -> JSONValue { .optional(value, JSONValue.string) }

  static func time(_ value: LogTime?) -> JSONValue { .optional(value) { .string($0.text) } }

  /// Writes one job of `jobs`.
  ///
  /// Member by member (``JSONValue/ObjectWriter``), not built as a value first: a run has
  /// hundreds of jobs, and building and walking their values was half of the JSON's time.
  /// Members in key order, as are a step's, a restore's and a save's.
  private static func write(
    _ job: JobRun, indent: Int, to output: inout JSONValue.Output
  ) {
    var object = JSONValue.ObjectWriter(indent: indent)
    object.strings("advice", BuildVerdict.advice(job), &output)
    object.value("build", BuildEvidenceJSON.build(job.build ?? BuildEvidence()), &output)
    object.key("cache", &output)
    var cache = JSONValue.ObjectWriter(indent: object.valueIndent)
    cache.int("reportedHits", Int64(job.reported.hits), &output)
    cache.strings("reportedKeys", job.reported.keys, &output)
    cache.int("reportedMisses", Int64(job.reported.misses), &output)
    cache.key("restores", &output)
    JSONValue.writeArray(count: job.restores.count, indent: cache.valueIndent, &output) {
      write(job.restores[$0], indent: cache.valueIndent + 2, to: &$1)
    }
    cache.key("saves", &output)
    JSONValue.writeArray(count: job.saves.count, indent: cache.valueIndent, &output) {
      write(job.saves[$0], indent: cache.valueIndent + 2, to: &$1)
    }
    cache.end(&output)
    object.int("cacheOverheadMs", BuildVerdict.cacheOverhead(job)?.milliseconds, &output)
    object.string("completedAt", job.completedAt?.text, &output)
    object.string("conclusion", job.conclusion, &output)
    object.string("conclusionSource", job.conclusionSource?.rawValue, &output)
    object.int("durationMs", job.duration?.milliseconds, &output)
    object.bool("hasLog", job.hasLog, &output)
    object.string("name", job.name, &output)
    object.string("nameSource", job.nameSource.rawValue, &output)
    object.bool("partial", job.isPartial, &output)
    object.string("source", job.source, &output)
    object.string("startedAt", job.startedAt?.text, &output)
    // Only jobs the jobs API lists have a status (`in_progress` for one still running).
    if let status = job.status { object.string("status", status, &output) }
    object.key("steps", &output)
    JSONValue.writeArray(count: job.steps.count, indent: object.valueIndent, &output) {
      write(job.steps[$0], indent: object.valueIndent + 2, to: &$1)
    }
    object.string("stepsSource", job.stepsSource.rawValue, &output)
    object.value("tests", .optional(job.tests, tests), &output)
    object.string("url", job.url, &output)
    object.string("verdict", BuildVerdict.line(job), &output)
    object.end(&output)
  }

  private static func write(_ step: Step, indent: Int, to output: inout JSONValue.Output) {
    var object = JSONValue.ObjectWriter(indent: indent)
    object.string("action", step.action, &output)
    object.string("conclusion", step.conclusion, &output)
    object.string("conclusionSource", step.conclusionSource?.rawValue, &output)
    object.int("durationMs", step.duration?.milliseconds, &output)
    object.string("header", step.header, &output)
    object.string("kind", step.kind.rawValue, &output)
    object.int("line", Int64(step.line), &output)
    object.string("name", step.name, &output)
    object.int("number", step.number.map(Int64.init), &output)
    object.string("startedAt", step.startedAt?.text, &output)
    object.end(&output)
  }

  private static func write(
    _ restore: CacheRestore, indent: Int, to output: inout JSONValue.Output
  ) {
    var object = JSONValue.ObjectWriter(indent: indent)
    object.string("action", restore.action, &output)
    object.int("durationMs", restore.duration?.milliseconds, &output)
    object.int("fallbackLevel", restore.fallbackLevel.map(Int64.init), &output)
    object.value("keyDiff", BuildEvidenceJSON.keyDiff(restore.keyDiff), &output)
    object.int("line", Int64(restore.line), &output)
    object.string("message", restore.message, &output)
    object.string("missDetail", restore.missDetail, &output)
    object.string("missReason", restore.missReason, &output)
    object.string("outcome", restore.outcome.rawValue, &output)
    object.string("primaryKey", restore.primaryKey, &output)
    object.strings("restoreKeys", restore.restoreKeys, &output)
    object.string("restoredKey", restore.restoredKey, &output)
    object.int("sizeBytes", restore.sizeBytes, &output)
    object.string("step", restore.step, &output)
    object.end(&output)
  }

  private static func write(_ save: CacheSave, indent: Int, to output: inout JSONValue.Output) {
    var object = JSONValue.ObjectWriter(indent: indent)
    object.string("action", save.action, &output)
    object.int("durationMs", save.duration?.milliseconds, &output)
    object.string("key", save.key, &output)
    object.int("line", Int64(save.line), &output)
    object.string("message", save.message, &output)
    object.value(
      "nixStore",
      .optional(save.nixStore) { store in
        .ordered([
          "collectedGarbage": .bool(store.collectedGarbage),
          "maxSizeBytes": .optional(store.maxSizeBytes, JSONValue.int),
          "sizeAfterBytes": .optional(store.sizeAfterBytes, JSONValue.int),
          "sizeBeforeBytes": .optional(store.sizeBeforeBytes, JSONValue.int),
        ])
      }, &output)
    object.string("outcome", save.outcome.rawValue, &output)
    object.bool("reservationConflict", save.reservationConflict, &output)
    object.int("sizeBytes", save.sizeBytes, &output)
    object.string("step", save.step, &output)
    object.end(&output)
  }

  /// A target as JSON: `met` is `null` when it was not measured or cannot be judged, and
  /// `notJudgedBecause` says why it cannot.
  static func target(_ target: Target) -> JSONValue {
    .object([
      "id": .string(target.id),
      "threshold": target.unit == .ratio
        ? .double(target.threshold) : .int(Int64(clamping: target.threshold)),
      "comparison": .string(target.comparison.rawValue),
      "unit": .string(target.unit.rawValue),
      // A value from the input (a size, a time) may be as large as Int64.max, which a Double
      // rounds up past it.
      "value": .optional(target.value) {
        target.unit == .ratio ? .double($0) : .int(Int64(clamping: $0))
      },
      "met": .optional(target.met, JSONValue.bool),
      "notJudgedBecause": string(target.notJudgedBecause),
    ])
  }

  private static func diagnostic(_ diagnostic: Diagnostic) -> JSONValue {
    .object([
      "severity": .string(diagnostic.severity.rawValue),
      "message": .string(diagnostic.message),
      "source": string(diagnostic.source),
      "line": .optional(diagnostic.line) { .int(Int64($0)) },
      "column": .optional(diagnostic.column) { .int(Int64($0)) },
    ])
  }
}

/// One half of the jobs' JSON, written by the other side of
/// ``MetricsJSON/renderPieces(_:concurrently:)`` and read only after both sides ended, so it
/// needs no lock.
private final class RenderedPart: @unchecked Sendable {
  var bytes: [UInt8] = []
}
