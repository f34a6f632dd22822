import Foundation
import Testing

@testable import RunLens

@Suite("HistoryReport")
struct HistoryReportTests {
  static func fixtureRuns() throws -> [HistoryRun] {
    try (1...40).map(HistoryRunTests.fixtureRun)
  }

  @Test("the fixture history's report matches its goldens (figures in its SOURCE.md)")
  func goldens() throws {
    // Reversed input: the report orders runs itself.
    let report = HistoryReport(runs: try Self.fixtureRuns().reversed())
    Golden.expect(
      HistoryReportRenderer.markdown(report), matches: "Fixtures/history-3-weeks/report.md")
    Golden.expect(
      HistoryReportRenderer.json(report), matches: "Fixtures/history-3-weeks/report.json")
    Golden.expect(HistoryReportRenderer.markdown(report), matches: "Reports/history-report.md")
    Golden.expect(HistoryReportRenderer.html(report), matches: "Reports/history-report.html")
  }

  @Test("the hand-computed figures of SOURCE.md")
  func figures() throws {
    let report = HistoryReport(runs: try Self.fixtureRuns())
    #expect(report.runs == 40)
    #expect(report.period == "week")
    let exact = try #require(
      report.series.first { $0.metric == "exactHitRate" && $0.scope == "all" })
    #expect(exact.points.map(\.period) == ["2026-W45", "2026-W46", "2026-W47"])
    #expect(exact.points.map(\.runs) == [13, 13, 14])
    let weekly: [Double] = [37.0 / 52, 24.0 / 52, 15.0 / 56]
    #expect(exact.points.map(\.value) == weekly)
    let change = try #require(
      report.changePoints.first { $0.metric == "exactHitRate" && $0.scope == "all" })
    #expect(change.runId == "5019")
    #expect(change.previousRunId == "5018")
    #expect(abs(change.before - 13.0 / 18) < 1e-12)
    #expect(abs(change.after - 6.0 / 22) < 1e-12)
    #expect(!report.changePoints.contains { $0.metric == "hitRate" })
    #expect(Set(report.changePoints.map(\.runId)) == ["5019"])
    #expect(
      report.flakyTests.map(\.name) == [
        "sync::tests::lock_contention", "network::fetches_rates",
        "clock::tests::monotonic_under_load",
      ])
    #expect(report.flakyTests.map(\.flakyRuns) == [6, 2, 0])
    #expect(report.flakyTests.map(\.failedRuns) == [0, 1, 7])
    let flips: [Double] = [12.0 / 38, 6.0 / 38, 1.0 / 38]
    #expect(report.flakyTests.map(\.flipRate) == flips)
    #expect(report.flakyTests.map(\.quarantine) == [true, true, false])
    #expect(report.neverHit.map(\.family) == ["sccache-Linux-"])
  }

  @Test("branch, workflow and since filters pick the runs")
  func filters() throws {
    let runs = try Self.fixtureRuns()
    #expect(HistoryReport(runs: runs, options: .init(branch: "feature/sccache")).runs == 4)
    #expect(HistoryReport(runs: runs, options: .init(branch: "main")).runs == 36)
    #expect(HistoryReport(runs: runs, options: .init(workflow: "Release")).runs == 0)
    // 7 days back from the newest run (2026-11-21T16:00Z): from 2026-11-14T16:00Z.
    let week = HistoryReport(runs: runs, options: .init(since: .days(7)))
    #expect(week.from == "2026-11-14")
    #expect(week.period == "day")
    #expect(HistoryReport(runs: runs, options: .init(since: .date("2026-11-16"))).runs == 14)
    // A number of days past the range of times (`--since 999999999999999999d`) is every run;
    // it trapped on the multiplication.
    let all = HistoryReport(runs: runs).runs
    for days in [Int.max, 999_999_999_999_999_999, 106_751_992] {
      #expect(HistoryReport(runs: runs, options: .init(since: .days(days))).runs == all)
    }
    #expect(HistoryReport.subtracting(days: 1, from: Int64.min + 86_399_999) == Int64.min)
    #expect(HistoryReport.subtracting(days: 2, from: 172_800_001) == 1)
    let main = HistoryReport(runs: runs, options: .init(branch: "main"))
    let mainFlips: Double = 12.0 / 35
    #expect(main.flakyTests.first?.flipRate == mainFlips)
  }

  @Test("the HTML page is self-contained: no script, nothing fetched, input escaped")
  func html() throws {
    var runs = try Self.fixtureRuns()
    runs[0].tests[0].name = "<script>alert(1)</script>"
    runs[0].tests[0].outcome = "failed"
    let page = HistoryReportRenderer.html(HistoryReport(runs: runs))
    #expect(!page.contains("<script"))
    #expect(page.contains("&lt;script&gt;"))
    #expect(!page.contains("http://") || page.contains("xmlns=\"http://www.w3.org/2000/svg\""))
    #expect(!page.contains("https://"))
    #expect(!page.contains(" src="))
    #expect(page.contains("<meta name=\"viewport\""))
    #expect(page.components(separatedBy: "<svg ").count == 3)
  }

  @Test("an empty history reports no runs")
  func empty() {
    let report = HistoryReport(runs: [])
    #expect(report.runs == 0)
    #expect(HistoryReportRenderer.markdown(report).contains("No runs"))
  }
}

