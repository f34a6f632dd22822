/// Runs as OpenTelemetry traces: an OTLP/JSON `ExportTraceServiceRequest`.
///
/// Each run is one trace (one `resourceSpans` entry): a span for the run, a child span for each
/// job and a grandchild for each step; cache restores and saves are events on their step's span
/// (on the job's span when the step is not known). Attributes follow the OpenTelemetry CI/CD
/// semantic conventions (`cicd.pipeline.*`, `vcs.ref.head.*`); runlens's own are under
/// `runlens.`. Trace and span ids are hashes of the run's key (repository, run id, attempt)
/// and of the job's and step's positions, so the same run exported twice has the same ids and
/// a backend deduplicates it. As OTLP/JSON requires, ids are hex strings, 64-bit integers
/// (times, `intValue`) are decimal strings and enums are integers.
public enum OTLPExport {
  /// The instrumentation scope's name.
  public static let scopeName = "runlens"

  /// The request for `runs`, as JSON text.
  ///
  /// - Parameter runs: The runs, one trace each.
  /// - Returns: The `ExportTraceServiceRequest` document.
  public static func render(_ runs: [HistoryRun]) -> String {
    document(runs).render()
  }

  /// The request for `runs`, as a JSON value.
  public static func document(_ runs: [HistoryRun]) -> JSONValue {
    .object(["resourceSpans": .array(runs.map(resourceSpans))])
  }

  /// The number of spans ``document(_:)`` writes for `runs`: one a run, job and step.
  public static func spanCount(_ runs: [HistoryRun]) -> Int {
    runs.reduce(0) { $0 + 1 + $1.jobs.count + $1.jobs.reduce(0) { $0 + $1.steps.count } }
  }

  /// The trace id of a run: 32 hex digits from two independent hashes of its key.
  public static func traceID(_ run: HistoryRun) -> String {
    var first = StableHash()
    var second = StableHash(basis: 0x84222325_cbf29ce4)
    first.combine("trace " + run.key)
    second.combine("trace " + run.key)
    return StableHash.hex(first.value | 1) + StableHash.hex(second.value)
  }

  /// A span id: 16 hex digits from the run's key and the span's path (`""`, `job/0`,
  /// `job/0/step/3`).
  public static func spanID(_ run: HistoryRun, path: String) -> String {
    var hash = StableHash()
    hash.combine("span " + run.key + "/" + path)
    return StableHash.hex(hash.value | 1)
  }

  private static func resourceSpans(_ run: HistoryRun) -> JSONValue {
    let trace = traceID(run)
    let runSpan = spanID(run, path: "")
    let runStart = run.startedAt.flatMap { LogTime(parsing: $0) }?.nanosecondsSinceEpoch ?? 0
    var spans: [JSONValue] = []
    var runEnd = runStart
    for (jobIndex, job) in run.jobs.enumerated() {
      let jobPath = "job/\(jobIndex)"
      let jobSpan = spanID(run, path: jobPath)
      let jobStart = nanoseconds(job.startedAt) ?? runStart
      let jobEnd = end(start: jobStart, text: job.completedAt, durationMs: job.durationMs)
      runEnd = max(runEnd, jobEnd)
      var placed = Set<Int>()
      var stepSpans: [JSONValue] = []
      for (stepIndex, step) in job.steps.enumerated() {
        let stepStart = nanoseconds(step.startedAt) ?? jobStart
        var events: [JSONValue] = []
        for (index, restore) in job.restores.enumerated()
        where !placed.contains(index) && restore.step == step.name {
          placed.insert(index)
          events.append(restoreEvent(restore, time: stepStart))
        }
        for (index, save) in job.saves.enumerated()
        where !placed.contains(-1 - index) && save.step == step.name {
          placed.insert(-1 - index)
          events.append(saveEvent(save, time: stepStart))
        }
        var attributes = [
          attribute("cicd.pipeline.task.name", job.name),
          attribute("runlens.step.name", step.name),
        ]
        attributes += [
          step.number.map { attribute("runlens.step.number", $0) },
          step.kind.map { attribute("runlens.step.kind", $0) },
          step.action.map { attribute("runlens.step.action", $0) },
          step.conclusion.map { attribute("runlens.step.conclusion", $0) },
        ].compactMap { $0 }
        stepSpans.append(
          span(
            trace: trace, id: spanID(run, path: "\(jobPath)/step/\(stepIndex)"), parent: jobSpan,
            name: step.name, start: stepStart,
            end: end(start: stepStart, text: nil, durationMs: step.durationMs),
            attributes: attributes, events: events, conclusion: step.conclusion))
      }
      var jobEvents: [JSONValue] = []
      for (index, restore) in job.restores.enumerated() where !placed.contains(index) {
        jobEvents.append(restoreEvent(restore, time: jobStart))
      }
      for (index, save) in job.saves.enumerated() where !placed.contains(-1 - index) {
        jobEvents.append(saveEvent(save, time: jobStart))
      }
      var jobAttributes = [
        attribute("cicd.pipeline.task.name", job.name),
        attribute("cicd.pipeline.task.run.id", "\(run.runId ?? run.key)/\(jobIndex)"),
      ]
      if let result = result(job.conclusion) {
        jobAttributes.append(attribute("cicd.pipeline.task.run.result", result))
      }
      if let durationMs = job.durationMs {
        jobAttributes.append(attribute("runlens.job.duration_ms", durationMs))
      }
      spans.append(
        span(
          trace: trace, id: jobSpan, parent: runSpan, name: job.name, start: jobStart,
          end: jobEnd, attributes: jobAttributes, events: jobEvents, conclusion: job.conclusion))
      spans += stepSpans
    }
    let restores = run.restores
    var runAttributes: [JSONValue] = [
      attribute("cicd.pipeline.name", run.workflow ?? "unknown"),
      attribute("cicd.pipeline.run.id", run.runId ?? run.key),
      attribute("runlens.run.key", run.key),
      attribute("runlens.cache.restores", Int64(restores.count)),
      attribute("runlens.cache.hits", Int64(restores.filter(\.isHit).count)),
      attribute(
        "runlens.cache.exact_hits", Int64(restores.filter { $0.outcome == "exact-hit" }.count)),
    ]
    runAttributes += [
      run.branch.map { attribute("vcs.ref.head.name", $0) },
      run.sha.map { attribute("vcs.ref.head.revision", $0) },
      run.runAttempt.map { attribute("runlens.run.attempt", $0) },
      run.wallMs.map { attribute("runlens.run.wall_ms", $0) },
      run.computeMs.map { attribute("runlens.run.compute_ms", $0) },
    ].compactMap { $0 }
    let failed = run.jobs.contains { $0.conclusion == "failure" }
    let succeeded = !run.jobs.isEmpty && run.jobs.allSatisfy { $0.conclusion == "success" }
    let root = span(
      trace: trace, id: runSpan, parent: nil, name: run.workflow ?? "workflow run",
      start: runStart, end: runEnd, attributes: runAttributes, events: [],
      conclusion: failed ? "failure" : (succeeded ? "success" : nil))
    var resource: [JSONValue] = [attribute("service.name", "github-actions")]
    if let repository = run.repository {
      resource.append(attribute("vcs.repository.name", repository))
    }
    return .object([
      "resource": .object(["attributes": .array(resource)]),
      "scopeSpans": .array([
        .object([
          "scope": .object(["name": .string(scopeName)]),
          "spans": .array([root] + spans),
        ])
      ]),
    ])
  }

