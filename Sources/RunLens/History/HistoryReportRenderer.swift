/// Writes a ``HistoryReport`` as JSON or Markdown (with Mermaid charts); HTML is in
/// `HistoryReportRenderer+HTML.swift`.
public enum HistoryReportRenderer {
  /// The version of the history report's JSON names.
  public static let schemaVersion = 1

  /// The report as JSON: sorted keys, pretty-printed, one trailing newline.
  ///
  /// Rates are 0 to 1, times integer-valued milliseconds, sizes bytes; numbers are written
  /// with at most four decimals.
  public static func json(_ report: HistoryReport) -> String {
    func text(_ value: String?) -> JSONValue { value.map { .string($0) } ?? .null }
    return JSONValue.object([
      "schemaVersion": .int(Int64(schemaVersion)),
      "runs": .int(Int64(report.runs)),
      "undatedRuns": .int(Int64(report.undatedRuns)),
      "from": text(report.from), "to": text(report.to), "period": .string(report.period),
      "series": .array(
        report.series.map { series in
          .object([
            "metric": .string(series.metric), "scope": .string(series.scope),
            "points": .array(
              series.points.map {
                .object([
                  "period": .string($0.period), "value": .double($0.value),
                  "runs": .int(Int64($0.runs)),
                ])
              }),
          ])
        }),
      "changePoints": .array(
        report.changePoints.map { change in
          .object([
            "metric": .string(change.metric), "scope": .string(change.scope),
            "runId": .string(change.runId), "sha": text(change.sha),
            "startedAt": text(change.startedAt), "previousRunId": .string(change.previousRunId),
            "before": .double(change.before), "after": .double(change.after),
            "t": change.t.isFinite ? .double(change.t) : .string(change.t > 0 ? "inf" : "-inf"),
            "method": .string(change.method),
          ])
        }),
      "flakyTests": .array(
        report.flakyTests.map { test in
          .object([
            "suite": .string(test.suite), "name": .string(test.name),
            "runs": .int(Int64(test.runs)), "flakyRuns": .int(Int64(test.flakyRuns)),
            "failedRuns": .int(Int64(test.failedRuns)), "flipRate": .double(test.flipRate),
            "quarantine": .bool(test.quarantine),
          ])
        }),
      "quarantineFilterset": text(report.quarantineFilterset),
      "families": .array(
        report.families.map { family in
          .object([
            "family": .string(family.family), "restores": .int(Int64(family.restores)),
            "hits": .int(Int64(family.hits)),
            "firstBytes": family.firstBytes.map { .int($0) } ?? .null,
            "lastBytes": family.lastBytes.map { .int($0) } ?? .null,
            "growthBytesPerWeek": family.growthBytesPerWeek.map { .int($0) } ?? .null,
          ])
        }),
      "keysNeverHit": .array(report.neverHit.map { .string($0.family) }),
      "footprintBytes": .int(report.footprintBytes),
      "limitBytes": .int(report.limitBytes),
      "weeksToLimit": report.weeksToLimit.map { .double($0) } ?? .null,
      "advice": .array(
        report.advice.map { .object(["id": .string($0.id), "message": .string($0.message)]) }),
    ]).render()
  }

