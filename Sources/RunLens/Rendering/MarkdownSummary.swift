/// Renders a ``RunReport`` as the Markdown job summary written to `$GITHUB_STEP_SUMMARY`.
///
/// The summary leads with what a developer wants first (did the cache hit, how long did it
/// take, were the targets met) and then gives the tables behind it. It never exceeds
/// ``Options/byteBudget``: when the full text is too large it drops detail in steps (long
/// tables first, then everything but the headline, the targets and one row per job) and says
/// so in a visible note. A table is never cut in the middle.
public enum MarkdownSummary {
  /// How to render.
  public struct Options: Sendable, Hashable {
    /// The most UTF-8 bytes the summary may have.
    public var byteBudget: Int
    /// The heading's text.
    public var title: String

    /// Creates options.
    public init(
      byteBudget: Int = 1_048_576 - 16_384, title: String = "runlens · cache and step report"
    ) {
      self.byteBudget = byteBudget
      self.title = title
    }

    /// GitHub's 1 MiB step-summary limit less a margin for other steps' summaries.
    public static let `default` = Options()
  }

  /// GitHub's limit for one step's summary file, in bytes.
  public static let stepSummaryLimit = 1_048_576

  /// How much detail a rendering carries.
  enum Detail: Int, CaseIterable {
    case full
    case compact
    case minimal
  }

  /// The summary as Markdown text ending with one newline.
  ///
  /// - Parameters:
  ///   - report: The run to render.
  ///   - options: How to render.
  /// - Returns: At most `options.byteBudget` UTF-8 bytes of Markdown.
  public static func render(_ report: RunReport, options: Options = .default) -> String {
    let facts = Facts(report)
    for detail in Detail.allCases {
      let text = finished(render(report, options: options, detail: detail, facts: facts))
      if Markdown.size(text) <= options.byteBudget { return text }
    }
    return finished(renderSmallest(report, options: options, facts: facts))
  }

  /// What every rendering of one report shows, worked out once: a report that does not fit
  /// is rendered up to about ten times, and each sum goes over every job.
  struct Facts {
    /// The run-wide sums.
    var totals: RunReport.Totals
    /// The targets judged against the sums.
    var targets: [Target]
    /// The advice for the run.
    var advice: [Advice]

    /// The facts of `report`.
    init(_ report: RunReport) {
      totals = report.totals
      targets = report.targetOptions.evaluate(totals)
      advice = Advice.forReport(report, targets: report.targetOptions, totals: totals)
    }
  }

  /// The text with exactly one trailing newline.
  static func finished(_ text: String) -> String {
    var text = text
    while text.hasSuffix("\n") { text.removeLast() }
    text.append("\n")
    return text
  }

  static func render(
    _ report: RunReport, options: Options, detail: Detail, jobLimit: Int? = nil, facts: Facts
  ) -> String {
    var out = ""
    if detail == .full { out.reserveCapacity(64 << 10) }
    out += "## \(Markdown.text(options.title))\n\n"
    let totals = facts.totals
    if detail != .full {
      out += "> [!NOTE]\n> This summary was shortened to fit GitHub's size limit: "
      out +=
        detail == .compact
        ? "long tables show only their first rows."
        : "only the totals and one line per job are shown."
      out += " The JSON metrics (`--json`) have every figure.\n\n"
    }
    if report.isPartial {
      let partial = report.jobs.filter(\.isPartial)
      var names = partial.prefix(5).map { "**\(Markdown.text(String($0.name.prefix(120))))**" }
      if partial.count > 5 { names.append("\(partial.count - 5) more jobs") }
      if !partial.isEmpty {
        out +=
          "> [!WARNING]\n> Partial report: the log of \(names.joined(separator: ", ")) ends before "
        out +=
          "the job's end (cancelled, still running or truncated). Figures cover the lines read.\n\n"
      }
      if let tests = report.junit, tests.isPartial {
        out += "> [!WARNING]\n> Partial report: a JUnit file is cut or malformed; "
        out += "its tests before the problem are counted.\n\n"
      }
      if report.inputDropped {
        out += "> [!WARNING]\n> Partial report: some input was not read to its end "
        out += "(see the diagnostics). Figures cover what was read.\n\n"
      }
    }
    if report.isEmpty {
      out += "> [!WARNING]\n> **No job log was found** in the inputs: there is nothing to report, "
      out += "and no target is judged. The diagnostics below say what was read.\n\n"
    } else {
      out += headline(report, totals, facts.targets) + "\n\n"
    }
    if !report.jobs.isEmpty || facts.targets.contains(where: { $0.value != nil }) {
      out += targetsTable(facts.targets)
    }
    if detail != .minimal, let tests = report.tests {
      out += testsSection(tests, detail: detail)
    }
    if detail == .minimal {
      out += jobsTable(report, limit: jobLimit)
      out += diagnosticsSection(report.allDiagnostics, limit: 0)
      return out
    }
    // A rendering past the budget is thrown away (``render(_:options:)`` tries the next level
    // of detail), so it stops there: a run of hundreds of jobs is not rendered whole for
    // nothing.
    func overBudget() -> Bool {
      Markdown.size(out) > options.byteBudget && Markdown.size(finished(out)) > options.byteBudget
    }
    if report.jobs.count > 1 {
      out += "### Jobs\n\n" + jobsTable(report, limit: nil)
      if detail == .full { out += Timeline.render(report) }
      for job in report.jobs {
        if overBudget() { return out }
        var summary = Markdown.text(job.name)
        if job.isPartial { summary += " (partial)" }
        out += "<details><summary>\(summary)</summary>\n\n"
        out += jobSection(job, detail: detail, headingLevel: nil)
        out += "</details>\n\n"
      }
    } else {
      for job in report.jobs {
        if overBudget() { return out }
        out += jobSection(job, detail: detail, headingLevel: "###")
      }
    }
    out += CacheBudgetReport.adviceSection(facts.advice)
    out += diagnosticsSection(report.allDiagnostics, limit: detail == .full ? nil : 20)
    return out
  }

