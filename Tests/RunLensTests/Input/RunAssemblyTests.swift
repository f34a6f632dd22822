import Foundation
import Testing

@testable import RunLens

@Suite("RunAssembly")
struct RunAssemblyTests {
  static func time(_ text: String) -> LogTime? { LogTime(parsingISO8601: text) }

  /// Feeds `text` as one input, split into reads of `size` bytes.
  static func feed(_ assembly: inout RunAssembly, _ name: String, _ text: String, size: Int = 5) {
    let bytes = Array(text.utf8)
    assembly.beginInput(name)
    for chunk in Parsing.chunks(bytes, size: size) {
      assembly.feed(chunk)
    }
    #expect(assembly.decideKind() != .zip)
    assembly.endInput()
  }

  @Test("a job in two runs with unrelated times: a warning, and no wall time across them")
  func unrelatedRuns() {
    let first = JobRun(
      name: "unit", source: "a.log", startedAt: Self.time("2025-10-04T14:00:00Z"),
      completedAt: Self.time("2025-10-04T14:10:00Z"))
    var second = first
    second.source = "b.log"
    second.startedAt = Self.time("2025-10-05T09:00:00Z")
    second.completedAt = Self.time("2025-10-05T09:12:00Z")
    let report = RunReport(jobs: [first, second])
    #expect(report.jobsFromUnrelatedRuns == ["unit"])
    #expect(report.totals.wall == nil)
    #expect(report.totals.compute == .seconds(22 * 60))
    let overlapping = RunReport(jobs: [first, first])
    #expect(overlapping.jobsFromUnrelatedRuns.isEmpty)
    #expect(overlapping.totals.wall == .seconds(600))
  }

  @Test("JUnit XML given as an input is told from its content")
  func junitAsInput() {
    var assembly = RunAssembly()
    Self.feed(
      &assembly, "results",
      #"<?xml version="1.0"?><testsuites><testsuite name="s"><testcase name="a"/><testcase name="b"><failure message="m"/></testcase></testsuite></testsuites>"#
    )
    let report = assembly.build()
    #expect(report.jobs.isEmpty)
    #expect(report.tests?.total == 2)
    #expect(report.tests?.failed == 1)
  }

  @Test("a tee'd log whose first line is JSON is read whole as a log")
  func jsonFirstLine() {
    var assembly = RunAssembly()
    Self.feed(
      &assembly, "build.log",
      "{\"reason\":\"compiler-artifact\",\"steps\":[]}\nCache Key: abc\nCACHE HIT\n")
    let report = assembly.build()
    #expect(report.jobs.count == 1)
    #expect(report.jobs.first?.reported.keys == ["abc"])
    #expect(!report.isPartial)
  }

  @Test("JSON over the cap is read as a log, with a note, never dropped")
  func jsonOverCap() {
    var assembly = RunAssembly(options: .init(maximumJSONLength: 64))
    let text =
      "{\"jobs\": 1, \"x\": \"" + String(repeating: "y", count: 100) + "\"}\nCache Key: k\n"
    Self.feed(&assembly, "big.json", text)
    let report = assembly.build()
    #expect(report.jobs.count == 1)
    #expect(report.jobs.first?.reported.keys == ["k"])
    #expect(report.diagnostics.contains { $0.message.contains("read as a log") })
  }

  @Test("a jobs document named with --jobs that is too large is an error and a partial report")
  func jobsOverCap() {
    var assembly = RunAssembly(options: .init(maximumJSONLength: 16))
    assembly.beginInput("jobs.json", kind: .json)
    assembly.feed(Array("{\"total_count\": 1, \"jobs\": []}".utf8))
    assembly.endInput()
    let report = assembly.build()
    #expect(report.isPartial)
    #expect(report.diagnostics.contains { $0.severity == .error && $0.source == "jobs.json" })
  }

  @Test("a --jobs document over the cap, fed in many reads, is reported once")
  func jobsOverCapManyReads() {
    var assembly = RunAssembly(options: .init(maximumJSONLength: 16))
    assembly.beginInput("jobs.json", kind: .json)
    let bytes = Array(
      "{\"total_count\": 1, \"jobs\": [], \"x\": \"\(String(repeating: "y", count: 80))\"}".utf8)
    for start in stride(from: 0, to: bytes.count, by: 10) {
      assembly.feed(bytes[start..<min(start + 10, bytes.count)])
    }
    assembly.endInput()
    let report = assembly.build()
    #expect(report.isPartial)
    #expect(report.diagnostics.filter { $0.source == "jobs.json" }.count == 1)
  }

  @Test("the kind is the same whatever the read sizes", arguments: [1, 3, 4096])
  func kindIndependentOfReads(size: Int) {
    let gh = "build\tSet up job\t2025-10-04T14:00:00.0000000Z Current runner version: '2.328.0'\n"
    var assembly = RunAssembly()
    Self.feed(&assembly, "-", gh, size: size)
    #expect(assembly.build().jobs.first?.name == "build")
    var zip = RunAssembly()
    zip.beginInput("-")
    var kind: InputKind?
    for byte in [0x50, 0x4B, 0x03, 0x04, 0x14] as [UInt8] { kind = zip.feed(CollectionOfOne(byte)) }
    if kind == nil { kind = zip.decideKind() }
    #expect(kind == .zip)
    #expect(zip.divertInput() == [0x50, 0x4B, 0x03, 0x04, 0x14])
  }

  @Test("a read failure keeps what was read and marks the job partial")
  func readFailure() {
    var assembly = RunAssembly()
    assembly.beginInput("job.log")
    assembly.feed(Array("2025-10-04T14:00:00.0000000Z Cache Key: k\n".utf8))
    assembly.failInput("input/output error")
    let report = assembly.build()
    #expect(report.jobs.first?.isPartial == true)
    #expect(assembly.failures.first?.reason == "input/output error")
  }
}
