import Dispatch
import Foundation
import Testing

@testable import RunLens

@Suite("ReportOutputs")
struct ReportOutputsTests {
  static func report() throws -> RunReport {
    var assembly = RunAssembly()
    assembly.beginInput("job.log")
    assembly.feed(try Golden.bytes("Fixtures/actions-cache-exact-hit/job.log"))
    assembly.endInput()
    return assembly.build()
  }

  /// Runs `other` on another thread while this one runs `here`, as the CLI does.
  static func concurrently(_ other: @escaping @Sendable () -> Void, _ here: () -> Void) {
    let group = DispatchGroup()
    DispatchQueue.global().async(group: group, execute: other)
    here()
    group.wait()
  }

  static func destinations(_ writes: [ReportOutputs.Write]) -> [ReportOutputs.Destination] {
    writes.map(\.destination)
  }

  @Test("by default the Markdown summary goes to standard output, and nothing else")
  func markdownDefault() throws {
    let report = try Self.report()
    let (writes, warnings) = ReportOutputs().writes(report)
    #expect(warnings.isEmpty)
    #expect(Self.destinations(writes) == [.standardOutput])
    #expect(writes.first?.bytes == Array(MarkdownSummary.render(report).utf8))
  }

  @Test("annotations first, then the step summary, the primary output and the JSON file")
  func order() throws {
    let report = try Self.report()
    var outputs = ReportOutputs()
    outputs.json = true
    outputs.output = "out.json"
    outputs.jsonPath = "metrics.json"
    outputs.stepSummary = ("summary.md", 0)
    outputs.annotations = true
    let (writes, _) = outputs.writes(report)
    let annotations = Annotations.render(report)
    let expected: [ReportOutputs.Destination] =
      (annotations.isEmpty ? [] : [.standardOutput])
      + [.append("summary.md"), .file("out.json"), .file("metrics.json")]
    #expect(Self.destinations(writes) == expected)
    let metrics = MetricsJSON.renderUTF8(report)
    #expect(writes.suffix(2).allSatisfy { $0.bytes == metrics })
  }

  @Test("the JSON rendered on another thread beside the Markdown gives the same writes, in order")
  func concurrentRendering() throws {
    let report = try Self.report()
    var outputs = ReportOutputs()
    outputs.jsonPath = "metrics.json"
    outputs.output = "out.md"
    outputs.stepSummary = ("summary.md", 10)
    outputs.annotations = true
    let sequential = outputs.writes(report)
    let concurrent = outputs.writes(report, concurrently: Self.concurrently)
    #expect(concurrent.writes == sequential.writes)
    #expect(concurrent.warnings == sequential.warnings)
    #expect(sequential.writes.last?.bytes == MetricsJSON.renderUTF8(report))
    #expect(
      sequential.writes.map(\.destination).suffix(3) == [
        .append("summary.md"), .file("out.md"), .file("metrics.json"),
      ])
  }

  @Test(
    "the JSON of many jobs rendered in two halves at once is the JSON rendered whole",
    arguments: [0, 1, 31, 32, 33, 64, 101])
  func jobsInHalves(_ jobs: Int) throws {
    let logs = [
      "Fixtures/actions-cache-exact-hit/job.log", "Fixtures/actions-cache-fallback/job.log",
      "Fixtures/buildkit-cached-and-rebuilt/job.log", "Fixtures/cargo-cold/job.log",
      "Fixtures/failed-step-exit-code/job.log",
    ]
    var assembly = RunAssembly()
    for index in 0..<jobs {
      assembly.beginInput("job-\(index).log")
      assembly.feed(try Golden.bytes(logs[index % logs.count]))
      assembly.endInput()
    }
    let report = assembly.build()
    let whole = MetricsJSON.renderUTF8(report)
    let pieces = MetricsJSON.renderPieces(report, concurrently: Self.concurrently)
    #expect(Array(pieces.joined()) == whole)
    // Both go through the same writer, so also read the document back: the head, the halves
    // and the tail join to JSON whose jobs are the inputs, in order.
    let document = try #require(
      try JSONSerialization.jsonObject(with: Data(whole)) as? [String: Any])
    let jobsRead = try #require(document["jobs"] as? [[String: Any]])
    #expect(jobsRead.map { $0["source"] as? String } == (0..<jobs).map { "job-\($0).log" })
    #expect((document["totals"] as? [String: Any])?["jobs"] as? Int == jobs)
    #expect(document["schemaVersion"] as? Int == MetricsJSON.schemaVersion)
    // The halves are pieces of their own, not joined: the document's head, the two halves and
    // its tail.
    #expect(pieces.count == (jobs >= 32 ? 4 : 1))
    // The JSON alone, through the outputs: the halves' path.
    var outputs = ReportOutputs()
    outputs.json = true
    outputs.output = "out.json"
    let (writes, _) = outputs.writes(report, concurrently: Self.concurrently)
    #expect(writes.map(\.bytes) == [whole])
    #expect(writes == [ReportOutputs.Write(destination: .file("out.json"), bytes: whole)])
  }

  @Test("the step summary alone is not also written to standard output; --json still is")
  func stepSummaryOnly() throws {
    var outputs = ReportOutputs()
    outputs.stepSummary = ("summary.md", 10)
    outputs.jsonPath = "m.json"
    let (writes, _) = outputs.writes(try Self.report())
    #expect(Self.destinations(writes) == [.append("summary.md"), .file("m.json")])
    // A file with content gets a blank line before the summary.
    #expect(writes.first?.bytes.first == UInt8(ascii: "\n"))
  }

  @Test("a step summary with under 1 KiB of room left is a warning, not a write")
  func noRoom() throws {
    var outputs = ReportOutputs()
    let full = MarkdownSummary.stepSummaryLimit - 1000
    outputs.stepSummary = ("summary.md", full)
    let (writes, warnings) = outputs.writes(try Self.report())
    #expect(writes.isEmpty)
    #expect(
      warnings == ["summary.md: the step summary has \(full) bytes already; no room for runlens"])
  }

  @Test("the step summary is rendered for the room left, never over GitHub's limit")
  func room() throws {
    let report = try Self.report()
    for existing in [0, 500_000, MarkdownSummary.stepSummaryLimit - 4096, Int.max] {
      let text = MarkdownSummary.stepSummary(report, existingBytes: existing)
      if existing == Int.max {
        #expect(text == nil)
        continue
      }
      let size = try #require(text).utf8.count
      #expect(existing + size <= MarkdownSummary.stepSummaryLimit, "\(existing)")
    }
  }
}