  /// The minimal rendering with as many job rows as fit.
  private static func renderSmallest(_ report: RunReport, options: Options, facts: Facts)
    -> String
  {
    var low = 0
    var high = report.jobs.count
    while low < high {
      let middle = (low + high + 1) / 2
      let text = render(
        report, options: options, detail: .minimal, jobLimit: middle, facts: facts)
      if Markdown.size(text) <= options.byteBudget { low = middle } else { high = middle - 1 }
    }
    let text = render(report, options: options, detail: .minimal, jobLimit: low, facts: facts)
    if Markdown.size(text) <= options.byteBudget { return text }
    return
      "## runlens\n\n> [!WARNING]\n> The summary does not fit in \(options.byteBudget) bytes; see the JSON metrics.\n"
  }

  // MARK: - Headline

  private static func headline(
    _ report: RunReport, _ totals: RunReport.Totals, _ targets: [Target]
  ) -> String {
    var parts: [String] = []
    if report.jobs.isEmpty {
      // A JUnit-only report: no cache part.
    } else if totals.restores == 0 {
      parts.append("**Cache:** no restore in the log")
    } else if totals.restores == 1, let restore = report.restores.first {
      parts.append("**Cache:** \(outcome(restore, plain: true))")
      if let size = restore.sizeBytes { parts.append(Markdown.bytes(size)) }
      parts.append("restore \(Markdown.duration(restore.duration))")
    } else {
      let hits = totals.exactHits + totals.fallbackHits
      var counts: [String] = []
      if totals.exactHits > 0 { counts.append("\(totals.exactHits) exact") }
      if totals.fallbackHits > 0 { counts.append("\(totals.fallbackHits) fallback") }
      if totals.misses > 0 { counts.append("\(totals.misses) missed") }
      if totals.errors > 0 { counts.append("\(totals.errors) failed") }
      if totals.unknown > 0 { counts.append("\(totals.unknown) unknown") }
      parts.append(
        "**Cache:** \(hits) of \(totals.restores) restores hit (\(counts.joined(separator: ", "))), hit rate \(Markdown.percent(totals.hitRate))"
      )
      parts.append("slowest restore \(Markdown.duration(totals.restoreMax))")
    }
    if totals.saves > 0 {
      var saves = "\(totals.saved) of \(totals.saves) saves written"
      if totals.savedBytes > 0 { saves += " (\(Markdown.bytes(totals.savedBytes)))" }
      if totals.failedSaves > 0 { saves += ", **\(totals.failedSaves) failed**" }
      parts.append(saves)
    }
    if report.jobs.count == 1 {
      let job = report.jobs[0]
      let ended = job.failed || job.cancelled ? "\(conclusion(job)) · " : ""
      parts.append("**Job:** \(ended)\(Markdown.duration(job.duration))")
    } else if report.jobs.count > 1 {
      var run =
        "**Run:** \(Markdown.duration(totals.wall)) wall, \(Markdown.duration(totals.compute)) compute"
      if totals.failedJobs > 0 {
        run += ", ❌ \(totals.failedJobs) of \(totals.jobs) jobs failed"
      }
      if totals.cancelledJobs > 0 { run += ", ⏹️ \(totals.cancelledJobs) cancelled" }
      parts.append(run)
    }
    let running = report.jobs.filter { $0.status != nil && $0.status != "completed" }.count
    if running > 0 { parts.append("**Still running:** \(running) job\(running == 1 ? "" : "s")") }
    if let tests = report.tests { parts.append(testsHeadline(tests)) }
    let judged = targets.filter { $0.met != nil }
    if !judged.isEmpty {
      let met = judged.filter { $0.met == true }.count
      parts.append("**Targets:** \(met == judged.count ? "✅" : "❌") \(met) of \(judged.count) met")
    }
    return parts.joined(separator: " · ")
  }

