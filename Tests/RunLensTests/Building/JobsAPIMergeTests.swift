import Testing

@testable import RunLens

@Suite("Jobs API merge")
struct JobsAPIMergeTests {
  @Test("a jobs document with very many steps is not aligned cell by cell: bounded, and said")
  func alignmentBounded() throws {
    var log = "Current runner version: '2.328.0'\n"
    for index in 0..<40 { log += "##[group]Run step \(index)\n##[endgroup]\n" }
    log += "Cleaning up orphan processes"
    let job = Parsing.job(Parsing.timestamped(log))
    #expect(job.steps.count == 42)
    let time = LogTime(parsingISO8601: "2025-10-04T14:00:00Z")
    // More API steps than the log's times this many would be cells of the alignment table.
    let count = JobRun.maximumAlignmentCells / job.steps.count + 1
    let api = APIJob(
      name: job.name, id: 1, conclusion: "success", startedAt: time, completedAt: time,
      steps: (1...count).map {
        .init(
          number: $0, name: "api \($0)", conclusion: "success", startedAt: time, completedAt: time)
      }, url: nil)
    let merged = try #require(RunReport.merge([job], with: [api]).first)
    #expect(merged.steps.count == 42)
    #expect(merged.steps.allSatisfy { $0.name.hasPrefix("api ") == false })
    #expect(merged.diagnostics.contains { $0.message.contains("too many steps to align") })
  }

  @Test(
    "equal counts are aligned, not paired in order: a composite's inner header and an API step without a header"
  )
  func equalCountsShifted() throws {
    var log = "Current runner version: '2.328.0'\n"
    log += "##[group]Run ./.github/actions/setup\n##[endgroup]\n"
    log += "##[group]Run echo inner\n##[endgroup]\ninner\n"
    log += "##[group]Run cargo test\n##[endgroup]\ntest result: ok\n"
    log += "Cleaning up orphan processes"
    let job = Parsing.job(Parsing.timestamped(log))
    let names = job.steps.map(\.name)
    #expect(names.count == 5)
    func time(_ second: Int) -> LogTime? {
      LogTime(parsingISO8601: "2025-10-04T14:00:\(second < 10 ? "0" : "")\(second)Z")
    }
    func step(_ number: Int, _ name: String, _ conclusion: String, _ second: Int?)
      -> APIJob.Step
    {
      .init(
        number: number, name: name, conclusion: conclusion, startedAt: second.flatMap(time),
        completedAt: second.flatMap(time))
    }
    // The upload was cancelled before it printed anything: five steps ran on each side.
    let api = APIJob(
      name: job.name, id: 1, conclusion: "cancelled", startedAt: time(0), completedAt: time(12),
      steps: [
        step(1, names[0], "success", 0), step(2, "Run ./.github/actions/setup", "success", 1),
        step(3, "Run cargo test", "success", 6), step(4, "Run upload", "cancelled", nil),
        step(5, names[4], "success", 10),
      ], url: nil)
    let merged = try #require(RunReport.merge([job], with: [api]).first)
    // The inner step joins its composite; cargo test keeps its own number; the upload is shown
    // where its number puts it, with the API's conclusion and no log lines.
    #expect(
      merged.steps.map(\.name) == [
        names[0], "Run ./.github/actions/setup", "Run cargo test", "Run upload", names[4],
      ])
    #expect(merged.steps.map(\.number) == [1, 2, 3, 4, 5])
    #expect(merged.steps.map(\.kind) == [.setup, .action, .script, .api, .complete])
    #expect(merged.steps[3].conclusion == "cancelled")
    #expect(merged.steps[2].conclusion == "success")
  }

  @Test(
    "skipped steps are placed by number in one pass, however many",
    .timeLimit(.minutes(1)))
  func skippedSteps() throws {
    let job = Parsing.job(
      Parsing.timestamped(
        "Current runner version: '2.328.0'\n##[group]Run make\n##[endgroup]\nCleaning up orphan processes"
      ))
    let time = LogTime(parsingISO8601: "2025-10-04T14:00:00Z")
    func step(_ number: Int, _ name: String, _ conclusion: String) -> APIJob.Step {
      .init(number: number, name: name, conclusion: conclusion, startedAt: time, completedAt: time)
    }
    let count = 60_000
    var steps = [step(1, "Set up job", "success"), step(2, "Build", "success")]
    steps += (3..<(count + 3)).map { step($0, "skip \($0)", "skipped") }
    steps.append(step(count + 3, "Complete job", "success"))
    let api = APIJob(
      name: job.name, id: 1, conclusion: "success", startedAt: time, completedAt: time,
      steps: steps, url: nil)
    let merged = try #require(RunReport.merge([job], with: [api]).first)
    #expect(merged.steps.count == count + 3)
    #expect(merged.steps.map(\.number) == Array(1...(count + 3)))
    #expect(merged.steps.last?.name == "Complete job")
  }
}
