import Testing

@testable import RunLens

@Suite("Timeline")
struct TimelineTests {
  static func job(_ name: String, from: String, to: String, conclusion: String? = nil) -> JobRun {
    var job = JobRun(
      name: name, startedAt: LogTime(parsingISO8601: from),
      completedAt: LogTime(parsingISO8601: to))
    job.conclusion = conclusion
    return job
  }

  @Test("times carry no zone, so every viewer's axis shows the same offsets")
  func zoneFree() {
    let chart = Timeline.render(
      RunReport(jobs: [Self.job("a", from: "2025-10-04T14:00:00Z", to: "2025-10-04T14:12:34Z")]))
    #expect(chart.contains("dateFormat YYYY-MM-DD HH:mm:ss"))
    #expect(chart.contains(":j0, 2000-01-01 00:00:00, 2000-01-01 00:12:34"))
    #expect(chart.contains("axisFormat %M:%S"))
    #expect(!chart.contains("dateFormat x"))
  }

  @Test("a run of an hour or more gets an hours axis")
  func hours() {
    let chart = Timeline.render(
      RunReport(jobs: [
        Self.job(
          "long", from: "2025-10-04T14:00:00Z", to: "2025-10-04T15:12:00Z", conclusion: "failure")
      ]))
    #expect(chart.contains("axisFormat %H:%M"))
    #expect(chart.contains("hours:minutes from the start"))
    #expect(chart.contains(":crit, j0, 2000-01-01 00:00:00, 2000-01-01 01:12:00"))
    #expect(chart.contains(Timeline.legend))
  }

  @Test("clock times count seconds from the start, days carrying over")
  func clock() {
    #expect(Timeline.clock(0) == "2000-01-01 00:00:00")
    #expect(Timeline.clock(4321) == "2000-01-01 01:12:01")
    #expect(Timeline.clock(86_400 + 61) == "2000-01-02 00:01:01")
  }
}