  private static func outcome(_ restore: CacheRestore, plain: Bool = false) -> String {
    switch restore.outcome {
    case .exactHit: return plain ? "exact hit" : "✅ exact hit"
    case .fallbackHit:
      var text = plain ? "fallback hit" : "🟡 fallback hit"
      if let level = restore.fallbackLevel {
        text += " (level \(level) of \(restore.restoreKeys.count))"
      }
      return text
    case .miss: return plain ? "miss" : "❌ miss"
    case .error:
      return (plain ? "error" : "⛔ error")
        + (restore.message.map { ": " + Markdown.text($0) } ?? "")
    case .unknown: return plain ? "outcome unknown" : "❔ unknown"
    }
  }

  // MARK: - Tables

  private static func targetsTable(_ targets: [Target]) -> String {
    var out = "| Target | Threshold | Value | Result |\n| --- | --- | ---: | --- |\n"
    for target in targets {
      let comparison = target.comparison == .above ? ">" : "<"
      let result = resultText(target)
      out +=
        "| \(targetName(target.id)) | \(comparison) \(format(target.threshold, target.unit)) | "
      out += "\(target.value.map { format($0, target.unit) } ?? "—") | \(result) |\n"
    }
    return out + "\n" + hitRateNote(targets)
  }

  /// What the two hit rates count, under a table that shows them.
  static func hitRateNote(_ targets: [Target]) -> String {
    guard targets.contains(where: { $0.id == "exact-hit-rate" }) else { return "" }
    return
      "*Cache hit rate counts exact and fallback hits; exact-hit rate counts only hits of the "
      + "primary key, which is what the cache actions' `cache-hit` output reports.*\n\n"
  }

  /// `✅ met`, `❌ missed`, `➖ not measured` or `➖ not judged: why`.
  static func resultText(_ target: Target) -> String {
    switch target.met {
    case true?: "✅ met"
    case false?: "❌ missed"
    case nil:
      target.notJudgedBecause.map { "➖ not judged: \(Markdown.text($0))" } ?? "➖ not measured"
    }
  }

  static func targetName(_ id: String) -> String {
    switch id {
    case "cache-hit-rate": "Cache hit rate"
    case "exact-hit-rate": "Exact-hit rate"
    case "restore-time": "Slowest cache restore"
    case "pr-build-time-reduction": "PR build time reduction"
    case "cache-budget": "All caches"
    default: Markdown.text(id)
    }
  }

  static func format(_ value: Double, _ unit: Target.Unit) -> String {
    switch unit {
    case .ratio: Markdown.percent(value)
    case .milliseconds: Markdown.duration(.milliseconds(Int64(clamping: value)))
    case .bytes: Markdown.bytes(Int64(clamping: value))
    }
  }

  private static func jobsTable(_ report: RunReport, limit: Int?) -> String {
    var out = "| Job | Conclusion | Duration | Cache | Saves | Tests |\n"
    out += "| --- | --- | ---: | --- | --- | --- |\n"
    let shown = limit.map { Array(report.jobs.prefix($0)) } ?? report.jobs
    for job in shown {
      var name = Markdown.text(String(job.name.prefix(120)))
      if job.isPartial { name += " (partial)" }
      if !job.hasLog { name += " (no log)" }
      out += "| \(name) | \(conclusion(job)) | \(Markdown.duration(job.duration)) | "
      out += "\(cacheCell(job)) | "
      out += "\(savesCell(job.saves)) | "
      out += "\(testsCell(job.tests)) |\n"
    }
    if shown.count < report.jobs.count {
      out +=
        "\n*\(report.jobs.count - shown.count) more jobs are not shown; the JSON metrics list them all.*\n"
    }
    return out + "\n"
  }

