/// Renders a ``Comparison`` as JSON and as Markdown for a pull-request comment.
public enum ComparisonReport {
  /// The version of the comparison JSON contract.
  public static let schemaVersion = 1
  /// The hidden first line a bot finds its comment by.
  public static let marker = "<!-- runlens:comparison -->"
  /// GitHub's comment limit is 65,536 characters; this stays well below it in UTF-8 bytes.
  public static let defaultBudget = 60_000

  /// The comparison as JSON (sorted keys, pretty-printed, one trailing newline).
  public static func json(_ comparison: Comparison, advice: [Advice]) -> String {
    func summary(_ stats: Statistics.Summary?) -> JSONValue {
      .optional(stats) {
        .object([
          "median": .int($0.median), "p90": .int($0.p90), "min": .int($0.min), "max": .int($0.max),
        ])
      }
    }
    func side(_ side: Comparison.Side) -> JSONValue {
      .object([
        "runs": .int(Int64(side.runs)), "wallMs": summary(side.wall),
        "computeMs": summary(side.compute),
        "hitRate": .optional(side.hitRate, JSONValue.double),
        "exactHitRate": .optional(side.exactHitRate, JSONValue.double),
        "restoreMs": summary(side.restore), "restores": .int(Int64(side.restores)),
      ])
    }
    func row(_ row: Comparison.Row) -> JSONValue {
      var members: [String: JSONValue] = [
        "name": .string(row.step ?? row.job),
        "baselineMedianMs": .optional(row.baselineMedianMs, JSONValue.int),
        "candidateMedianMs": .optional(row.candidateMedianMs, JSONValue.int),
        "reduction": .optional(row.reduction, JSONValue.double),
      ]
      if row.step != nil { members["job"] = .string(row.job) }
      return .object(members)
    }
    let verdict = comparison.verdict
    return JSONValue.object([
      "schemaVersion": .int(Int64(schemaVersion)),
      "baseline": side(comparison.baseline),
      "candidate": side(comparison.candidate),
      "wallReduction": .optional(comparison.wallReduction, JSONValue.double),
      "computeReduction": .optional(comparison.computeReduction, JSONValue.double),
      "jobs": .array(comparison.jobs.map(row)),
      "steps": .array(comparison.steps.map(row)),
      "significance": .object([
        "judged": .bool(verdict.judged),
        "test": verdict.judged ? .string("mann-whitney-u") : .null,
        "u": .optional(verdict.test?.u, JSONValue.double),
        "p": .optional(verdict.p, JSONValue.double),
        "pTwoSided": .optional(verdict.test?.pTwoSided, JSONValue.double),
        "exact": .optional(verdict.test?.isExact, JSONValue.bool),
        "clear": .optional(verdict.isClear, JSONValue.bool),
        "minimumRuns": .int(Int64(Comparison.minimumRuns)),
      ]),
      "targets": .array(comparison.targets.map(MetricsJSON.target)),
      "build": buildJSON(comparison.build),
      "tests": tests(comparison.tests),
      "advice": .array(
        advice.map { .object(["id": .string($0.id), "message": .string($0.message)]) }),
    ]).render()
  }

  /// The `tests` member: `null` when neither side has test results.
  static func tests(_ changes: TestChanges) -> JSONValue {
    guard !changes.isEmpty else { return .null }
    func tests(_ list: [TestChanges.Test]) -> JSONValue {
      .array(list.map { .ordered(["name": .string($0.name), "suite": .string($0.suite)]) })
    }
    func counts(_ counts: TestChanges.Counts?) -> JSONValue {
      .optional(counts) {
        .object([
          "total": .int(Int64($0.total)), "passed": .int(Int64($0.passed)),
          "failed": .int(Int64($0.failed)), "skipped": .int(Int64($0.skipped)),
        ])
      }
    }
    let told = changes.namesBaseline != nil
    return .object([
      "newlyFailing": tests(changes.newlyFailing), "fixed": tests(changes.fixed),
      "stillFailing": tests(changes.stillFailing),
      "added": told ? tests(changes.added) : .null,
      "removed": told ? tests(changes.removed) : .null,
      "namesBaseline": MetricsJSON.string(changes.namesBaseline),
      "namesNotToldBecause": MetricsJSON.string(changes.namesNotToldBecause),
      "baseline": counts(changes.baseline), "candidate": counts(changes.candidate),
    ])
  }