@Suite("ChangePointDetector")
struct ChangePointDetectorTests {
  @Test("a step is found at its first run, with the means either side")
  func step() {
    let low = [Double](repeating: 10, count: 8)
    let values: [Double] = low + low.map { $0 * 2 }
    let changes = ChangePointDetector.changes(in: values, options: .init(minimumShift: 1))
    #expect(changes.map(\.index) == [8])
    #expect(changes.first?.before == 10)
    #expect(changes.first?.after == 20)
  }

  @Test("noise without a shift, or a shift below the minimum, is not a change")
  func noise() {
    let values: [Double] = [10, 12, 9, 11, 10, 12, 9, 11, 10, 12, 9, 11]
    #expect(ChangePointDetector.changes(in: values, options: .init(minimumShift: 1)).isEmpty)
    let base = [Double](repeating: 10, count: 6)
    let small: [Double] = base + base.map { $0 + 0.5 }
    #expect(ChangePointDetector.changes(in: small, options: .init(minimumShift: 1)).isEmpty)
  }

  @Test("two steps are both found")
  func twoSteps() {
    let one = [Double](repeating: 1, count: 8)
    var values: [Double] = one
    values += one.map { $0 * 5 }
    values += one.map { $0 * 10 }
    let changes = ChangePointDetector.changes(in: values, options: .init(minimumShift: 0.5))
    #expect(changes.map(\.index) == [8, 16])
    #expect(changes.map(\.after) == [5, 10])
  }
}

@Suite("CalendarDay")
struct CalendarDayTests {
  @Test(
    "days and ISO weeks",
    arguments: [
      ("2026-11-02", "2026-W45"), ("2026-11-22", "2026-W47"), ("2021-01-03", "2020-W53"),
      ("2024-12-30", "2025-W01"), ("1970-01-01", "1970-W01"),
    ])
  func weeks(day: String, week: String) throws {
    let parsed = try #require(CalendarDay(parsing: day))
    #expect(parsed.text == day)
    #expect(parsed.weekText == week)
  }

  @Test("an instant falls on its UTC day")
  func instant() {
    #expect(CalendarDay(milliseconds: 0).text == "1970-01-01")
    #expect(CalendarDay(milliseconds: -1).text == "1969-12-31")
    #expect(CalendarDay(milliseconds: -86_400_000).daysSinceEpoch == -1)
    #expect(CalendarDay(milliseconds: -86_400_001).daysSinceEpoch == -2)
    #expect(CalendarDay(milliseconds: Int64.min).daysSinceEpoch == -106_751_991_168)
    #expect(CalendarDay(milliseconds: 1_795_276_800_000).text == "2026-11-21")
  }
}