  private static func span(
    trace: String, id: String, parent: String?, name: String, start: Int64, end: Int64,
    attributes: [JSONValue], events: [JSONValue], conclusion: String?
  ) -> JSONValue {
    var members: [String: JSONValue] = [
      "traceId": .string(trace), "spanId": .string(id), "name": .string(name),
      "kind": .int(1), "startTimeUnixNano": .string(String(start)),
      "endTimeUnixNano": .string(String(max(start, end))), "attributes": .array(attributes),
    ]
    if let parent { members["parentSpanId"] = .string(parent) }
    if !events.isEmpty { members["events"] = .array(events) }
    switch conclusion {
    case "success": members["status"] = .object(["code": .int(1)])
    case "failure": members["status"] = .object(["code": .int(2), "message": .string("failure")])
    default: break
    }
    return .object(members)
  }

  private static func restoreEvent(_ restore: HistoryRun.Restore, time: Int64) -> JSONValue {
    var attributes = [
      attribute("runlens.cache.operation", "restore"),
      attribute("runlens.cache.outcome", restore.outcome),
    ]
    attributes += [
      restore.primaryKey.map { attribute("runlens.cache.key", $0) },
      restore.family.map { attribute("runlens.cache.family", $0) },
      restore.restoredKey.map { attribute("runlens.cache.restored_key", $0) },
      restore.fallbackLevel.map { attribute("runlens.cache.fallback_level", $0) },
      restore.sizeBytes.map { attribute("runlens.cache.size_bytes", $0) },
      restore.durationMs.map { attribute("runlens.cache.duration_ms", $0) },
      restore.action.map { attribute("runlens.cache.action", $0) },
    ].compactMap { $0 }
    return .object([
      "name": .string("cache.restore"), "timeUnixNano": .string(String(time)),
      "attributes": .array(attributes),
    ])
  }

  private static func saveEvent(_ save: HistoryRun.Save, time: Int64) -> JSONValue {
    var attributes = [
      attribute("runlens.cache.operation", "save"),
      attribute("runlens.cache.outcome", save.outcome),
    ]
    attributes += [
      save.key.map { attribute("runlens.cache.key", $0) },
      save.family.map { attribute("runlens.cache.family", $0) },
      save.sizeBytes.map { attribute("runlens.cache.size_bytes", $0) },
      save.durationMs.map { attribute("runlens.cache.duration_ms", $0) },
      save.action.map { attribute("runlens.cache.action", $0) },
    ].compactMap { $0 }
    return .object([
      "name": .string("cache.save"), "timeUnixNano": .string(String(time)),
      "attributes": .array(attributes),
    ])
  }

  /// The CI/CD conventions' `cicd.pipeline.task.run.result` for a jobs API conclusion.
  static func result(_ conclusion: String?) -> String? {
    switch conclusion {
    case "success": "success"
    case "failure": "failure"
    case "cancelled": "cancellation"
    case "skipped": "skip"
    case "timed_out": "timeout"
    case nil: nil
    default: "error"
    }
  }

  private static func attribute(_ key: String, _ value: String) -> JSONValue {
    .object(["key": .string(key), "value": .object(["stringValue": .string(value)])])
  }

  private static func attribute(_ key: String, _ value: Int64) -> JSONValue {
    .object(["key": .string(key), "value": .object(["intValue": .string(String(value))])])
  }

  private static func nanoseconds(_ text: String?) -> Int64? {
    text.flatMap { LogTime(parsing: $0) }?.nanosecondsSinceEpoch
  }

  /// The end: the completion time when given, else start plus duration (saturating).
  private static func end(start: Int64, text: String?, durationMs: Int64?) -> Int64 {
    if let end = nanoseconds(text) { return end }
    let (nanos, overflow) = (durationMs ?? 0).multipliedReportingOverflow(by: 1_000_000)
    if overflow { return Int64.max }
    let (sum, overflowSum) = start.addingReportingOverflow(nanos)
    return overflowSum ? Int64.max : sum
  }
}
