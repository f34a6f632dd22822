extension HistoryReportRenderer {
  /// The report as one self-contained HTML page: inline CSS and SVG charts, no script, no font
  /// or image from the network, a viewport for phones (tables scroll sideways on their own).
  public static func html(_ report: HistoryReport) -> String {
    var out = """
      <!DOCTYPE html>
      <html lang="en">
      <head>
      <meta charset="utf-8">
      <meta name="viewport" content="width=device-width, initial-scale=1">
      <title>CI history</title>
      <style>
      body{font:15px/1.45 system-ui,-apple-system,"Segoe UI",sans-serif;margin:0 auto;max-width:60rem;padding:1rem;color:#1f2328;background:#fff}
      h1{font-size:1.5rem}h2{font-size:1.2rem;margin-top:2rem;border-bottom:1px solid #d0d7de}
      .scroll{overflow-x:auto}table{border-collapse:collapse;font-size:.9rem;white-space:nowrap}
      th,td{border:1px solid #d0d7de;padding:.25rem .5rem;text-align:right}th:first-child,td:first-child{text-align:left}
      code{font:.85em ui-monospace,monospace}pre{overflow-x:auto;background:#f6f8fa;padding:.5rem}
      .advice{border-left:4px solid #bf8700;padding:.25rem .75rem;background:#fff8c5;margin:.5rem 0}
      svg{width:100%;height:auto;max-width:40rem}.legend span{margin-right:1rem}
      @media (prefers-color-scheme:dark){body{background:#0d1117;color:#e6edf3}pre{background:#161b22}.advice{background:#3b2e00}th,td{border-color:#30363d}}
      </style>
      </head>
      <body>
      <h1>CI history</h1>

      """
    guard report.runs > 0 else {
      return out + "<p>No runs with a start time in the window.</p>\n</body>\n</html>\n"
    }
    out +=
      "<p>\(report.runs) runs from \(escape(report.from ?? "?")) to \(escape(report.to ?? "?")), "
      + "per \(report.period).</p>\n"
    for advice in report.advice {
      out += "<p class=\"advice\"><b>\(escape(advice.id))</b>: \(escape(advice.message))</p>\n"
    }
    let periods = Self.periods(report)
    out += "<h2>Cache hit rate</h2>\n"
    out += svgChart(
      periods: periods, maximum: 100, unit: "%",
      lines: [
        ("hit rate", "#1f883d", values(report, "hitRate", "all", periods, scale: 100)),
        ("exact-hit rate", "#0969da", values(report, "exactHitRate", "all", periods, scale: 100)),
      ])
    var rows: [[String]] = []
    for period in periods {
      func cell(_ metric: String, _ format: (Double) -> String) -> String {
        point(report, metric, "all", period).map { format($0.value) } ?? "–"
      }
      let runs =
        point(report, "wallMsP50", "all", period)?.runs
        ?? point(report, "hitRate", "all", period)?.runs ?? 0
      rows.append(
        [
          period, String(runs), cell("hitRate", HistoryReport.percent),
          cell("exactHitRate", HistoryReport.percent), cell("restoreMsP50", seconds),
          cell("restoreMsP90", seconds), cell("wallMsP50", seconds), cell("wallMsP90", seconds),
          cell("computeMsP50", seconds), cell("computeMsP90", seconds),
        ].map(escape))
    }
    out += table(
      [
        report.period, "runs", "hit rate", "exact-hit rate", "restore p50", "restore p90",
        "wall p50", "wall p90", "compute p50", "compute p90",
      ], rows)
    out += "<h2>Build time</h2>\n"
    let wall = values(report, "wallMsP90", "all", periods, scale: 1 / 60_000)
    out += svgChart(
      periods: periods, maximum: max(1, ((wall.compactMap { $0 }.max() ?? 1) * 1.1).rounded(.up)),
      unit: "min",
      lines: [
        ("p50", "#0969da", values(report, "wallMsP50", "all", periods, scale: 1 / 60_000)),
        ("p90", "#cf222e", wall),
      ])

    var seen: Set<String> = []
    let scopes = report.series.filter { $0.metric == "hitRate" }.map(\.scope).filter {
      $0 != "all" && seen.insert($0).inserted
    }
    if !scopes.isEmpty {
      out += "<h2>Per job and key family</h2>\n"
      out += table(
        ["scope"] + periods,
        scopes.map { scope in
          ["<code>\(escape(scope))</code>"]
            + periods.map { period in
              guard let hit = point(report, "hitRate", scope, period),
                let exact = point(report, "exactHitRate", scope, period)
              else { return "–" }
              return
                "\(HistoryReport.percent(hit.value)) (\(HistoryReport.percent(exact.value)) exact)"
            }
        })
    }

    out += "<h2>Change points</h2>\n"
    if report.changePoints.isEmpty {
      out += "<p>No metric moved beyond its noise.</p>\n"
    } else {
      out += "<p>Method: \(escape(ChangePointDetector.method)).</p>\n"
      out += table(
        ["metric", "scope", "from run", "commit", "before", "after", "previous run"],
        report.changePoints.map { change in
          func format(_ value: Double) -> String {
            change.metric.hasSuffix("Rate") ? HistoryReport.percent(value) : seconds(value)
          }
          return [
            escape(change.metric), "<code>\(escape(change.scope))</code>", escape(change.runId),
            "<code>\(escape(String((change.sha ?? "–").prefix(12))))</code>",
            format(change.before), format(change.after), escape(change.previousRunId),
          ]
        })
    }

    out += "<h2>Flaky tests</h2>\n"
    if report.flakyTests.isEmpty {
      out += "<p>No test failed or needed a retry.</p>\n"
    } else {
      out += table(
        ["suite", "test", "runs", "flaky", "failed", "flip rate", "quarantine"],
        report.flakyTests.map { test in
          [
            "<code>\(escape(test.suite))</code>", "<code>\(escape(test.name))</code>",
            String(test.runs), String(test.flakyRuns), String(test.failedRuns),
            HistoryReport.percent(test.flipRate), test.quarantine ? "yes" : "",
          ]
        })
      if let filterset = report.quarantineFilterset {
        out += "<p>Run without the quarantine candidates:</p>\n"
        out += "<pre><code>cargo nextest run -E '\(escape(filterset))'</code></pre>\n"
      }
    }

    for (title, metric, prefix) in [
      ("Slowest tests (p50)", "testMsP50", "test:"), ("Slowest steps (p50)", "stepMsP50", "step:"),
    ] {
      let list = report.series.filter { $0.metric == metric }
      guard !list.isEmpty else { continue }
      out += "<h2>\(title)</h2>\n"
      out += table(
        [String(prefix.dropLast())] + periods,
        list.map { series in
          ["<code>\(escape(String(series.scope.dropFirst(prefix.count))))</code>"]
            + periods.map { period in
              series.points.first { $0.period == period }.map { milliseconds($0.value) } ?? "–"
            }
        })
    }

    if !report.families.isEmpty {
      out += "<h2>Cache families</h2>\n"
      out += table(
        ["family", "restores", "hits", "first saved", "last saved", "growth a week"],
        report.families.map { family in
          [
            "<code>\(escape(family.family))</code>", String(family.restores), String(family.hits),
            family.firstBytes.map(bytes) ?? "–", family.lastBytes.map(bytes) ?? "–",
            family.growthBytesPerWeek.map(bytes) ?? "–",
          ]
        })
      out += "<p>Latest saved sizes together: \(bytes(report.footprintBytes)) of "
      out += "\(bytes(report.limitBytes))"
      if let weeks = report.weeksToLimit {
        out += "; at this growth the limit is reached in "
        out += "\(JSONValue.format((weeks * 10).rounded() / 10)) weeks"
      }
      out += ".</p>\n"
    }
    return out + "</body>\n</html>\n"
  }

  /// Text safe in HTML content and attribute values.
  static func escape(_ text: String) -> String {
    var output = ""
    output.reserveCapacity(text.utf8.count)
    for character in text {
      switch character {
      case "&": output += "&amp;"
      case "<": output += "&lt;"
      case ">": output += "&gt;"
      case "\"": output += "&quot;"
      case "'": output += "&#39;"
      default: output.append(character)
      }
    }
    return output
  }

  /// A table in a sideways-scrolling box; cells are HTML already.
  private static func table(_ header: [String], _ rows: [[String]]) -> String {
    var out = "<div class=\"scroll\"><table>\n<tr>"
    out += header.map { "<th>\(escape($0))</th>" }.joined() + "</tr>\n"
    for row in rows { out += "<tr>" + row.map { "<td>\($0)</td>" }.joined() + "</tr>\n" }
    return out + "</table></div>\n"
  }

  /// An SVG line chart, one polyline a series; a period without a value breaks the line.
  private static func svgChart(
    periods: [String], maximum: Double, unit: String,
    lines: [(name: String, color: String, values: [Double?])]
  ) -> String {
    let width = 640.0
    let height = 240.0
    let left = 48.0
    let right = 36.0
    let top = 12.0
    let bottom = 36.0
    let plotWidth = width - left - right
    let plotHeight = height - top - bottom
    func x(_ index: Int) -> Double {
      periods.count < 2
        ? left + plotWidth / 2 : left + plotWidth * Double(index) / Double(periods.count - 1)
    }
    func y(_ value: Double) -> Double {
      top + plotHeight * (1 - min(max(value / max(maximum, 1e-9), 0), 1))
    }
    func number(_ value: Double) -> String { JSONValue.format((value * 10).rounded() / 10) }
    var out = "<svg viewBox=\"0 0 \(Int(width)) \(Int(height))\" role=\"img\" "
    out += "xmlns=\"http://www.w3.org/2000/svg\" aria-label=\""
    out += escape(lines.map(\.name).joined(separator: ", ")) + "\">\n"
    for step in 0...4 {
      let value = maximum * Double(step) / 4
      out += "<line x1=\"\(number(left))\" x2=\"\(number(width - right))\" "
      out += "y1=\"\(number(y(value)))\" y2=\"\(number(y(value)))\" stroke=\"#d0d7de\"/>"
      out += "<text x=\"\(number(left - 4))\" y=\"\(number(y(value) + 4))\" font-size=\"11\" "
      out += "text-anchor=\"end\" fill=\"currentColor\">\(number(value))\(escape(unit))</text>\n"
    }
    for (index, period) in periods.enumerated() {
      out += "<text x=\"\(number(x(index)))\" y=\"\(number(height - bottom + 16))\" "
      out += "font-size=\"11\" text-anchor=\"middle\" fill=\"currentColor\">"
      out += "\(escape(period))</text>\n"
    }
    for line in lines {
      var segment: [String] = []
      func flush() {
        if segment.count > 1 {
          out += "<polyline fill=\"none\" stroke=\"\(line.color)\" stroke-width=\"2\" "
          out += "points=\"\(segment.joined(separator: " "))\"/>\n"
        }
        segment = []
      }
      for (index, value) in line.values.enumerated() {
        guard let value else {
          flush()
          continue
        }
        segment.append("\(number(x(index))),\(number(y(value)))")
        out += "<circle cx=\"\(number(x(index)))\" cy=\"\(number(y(value)))\" r=\"3\" "
        out += "fill=\"\(line.color)\"><title>\(escape(line.name)) \(escape(periods[index])): "
        out += "\(number(value))\(escape(unit))</title></circle>\n"
      }
      flush()
    }
    out += "</svg>\n<p class=\"legend\">"
    out += lines.map { "<span style=\"color:\($0.color)\">■ \(escape($0.name))</span>" }.joined()
    return out + "</p>\n"
  }
}