  /// The one-sentence headline.
  static func headline(_ comparison: Comparison) -> String {
    guard let before = comparison.baseline.wall?.median,
      let after = comparison.candidate.wall?.median,
      let reduction = comparison.wallReduction
    else {
      return "**Build time cannot be compared**: a side has no run with a wall time."
    }
    let percent = Markdown.percent(abs(reduction))
    var text: String
    if reduction > 0 {
      text = "**Build time down \(percent)**"
    } else if reduction < 0 {
      text = "**Build time up \(percent)**"
    } else {
      text = "**Build time unchanged**"
    }
    text +=
      ": median \(Markdown.duration(.milliseconds(before))) → \(Markdown.duration(.milliseconds(after)))"
    text +=
      " over \(Markdown.count(comparison.baseline.timedRuns, "baseline run", "baseline runs")) and "
    text += Markdown.count(comparison.candidate.timedRuns, "candidate run", "candidate runs")
    let untimed =
      comparison.baseline.runs - comparison.baseline.timedRuns + comparison.candidate.runs
      - comparison.candidate.timedRuns
    if untimed > 0 { text += " (\(Markdown.count(untimed, "run", "runs")) without times left out)" }
    let verdict = comparison.verdict
    if !verdict.judged {
      text +=
        "; with fewer than \(Comparison.minimumRuns) runs a side the difference cannot be judged"
    } else if let p = verdict.p, let clear = verdict.isClear {
      text +=
        clear ? "; the difference is clear" : "; the difference is not clear from run-to-run noise"
      text += " (Mann-Whitney U, one-sided p = \(JSONValue.format(p)))"
    }
    if let target = comparison.targets.first(where: { $0.id == "pr-build-time-reduction" }),
      let met = target.met
    {
      text +=
        met
        ? ". Target (> \(Markdown.percent(target.threshold)) faster) met."
        : ". Target (> \(Markdown.percent(target.threshold)) faster) missed."
    } else {
      text += "."
    }
    return text
  }

  /// The comparison as Markdown for a pull-request comment, at most `budget` UTF-8 bytes.
  public static func markdown(
    _ comparison: Comparison, advice: [Advice], budget: Int = defaultBudget
  ) -> String {
    for rows in [Int.max, 40, 10, 0] {
      let text = MarkdownSummary.finished(render(comparison, advice: advice, rows: rows))
      if text.utf8.count <= budget { return text }
    }
    // Long names in the advice: keep the headline, the tables and short advice.
    let short = advice.map { Advice(id: $0.id, message: String($0.message.prefix(300))) }
    let text = MarkdownSummary.finished(render(comparison, advice: short, rows: 0))
    if text.utf8.count <= budget { return text }
    return MarkdownSummary.finished(
      marker + "\n" + String(headline(comparison).prefix(budget / 2))
        + "\n\n> [!NOTE]\n> The tables do not fit in a comment; the JSON (`--format json`) has them."
    )
  }

  private static func change(_ before: Int64?, _ after: Int64?) -> String {
    guard let reduction = Comparison.reduction(before, after) else { return "—" }
    if reduction == 0 { return "0%" }
    return (reduction > 0 ? "−" : "+") + Markdown.percent(abs(reduction))
  }

  private static func duration(_ value: Int64?) -> String {
    Markdown.duration(value.map { .milliseconds($0) })
  }

