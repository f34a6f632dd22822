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
}
