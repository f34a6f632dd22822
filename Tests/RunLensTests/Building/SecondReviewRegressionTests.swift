import Testing

@testable import RunLens

/// Cases found in the second review.
@Suite("Regressions from the second review")
struct SecondReviewRegressionTests {
  @Test("sizes and limits that do not fit are rejected, not a crash")
  func hugeSizes() {
    #expect(ByteSize.parse("infGB") == nil)
    #expect(ByteSize.parse("1e30GB") == nil)
    #expect(ByteSize.parse("20000000000GB") == nil)
    #expect(throws: Configuration.ParseError.self) {
      try Configuration(json: Array(#"{"targets":{"restoreTimeSeconds":1e30}}"#.utf8))
    }
    let allocation = CacheBudget.Allocation(match: "*", label: "x", bytesPerKey: Int64.max / 2)
    let entries = (0..<3).map { CacheEntry(id: Int64($0), key: "k-\($0)", sizeBytes: 1) }
    let budget = CacheBudget(
      entries: entries, limitBytes: 10, asOf: LogTime(text: "t", nanosecondsSinceEpoch: 0),
      allocations: [allocation])
    #expect(budget.groups.allSatisfy { !$0.overAllocation })
  }

  @Test("a job without times does not make the run's times unknown")
  func totalsWithUntimedJob() {
    let timed = JobRun(
      name: "a", startedAt: LogTime(parsingISO8601: "2025-10-04T14:00:00Z"),
      completedAt: LogTime(parsingISO8601: "2025-10-04T14:01:00Z"))
    let totals = RunReport(jobs: [timed, JobRun(name: "skipped")]).totals
    #expect(totals.wall?.milliseconds == 60_000)
    #expect(totals.compute?.milliseconds == 60_000)
  }

  @Test(
    "jobs API steps are matched by name before time; a step the log lacks takes no other's name")
  func apiStepMatching() throws {
    let log = Parsing.timestamped(
      """
      Current runner version: '2.328.0'
      ##[group]Run make
      \u{1B}[36;1mmake\u{1B}[0m
      shell: /usr/bin/bash -e {0}
      ##[endgroup]
      Cleaning up orphan processes
      """)
    let job = Parsing.job(log)
    func time(_ second: Int) -> LogTime? { LogTime(parsingISO8601: "2025-10-04T14:00:0\(second)Z") }
    let api = APIJob(
      name: "job", id: 1, conclusion: "success", startedAt: time(0), completedAt: time(5),
      steps: [
        .init(
          number: 1, name: "Set up job", conclusion: "success", startedAt: time(0),
          completedAt: time(1)),
        .init(
          number: 2, name: "Build", conclusion: "success", startedAt: time(1), completedAt: time(5)),
        .init(
          number: 3, name: "Stop containers", conclusion: "success", startedAt: time(5),
          completedAt: time(5)),
        .init(
          number: 4, name: "Complete job", conclusion: "success", startedAt: time(5),
          completedAt: time(5)),
      ], url: nil)
    let merged = try #require(RunReport.merge([job], with: [api, api]).first)
    #expect(merged.steps.map(\.name) == ["Set up job", "Build", "Stop containers", "Complete job"])
    // The step the log lacks is listed where its number puts it, with no lines of its own.
    #expect(merged.steps[2].kind == .api)
    #expect(RunReport.merge([job], with: [api, api]).count == 1)
  }

  @Test("a log that starts after the set-up block (gh --log-failed) is partial")
  func logFailedIsPartial() {
    let job = Parsing.job(
      Parsing.timestamped(
        "##[group]Run cargo test\n\u{1B}[36;1mcargo test\u{1B}[0m\nshell: bash\n##[endgroup]\nerror"
      ))
    #expect(job.isPartial)
  }

  @Test("a tee log whose first line is JSON is a log, not a jobs document")
  func jsonFirstLine() {
    #expect(
      InputKind.detect(
        Array(#"{"reason":"build-script-executed","package_id":"x"}\nCache Key: k\n"#.utf8))
        == .jobLog)
    #expect(InputKind.detect(Array(#"{"total_count": 1, "jobs": []}"#.utf8)) == .json)
  }

  @Test("gh output: a BOM before the first column and a lone CR inside a raw line")
  func ghBOMAndCR() {
    let text =
      "\u{FEFF}job\tTest\t2025-10-04T14:00:00.0000000Z ##[group]Run cargo test\n"
      + "job\tTest\t2025-10-04T14:00:01.0000000Z \u{1B}[36;1mcargo test\u{1B}[0m\n"
      + "job\tTest\t2025-10-04T14:00:02.0000000Z ##[endgroup]\n"
      + "job\tTest\t2025-10-04T14:00:03.0000000Z Received 5 of 10 (50%)\rCache Key: abc\n"
      + "job\tComplete job\t2025-10-04T14:00:04.0000000Z Cleaning up orphan processes\n"
    var parser = GhRunLogParser()
    var builder = GhRunBuilder(source: nil)
    builder.apply(parser.feed(Array(text.utf8)))
    builder.apply(parser.finish())
    let jobs = builder.build()
    #expect(jobs.map(\.name) == ["job"])
    #expect(jobs.first?.steps.map(\.name) == ["Test", "Complete job"])
    #expect(jobs.first?.reported.keys == ["abc"])
  }

  @Test("small negative changes keep their sign")
  func negativePercent() {
    #expect(Markdown.percent(-0.004) == "−0.4%")
    #expect(Markdown.percent(-0.0004) == "0%")
  }

  @Test("Mermaid task names never read as gantt keywords")
  func mermaidLabels() {
    #expect(Timeline.label("Call CI / build") == "· Call CI / build")
    #expect(Timeline.label("title check: x") == "· title check  x")
  }
}