  /// The report as Markdown for a job summary or an issue: Mermaid `xychart-beta` line
  /// charts (GitHub renders them), then tables.
  public static func markdown(_ report: HistoryReport) -> String {
    var out = "# CI history\n\n"
    guard report.runs > 0 else {
      out += "No runs with a start time in the window"
      out += report.undatedRuns > 0 ? " (\(report.undatedRuns) without one).\n" : ".\n"
      return out
    }
    out +=
      "\(report.runs) runs from \(report.from ?? "?") to \(report.to ?? "?"), "
      + "per \(report.period)"
      + (report.undatedRuns > 0
        ? " (\(report.undatedRuns) runs without a start time left out)" : "")
      + ".\n\n"
    for advice in report.advice {
      out += "> **\(advice.id)**: \(Markdown.text(advice.message))\n>\n"
    }
    if !report.advice.isEmpty {
      out.removeLast(2)
      out += "\n"
    }

    let periods = Self.periods(report)
    out += "## Cache hit rate\n\n"
    out += mermaid(
      title: "Hit rate and exact-hit rate (%)", periods: periods, unit: "%",
      lines: [
        ("hit rate", values(report, "hitRate", "all", periods, scale: 100)),
        ("exact-hit rate", values(report, "exactHitRate", "all", periods, scale: 100)),
      ], maximum: 100)
    out += "\n| \(report.period) | runs | hit rate | exact-hit rate | restore p50 | restore p90 "
    out += "| wall p50 | wall p90 | compute p50 | compute p90 |\n"
    out += "|---|--:|--:|--:|--:|--:|--:|--:|--:|--:|\n"
    for period in periods {
      func cell(_ metric: String, _ format: (Double) -> String) -> String {
        point(report, metric, "all", period).map { format($0.value) } ?? "–"
      }
      let runs =
        point(report, "wallMsP50", "all", period)?.runs
        ?? point(report, "hitRate", "all", period)?.runs ?? 0
      out += "| \(period) | \(runs) | \(cell("hitRate", HistoryReport.percent)) "
      out += "| \(cell("exactHitRate", HistoryReport.percent)) "
      out += "| \(cell("restoreMsP50", seconds)) | \(cell("restoreMsP90", seconds)) "
      out += "| \(cell("wallMsP50", seconds)) | \(cell("wallMsP90", seconds)) "
      out += "| \(cell("computeMsP50", seconds)) | \(cell("computeMsP90", seconds)) |\n"
    }

    out += "\n## Build time\n\n"
    out += mermaid(
      title: "Wall time (minutes)", periods: periods, unit: "min",
      lines: [
        ("p50", values(report, "wallMsP50", "all", periods, scale: 1 / 60_000)),
        ("p90", values(report, "wallMsP90", "all", periods, scale: 1 / 60_000)),
      ], maximum: nil)

    let scopes = report.series.map(\.scope).filter {
      $0.hasPrefix("job:") || $0.hasPrefix("family:")
    }
    var seen: Set<String> = []
    let scoped = scopes.filter { seen.insert($0).inserted }
    if !scoped.isEmpty {
      out += "\n## Per job and key family\n\n"
      out += "| scope | " + periods.joined(separator: " | ") + " |\n"
      out += "|---|" + String(repeating: "--:|", count: periods.count) + "\n"
      for scope in scoped
      where report.series.contains(where: { $0.scope == scope && $0.metric == "hitRate" }) {
        let cells = periods.map { period -> String in
          guard let hit = point(report, "hitRate", scope, period),
            let exact = point(report, "exactHitRate", scope, period)
          else { return "–" }
          return "\(HistoryReport.percent(hit.value)) (\(HistoryReport.percent(exact.value)) exact)"
        }
        out += "| \(Markdown.code(scope)) | " + cells.joined(separator: " | ") + " |\n"
      }
    }

    out += "\n## Change points\n\n"
    if report.changePoints.isEmpty {
      out += "No metric moved beyond its noise.\n"
    } else {
      out += "Method: \(ChangePointDetector.method).\n\n"
      out += "| metric | scope | from run | commit | before | after | previous run | t |\n"
      out += "|---|---|---|---|--:|--:|---|--:|\n"
      for change in report.changePoints {
        func format(_ value: Double) -> String {
          change.metric.hasSuffix("Rate") ? HistoryReport.percent(value) : seconds(value)
        }
        let sha = change.sha.map { "`" + String($0.prefix(12)) + "`" } ?? "–"
        let t = change.t.isFinite ? JSONValue.format(change.t) : "∞"
        out +=
          "| \(change.metric) | \(Markdown.code(change.scope)) | \(Markdown.text(change.runId)) "
        out += "| \(sha) | \(format(change.before)) "
        out += "| \(format(change.after)) | \(Markdown.text(change.previousRunId)) "
        out += "| \(t) |\n"
      }
    }

    out += "\n## Flaky tests\n\n"
    if report.flakyTests.isEmpty {
      out += "No test failed or needed a retry.\n"
    } else {
      out += "| suite | test | runs | flaky | failed | flip rate | quarantine |\n"
      out += "|---|---|--:|--:|--:|--:|---|\n"
      for test in report.flakyTests {
        out += "| \(Markdown.code(test.suite)) | \(Markdown.code(test.name)) | \(test.runs) "
        out += "| \(test.flakyRuns) | \(test.failedRuns) | \(HistoryReport.percent(test.flipRate)) "
        out += "| \(test.quarantine ? "yes" : "") |\n"
      }
      if let filterset = report.quarantineFilterset {
        out += "\nRun without the quarantine candidates:\n\n```sh\ncargo nextest run -E '"
        out +=
          filterset.split(separator: "'", omittingEmptySubsequences: false).joined(
            separator: "'\\''") + "'\n```\n"
      }
    }

    let tests = report.series.filter { $0.metric == "testMsP50" }
    let steps = report.series.filter { $0.metric == "stepMsP50" }
    let slowest: [(title: String, list: [HistoryReport.Series], prefix: String)] = [
      ("Slowest tests", tests, "test:"), ("Slowest steps", steps, "step:"),
    ]
    for (title, list, prefix) in slowest where !list.isEmpty {
      out += "\n## \(title) (p50)\n\n"
      out += "| \(prefix.dropLast()) | " + periods.joined(separator: " | ") + " |\n"
      out += "|---|" + String(repeating: "--:|", count: periods.count) + "\n"
      for series in list {
        let cells = periods.map { period in
          series.points.first { $0.period == period }.map { milliseconds($0.value) } ?? "–"
        }
        out += "| \(Markdown.code(String(series.scope.dropFirst(prefix.count)))) | "
        out += cells.joined(separator: " | ") + " |\n"
      }
    }

    if !report.families.isEmpty {
      out += "\n## Cache families\n\n"
      out += "| family | restores | hits | first saved | last saved | growth a week |\n"
      out += "|---|--:|--:|--:|--:|--:|\n"
      for family in report.families {
        out += "| \(Markdown.code(family.family)) | \(family.restores) | \(family.hits) "
        out += "| \(family.firstBytes.map(bytes) ?? "–") | \(family.lastBytes.map(bytes) ?? "–") "
        out += "| \(family.growthBytesPerWeek.map(bytes) ?? "–") |\n"
      }
      out += "\nLatest saved sizes together: \(bytes(report.footprintBytes)) of "
      out += "\(bytes(report.limitBytes))"
      if let weeks = report.weeksToLimit {
        out +=
          "; at this growth the limit is reached in \(JSONValue.format((weeks * 10).rounded() / 10)) weeks"
      }
      out += ".\n"
      let never = report.neverHit
      if !never.isEmpty {
        out += "\nKeys that never hit: "
        out +=
          never.map { "\(Markdown.code($0.family)) (\($0.restores) restores)" }
          .joined(separator: ", ") + ".\n"
      }
    }
    return out
  }