  private static func conclusion(_ job: JobRun) -> String {
    // From the log, a failed script says only that a step failed: with `continue-on-error`
    // the job would still succeed, which a log cannot show.
    if job.conclusionSource == .log, job.conclusion == "failure" { return "❌ failed step" }
    // A job still running has a status and no conclusion.
    return conclusion(job.conclusion == nil && job.status != nil ? job.status : job.conclusion)
  }

  private static func conclusion(_ value: String?) -> String {
    switch value {
    case "success"?: "✅ success"
    case "failure"?: "❌ failure"
    case "cancelled"?: "⏹️ cancelled"
    case "skipped"?: "⏭️ skipped"
    case "timed_out"?: "⏱️ timed out"
    case "in_progress"?: "⏳ in progress"
    case "queued"?, "waiting"?, "pending"?, "requested"?: "⏳ \(value ?? "")"
    case let other?: Markdown.text(other)
    case nil: "—"
    }
  }

  private static func cacheCell(_ job: JobRun) -> String {
    guard !job.restores.isEmpty else { return "—" }
    if job.restores.count == 1, let restore = job.restores.first { return outcome(restore) }
    let hits = job.restores.filter(\.outcome.isHit).count
    return "\(hits) of \(job.restores.count) hit"
  }

  private static func savesCell(_ saves: [CacheSave]) -> String {
    guard !saves.isEmpty else { return "—" }
    let outcomes: [(CacheSave.Outcome, String)] = [
      (.saved, "saved"), (.skipped, "skipped"), (.failed, "**failed**"), (.unknown, "unknown"),
    ]
    return outcomes.compactMap { outcome, word in
      let count = saves.filter { $0.outcome == outcome }.count
      return count > 0 ? "\(count) \(word)" : nil
    }.joined(separator: ", ")
  }

  private static func testsCell(_ tests: TestSummary?) -> String {
    guard let tests else { return "—" }
    var parts = ["\(tests.passed) passed"]
    if tests.failed + tests.errors > 0 { parts.append("**\(tests.failed + tests.errors) failed**") }
    if tests.flaky > 0 { parts.append("\(tests.flaky) flaky") }
    return parts.joined(separator: ", ")
  }

  private static func jobSection(_ job: JobRun, detail: Detail, headingLevel: String?) -> String {
    let rowLimit = detail == .full ? Int.max : 20
    var out = ""
    if let headingLevel {
      out += "\(headingLevel) \(Markdown.text(job.name))\(job.isPartial ? " (partial)" : "")\n\n"
    }
    out += BuildVerdict.markdown(job)
    if !job.restores.isEmpty {
      out += "| Restore step | Action | Key | Outcome | Restored key | Size | Time |\n"
      out += "| --- | --- | --- | --- | --- | ---: | ---: |\n"
      for restore in job.restores.prefix(rowLimit) {
        out += "| \(Markdown.text(restore.step)) | \(restore.action.map(Markdown.text) ?? "—") | "
        out += "\(restore.primaryKey.map(Markdown.code) ?? "—") | \(outcome(restore)) | "
        let restored =
          restore.outcome == .exactHit
          ? "(primary key)" : restore.restoredKey.map(Markdown.code) ?? "—"
        out +=
          "\(restored) | \(Markdown.bytes(restore.sizeBytes)) | \(Markdown.duration(restore.duration)) |\n"
      }
      out += moreRows(job.restores.count, rowLimit)
      out += "\n"
    } else {
      out += "No cache restore in this job's log.\n\n"
    }
    if !job.saves.isEmpty {
      out += "| Save step | Key | Outcome | Size | Time |\n| --- | --- | --- | ---: | ---: |\n"
      for save in job.saves.prefix(rowLimit) {
        out +=
          "| \(Markdown.text(save.step)) | \(save.key.map(Markdown.code) ?? "—") | \(saveOutcome(save)) | "
        out += "\(Markdown.bytes(save.sizeBytes)) | \(Markdown.duration(save.duration)) |\n"
      }
      out += moreRows(job.saves.count, rowLimit)
      out += "\n"
      for save in job.saves {
        guard let store = save.nixStore, let before = store.sizeBeforeBytes else { continue }
        out += "Nix store before saving: \(Markdown.bytes(before))"
        if store.collectedGarbage {
          out += ", \(Markdown.bytes(store.sizeAfterBytes)) after garbage collection"
        }
        if let max = store.maxSizeBytes { out += " (limit \(Markdown.bytes(max)))" }
        out += ".\n\n"
      }
    }
    let reported = job.reported
    if !reported.keys.isEmpty || reported.hits > 0 || reported.misses > 0 {
      let keyLimit = detail == .full ? 20 : 5
      var line = "Echoed by the workflow: "
      var parts: [String] = []
      if !reported.keys.isEmpty {
        var keys = reported.keys.prefix(keyLimit).map(Markdown.code).joined(separator: ", ")
        if reported.keys.count > keyLimit { keys += " and \(reported.keys.count - keyLimit) more" }
        parts.append("`Cache Key:` \(keys)")
      }
      parts.append("`CACHE HIT` ×\(reported.hits)")
      parts.append("`CACHE MISS` ×\(reported.misses)")
      line += parts.joined(separator: " · ")
      out += line + " (step output only; script lines in step headers are not counted).\n\n"
    }
    out += stepsTable(job, limit: detail == .full ? nil : 15)
    return out
  }

