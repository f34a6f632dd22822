import Testing

@testable import RunLens

/// Regressions from the fuzzing campaign (issue 13): times of a jobs document are untrusted.
@Suite("JobsAPI")
struct JobsAPITests {
  @Test("an offset that pushes a time past 2262-04-11 makes it no time, not a trap")
  func offsetPastTheRange() throws {
    let jobs = try JobsAPI.parse(try Golden.bytes("Fixtures/fuzz-jobs-time-offset/jobs.json"))
    let job = try #require(jobs.first)
    #expect(job.startedAt?.text == "2262-04-11T23:47:16Z")
    #expect(job.completedAt == nil)
    #expect(job.steps.first?.startedAt == nil)
    #expect(job.steps.first?.completedAt == nil)
    // Merged with a log and rendered, as `runlens report --jobs` does.
    let log = try Golden.bytes("Fixtures/fuzz-jobs-time-offset/input.log")
    let merged = RunReport.merge([JobRun(parsingLog: log, fallbackName: "j")], with: jobs)
    let report = RunReport(jobs: merged)
    #expect(!MarkdownSummary.render(report).isEmpty)
    #expect(MetricsJSON.render(report).contains("\"schemaVersion\""))
  }

  @Test(
    "offsets apply within the range and fail outside it",
    arguments: [
      ("2019-08-08T15:00:00.000-08:00", Int64(1_565_305_200_000_000_000)),
      ("1677-09-21T00:12:44+00:01", nil), ("2262-04-11T23:47:16-00:01", nil),
      ("2025-01-01T00:00:00+99:00", nil),
    ] as [(String, Int64?)])
  func offsets(text: String, nanoseconds: Int64?) {
    #expect(LogTime(parsingISO8601: text)?.nanosecondsSinceEpoch == nanoseconds)
  }
}
