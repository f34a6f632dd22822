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

  /// `Timeline.label` as it was before its fast path for short plain names: every character
  /// looked at.
  static func labelByCharacters(_ name: String) -> String {
    var text = ""
    for character in name.prefix(60) {
      switch character {
      case ":", ";", "#", "\n", "\r", "%", "`", "<", ">", "{", "}", "\"": text.append(" ")
      default: text.append(character)
      }
    }
    let trimmed = text.trimmedWhitespace()
    return "· " + (trimmed.isEmpty ? "step" : trimmed)
  }

  @Test("a short plain name is labelled as when every character is looked at")
  func labelFastPath() {
    let names = [
      "", " ", "\t \u{85}", "Run cargo test", "  padded  ", String(repeating: "a", count: 60),
      String(repeating: "a", count: 61), String(repeating: "a", count: 59) + "é",
      String(repeating: "é", count: 30), String(repeating: "é", count: 31), "e\u{301}: accent",
      "👩‍👩‍👧 family", ":\u{301}", "a\r\nb", "50% done", "Set up job", "x#y;z", "{json}",
      String(repeating: "🙂", count: 16), String(repeating: "b", count: 58) + " :",
    ]
    for name in names {
      #expect(Timeline.label(name) == Self.labelByCharacters(name), "\(name.debugDescription)")
    }
  }
}
