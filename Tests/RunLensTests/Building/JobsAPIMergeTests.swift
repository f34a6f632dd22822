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