  private static func saveOutcome(_ save: CacheSave) -> String {
    switch save.outcome {
    case .saved: return "✅ saved"
    case .skipped: return "⏭️ skipped (key already cached)"
    case .failed:
      var text = "❌ failed"
      if save.reservationConflict {
        text += " (reservation conflict: another job is saving this key)"
      }
      if let message = save.message { text += ": " + Markdown.text(String(message.prefix(300))) }
      return text
    case .unknown: return "❔ unknown"
    }
  }

  private static func stepsTable(_ job: JobRun, limit: Int?) -> String {
    guard !job.steps.isEmpty else { return "" }
    let total = job.duration
    var rows = Array(job.steps.enumerated())
    var note = ""
    if let limit, rows.count > limit {
      rows = Array(
        rows.sorted { ($0.element.duration ?? .zero) > ($1.element.duration ?? .zero) }.prefix(
          limit)
      )
      .sorted { $0.offset < $1.offset }
      note = "\n*Only the \(limit) longest of \(job.steps.count) steps are shown.*\n"
    }
    var out =
      "<details><summary>Step times (\(Markdown.count(job.steps.count, "step", "steps")))</summary>\n\n"
    out += "| # | Step | Time | Share of job |\n| ---: | --- | ---: | --- |\n"
    for (index, step) in rows {
      var share = "—"
      if let duration = step.duration, let total, total > .zero {
        // The ratio of the durations themselves: a job shorter than a millisecond has a total
        // of 0 ms.
        let fraction = duration / total
        share = "\(Markdown.bar(fraction)) \(Markdown.percent(fraction))"
      }
      let time = step.conclusion == "skipped" ? "skipped" : Markdown.duration(step.duration)
      let failed = step.conclusion == "failure" || step.conclusion == "cancelled" ? " ❌" : ""
      out +=
        "| \(step.number ?? index + 1) | \(Markdown.text(step.name))\(failed) | \(time) | \(share) |\n"
    }
    if job.stepsSource == .log, job.steps.contains(where: { $0.kind == .action }) {
      out +=
        "\n*Steps are the log's step headers: the inner steps of a composite action count as "
        + "steps of their own. The jobs API's step list (`--jobs`) groups them as GitHub does.*\n"
    }
    return out + note + "\n</details>\n\n"
  }

  private static func moreRows(_ count: Int, _ limit: Int) -> String {
    count > limit
      ? "\n*\(count - limit) more rows are not shown; the JSON metrics list them all.*\n" : ""
  }

  private static func diagnosticsSection(_ diagnostics: [Diagnostic], limit: Int?) -> String {
    guard !diagnostics.isEmpty else { return "" }
    let sorted = diagnostics.enumerated().sorted {
      $0.element.severity != $1.element.severity
        ? $0.element.severity > $1.element.severity : $0.offset < $1.offset
    }.map(\.element)
    let counts = Dictionary(grouping: diagnostics, by: \.severity).mapValues(\.count)
    var out = "<details><summary>Diagnostics: "
    out += [Diagnostic.Severity.error, .warning, .note].compactMap { severity in
      counts[severity].map { "\($0) \(severity.rawValue)\($0 == 1 ? "" : "s")" }
    }.joined(separator: ", ")
    out += "</summary>\n\n"
    let shown = limit.map { Array(sorted.prefix($0)) } ?? sorted
    for diagnostic in shown {
      let icon = diagnostic.severity == .error ? "⛔" : diagnostic.severity == .warning ? "⚠️" : "ℹ️"
      let location = diagnostic.location
      out += "- \(icon) \(diagnostic.severity.rawValue)"
      if !location.isEmpty { out += " \(Markdown.code(location))" }
      out += ": \(Markdown.text(diagnostic.message))\n"
    }
    if shown.count < sorted.count {
      out += "- … and \(sorted.count - shown.count) more in the JSON metrics\n"
    }
    return out + "\n</details>\n"
  }
}