  private static func render(_ comparison: Comparison, advice: [Advice], rows limit: Int) -> String
  {
    let base = comparison.baseline
    let cand = comparison.candidate
    var out = marker + "\n" + headline(comparison) + "\n\n"
    if limit < Int.max {
      out += "> [!NOTE]\n> Shortened to fit a comment: "
      out +=
        limit == 0
        ? "job and step tables left out." : "only the \(limit) largest changes are listed."
      out += " The JSON (`--format json`) has every row.\n\n"
    }
    out += "| | Baseline | Candidate | Change |\n| --- | ---: | ---: | ---: |\n"
    out += "| Runs | \(base.runs) | \(cand.runs) | |\n"
    out +=
      "| Wall time, median | \(duration(base.wall?.median)) | \(duration(cand.wall?.median)) | \(change(base.wall?.median, cand.wall?.median)) |\n"
    out +=
      "| Wall time, p90 | \(duration(base.wall?.p90)) | \(duration(cand.wall?.p90)) | \(change(base.wall?.p90, cand.wall?.p90)) |\n"
    out += "| Wall time, min – max | \(duration(base.wall?.min)) – \(duration(base.wall?.max)) | "
    out += "\(duration(cand.wall?.min)) – \(duration(cand.wall?.max)) | |\n"
    out +=
      "| Compute time, median | \(duration(base.compute?.median)) | \(duration(cand.compute?.median)) | \(change(base.compute?.median, cand.compute?.median)) |\n"
    out +=
      "| Cache hit rate | \(Markdown.percent(base.hitRate)) | \(Markdown.percent(cand.hitRate)) | |\n"
    out +=
      "| Exact-hit rate | \(Markdown.percent(base.exactHitRate)) | \(Markdown.percent(cand.exactHitRate)) | |\n"
    out +=
      "| Slowest restore, median | \(duration(base.restore?.median)) | \(duration(cand.restore?.median)) | \(change(base.restore?.median, cand.restore?.median)) |\n\n"
    out += "| Target | Threshold | Value | Result |\n| --- | --- | ---: | --- |\n"
    for target in comparison.targets {
      let result = MarkdownSummary.resultText(target)
      out +=
        "| \(MarkdownSummary.targetName(target.id)) | \(target.comparison == .above ? ">" : "<") "
      out += "\(MarkdownSummary.format(target.threshold, target.unit)) | "
      out +=
        "\(target.value.map { MarkdownSummary.format($0, target.unit) } ?? "—") | \(result) |\n"
    }
    out += "\n" + MarkdownSummary.hitRateNote(comparison.targets)
    if limit > 0 {
      let jobs = comparison.jobs.sorted {
        abs(($0.candidateMedianMs ?? 0) - ($0.baselineMedianMs ?? 0))
          > abs(($1.candidateMedianMs ?? 0) - ($1.baselineMedianMs ?? 0))
      }
      out += "<details><summary>Jobs (\(comparison.jobs.count))</summary>\n\n"
      out += "| Job | Baseline median | Candidate median | Change |\n| --- | ---: | ---: | ---: |\n"
      for row in jobs.prefix(limit) {
        var name = Markdown.text(row.job)
        if row.baselineMedianMs == nil { name += " (candidate only)" }
        if row.candidateMedianMs == nil { name += " (baseline only)" }
        out +=
          "| \(name) | \(duration(row.baselineMedianMs)) | \(duration(row.candidateMedianMs)) | \(change(row.baselineMedianMs, row.candidateMedianMs)) |\n"
      }
      out += "\n</details>\n\n"
      if !comparison.steps.isEmpty {
        let steps = comparison.steps.sorted {
          abs(($0.candidateMedianMs ?? 0) - ($0.baselineMedianMs ?? 0))
            > abs(($1.candidateMedianMs ?? 0) - ($1.baselineMedianMs ?? 0))
        }
        out += "<details><summary>Steps with the largest changes</summary>\n\n"
        out +=
          "| Job | Step | Baseline median | Candidate median | Change |\n| --- | --- | ---: | ---: | ---: |\n"
        for row in steps.prefix(min(limit, 30)) {
          out +=
            "| \(Markdown.text(row.job)) | \(Markdown.text(row.step ?? "")) | \(duration(row.baselineMedianMs)) | "
          out +=
            "\(duration(row.candidateMedianMs)) | \(change(row.baselineMedianMs, row.candidateMedianMs)) |\n"
        }
        out += "\n</details>\n\n"
      }
    }
    out += comparison.tests.markdown(limit: limit == Int.max ? TestChanges.listed : 10)
    out += buildSection(comparison.build, rows: limit)
    out += CacheBudgetReport.adviceSection(advice)
    return out
  }
}

// MARK: - Build evidence across runs (issue 14)