  /// The periods that have a point in any series, in order.
  static func periods(_ report: HistoryReport) -> [String] {
    var seen: Set<String> = []
    return report.series.flatMap { $0.points.map(\.period) }.filter { seen.insert($0).inserted }
      .sorted()
  }

  static func point(
    _ report: HistoryReport, _ metric: String, _ scope: String, _ period: String
  ) -> HistoryReport.Point? {
    report.series.first { $0.metric == metric && $0.scope == scope }?.points.first {
      $0.period == period
    }
  }

  /// One value a period (`nil` where the period has none), scaled.
  static func values(
    _ report: HistoryReport, _ metric: String, _ scope: String, _ periods: [String],
    scale: Double
  ) -> [Double?] {
    periods.map { point(report, metric, scope, $0).map { $0.value * scale } }
  }

  /// A Mermaid `xychart-beta` line chart; a period without a value repeats the previous one
  /// (Mermaid lines cannot have gaps).
  static func mermaid(
    title: String, periods: [String], unit: String, lines: [(String, [Double?])],
    maximum: Double?
  ) -> String {
    let top =
      maximum ?? max(1, (lines.flatMap { $0.1.compactMap { $0 } }.max() ?? 1) * 1.1).rounded(.up)
    var out = "```mermaid\nxychart-beta\n  title \"\(title)\"\n"
    out += "  x-axis [" + periods.map { "\"\($0)\"" }.joined(separator: ", ") + "]\n"
    out += "  y-axis \"\(unit)\" 0 --> \(JSONValue.format(top))\n"
    for (_, values) in lines {
      var last = 0.0
      let filled = values.map { value -> String in
        if let value { last = value }
        return JSONValue.format((last * 10).rounded() / 10)
      }
      out += "  line [" + filled.joined(separator: ", ") + "]\n"
    }
    out += "```\n"
    out += lines.enumerated().map { "line \($0 + 1): \($1.0)" }.joined(separator: "; ") + ".\n"
    return out
  }

  /// Milliseconds as seconds with one decimal (`12.3 s`).
  static func seconds(_ value: Double) -> String {
    "\(JSONValue.format((value / 100).rounded() / 10)) s"
  }

  /// Milliseconds as `123 ms` below a second, else seconds.
  static func milliseconds(_ value: Double) -> String {
    value < 1000 ? "\(Int(value.rounded())) ms" : seconds(value)
  }

  /// Bytes in decimal units (`1.2 GB`).
  static func bytes(_ value: Int64) -> String {
    let units: [(Double, String)] = [(1e9, "GB"), (1e6, "MB"), (1e3, "kB")]
    for (size, unit) in units where Double(value.magnitude) >= size {
      return "\(JSONValue.format((Double(value) / size * 10).rounded() / 10)) \(unit)"
    }
    return "\(value) B"
  }
}