extension ComparisonReport {
  /// The build work per job, the changed keys and the keys never restored, as JSON.
  static func buildJSON(_ build: BuildChanges) -> JSONValue {
    func work(_ work: BuildChanges.Work) -> JSONValue {
      .object([
        "cratesCompiled": .optional(work.cratesCompiled, JSONValue.int),
        "derivationsBuilt": .optional(work.derivationsBuilt, JSONValue.int),
        "layersRebuilt": .optional(work.layersRebuilt, JSONValue.int),
      ])
    }
    return .object([
      "jobs": .array(
        build.jobs.map { job in
          .object([
            "name": .string(job.name), "baseline": work(job.baseline),
            "candidate": work(job.candidate),
            "change": .optional(BuildChanges.sentence(job), JSONValue.string),
          ])
        }),
      "keyChanges": .array(
        build.keyChanges.map { change in
          .object([
            "job": .string(change.job), "step": .string(change.step),
            "baselineKey": .string(change.baselineKey),
            "candidateKey": .string(change.candidateKey),
            "keyDiff": BuildEvidenceJSON.keyDiff(change.differences),
          ])
        }),
      "neverRestored": .array(build.neverRestored.map(JSONValue.string)),
    ])
  }

  /// The Markdown section on build work and cache keys across the runs.
  ///
  /// Per job, what the build did on each side; which keys changed and in which segment;
  /// which saved keys no run restored. Empty when there is nothing to say.
  static func buildSection(_ build: BuildChanges, rows limit: Int) -> String {
    guard !build.jobs.isEmpty || !build.keyChanges.isEmpty || !build.neverRestored.isEmpty
    else { return "" }
    func work(_ work: BuildChanges.Work) -> String {
      var parts: [String] = []
      if let crates = work.cratesCompiled { parts.append("\(crates) crates compiled") }
      if let built = work.derivationsBuilt { parts.append("\(built) derivations built") }
      if let layers = work.layersRebuilt { parts.append("\(layers) layers rebuilt") }
      return parts.isEmpty ? "—" : parts.joined(separator: " · ")
    }
    var out = "### Build work and cache keys\n\n"
    if !build.jobs.isEmpty {
      out += "| Job | Baseline | Candidate | Change |\n| --- | --- | --- | --- |\n"
      for job in build.jobs.prefix(max(limit, 10)) {
        out += "| \(Markdown.text(job.name)) | \(work(job.baseline)) | \(work(job.candidate)) | "
        out += "\(BuildChanges.sentence(job) ?? "—") |\n"
      }
      out += "\n"
    }
    for change in build.keyChanges.prefix(max(limit, 10)) {
      let segments = KeyAnatomy.segments(change.baselineKey).count
      out += "- Key of \(Markdown.text(change.step)) (\(Markdown.text(change.job))) "
      out += Markdown.text(KeyAnatomy.describe(change.differences, segmentCount: segments)) + "\n"
    }
    if !build.neverRestored.isEmpty {
      let shown = build.neverRestored.prefix(max(limit, 10))
      out += "- Saved and never restored by any run given: "
      out += shown.map { Markdown.code($0) }.joined(separator: ", ")
      if build.neverRestored.count > shown.count {
        out += " and \(build.neverRestored.count - shown.count) more"
      }
      out += "\n"
    }
    return out + "\n"
  }
}

extension Advice {
  /// Advice for a comparison; empty when there is nothing to act on.
  public static func forComparison(_ comparison: Comparison) -> [Advice] {
    var advice: [Advice] = []
    if !comparison.verdict.judged {
      advice.append(
        Advice(
          id: "too-few-runs",
          message:
            "With \(comparison.baseline.timedRuns) baseline and \(comparison.candidate.timedRuns) candidate runs with times the change cannot be told from run-to-run noise: compare at least \(Comparison.minimumRuns) runs a side."
        ))
    }
    if let reduction = comparison.wallReduction, reduction < 0, comparison.verdict.isClear ?? true {
      let slower = comparison.jobs.filter { ($0.reduction ?? 0) < -0.1 }.sorted {
        ($0.reduction ?? 0) < ($1.reduction ?? 0)
      }
      var text = "The candidate is \(Markdown.percent(-reduction)) slower."
      if let worst = slower.first, let change = worst.reduction {
        text += " The largest slowdown is \(worst.job) (\(Markdown.percent(-change)) slower)."
      }
      advice.append(Advice(id: "slower-candidate", message: text))
    }
    if let before = comparison.baseline.hitRate, let after = comparison.candidate.hitRate,
      after < before - 0.1
    {
      advice.append(
        Advice(
          id: "hit-rate-dropped",
          message:
            "The cache hit rate dropped from \(Markdown.percent(before)) to \(Markdown.percent(after)): the change may alter a cache key's inputs."
        ))
    }
    return advice
  }
}
