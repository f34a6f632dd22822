import ArgumentParser
import Foundation
import Testing

@testable import RunLens
@testable import RunLensHistory
@testable import runlens

@Suite("runlens history")
struct HistoryCommandTests {
  static let fixtures = ReportCommandTests.packageRoot.appendingPathComponent(
    "Fixtures/history-3-weeks")

  /// A fresh folder under the temporary directory.
  static func temporaryFolder() throws -> URL {
    let url = FileManager.default.temporaryDirectory.appendingPathComponent(
      "runlens-history-\(UUID().uuidString)")
    try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
    return url
  }

  /// Writes `count` distinct runs (run-01.json with run ids from `first`) into `folder`.
  static func writeRuns(_ count: Int, from first: Int, into folder: URL) throws -> [String] {
    let text = try String(
      contentsOf: fixtures.appendingPathComponent("run-01.json"), encoding: .utf8)
    return try (first..<(first + count)).map { id in
      let path = folder.appendingPathComponent("run-\(id).json").path
      try text.replacingOccurrences(of: #""runId": "5001""#, with: #""runId": "\#(id)""#)
        .write(toFile: path, atomically: false, encoding: .utf8)
      return path
    }
  }

  @Test("options parse; add needs an input, export needs inputs or a store")
  func parsing() throws {
    let add = try HistoryCommand.Add.parse(["--db", "x.sqlite", "a.json", "b.json"])
    #expect(add.store.db == "x.sqlite")
    #expect(add.inputs == ["a.json", "b.json"])
    #expect(try HistoryCommand.Add.parse(["a.json"]).store.db == ".runlens/history.sqlite")
    #expect(throws: (any Error).self) { try HistoryCommand.Add.parse([]) }
    #expect(throws: (any Error).self) { try ExportCommand.parse(["--format", "ndjson", "a"]) }
    #expect(throws: (any Error).self) {
      try ExportCommand.parse(["--format", "ndjson", "--db", "x", "a", "-o", "d"])
    }
  }

  @Test("--otlp-endpoint needs otlp-json and a URL; a collector that is not there exits 1")
  func otlpEndpoint() throws {
    #expect(throws: (any Error).self) {
      try ExportCommand.parse(["--format", "ndjson", "-o", "d", "--otlp-endpoint", "http://x", "a"])
    }
    #expect(throws: (any Error).self) {
      try ExportCommand.parse(["--format", "otlp-json", "--otlp-endpoint", "not a url", "a"])
    }
    #expect(OTLPCollector.tracesURL("http://127.0.0.1:4318")?.path == "/v1/traces")
    #expect(OTLPCollector.tracesURL("http://h/custom/path")?.path == "/custom/path")
    let input = Self.fixtures.appendingPathComponent("run-01.json").path
    // Port 9 (discard) on the loopback has no listener here: the connection is refused.
    let result = try ReportCommandTests.run([
      "export", "--format", "otlp-json", "--otlp-endpoint", "http://127.0.0.1:9", input,
    ])
    #expect(result.status == 1)
    #expect(result.stderr.contains("error: http://127.0.0.1:9/v1/traces:"))
    #expect(result.stdout.isEmpty)
  }

  @Test("add stores each run once and exits 1 on an unreadable input")
  func add() throws {
    let folder = try Self.temporaryFolder()
    defer { try? FileManager.default.removeItem(at: folder) }
    let db = folder.appendingPathComponent("h.sqlite").path
    let inputs = (1...3).map { Self.fixtures.appendingPathComponent("run-0\($0).json").path }
    let first = try ReportCommandTests.run(["history", "add", "--db", db] + inputs)
    #expect(first.status == 0)
    #expect(first.stderr.contains("3 added, 0 already stored"))
    let again = try ReportCommandTests.run(["history", "add", "--db", db, inputs[1]])
    #expect(again.stderr.contains("0 added, 1 already stored"))
    let missing = try ReportCommandTests.run(["history", "add", "--db", db, "no-such.json"])
    #expect(missing.status == 1)
    #expect(try HistoryStore(path: db).count() == 3)
  }

  @Test("two processes adding at once both succeed and every run is stored once")
  func concurrentAdd() throws {
    let folder = try Self.temporaryFolder()
    defer { try? FileManager.default.removeItem(at: folder) }
    let db = folder.appendingPathComponent("h.sqlite").path
    let shared = try Self.writeRuns(20, from: 100, into: folder)
    let errors = (0..<2).map { side in folder.appendingPathComponent("stderr-\(side)") }
    let processes = try [0, 1].map { side -> Process in
      let process = Process()
      process.executableURL = ReportCommandTests.binary
      // Both add the same 20 runs, in opposite orders.
      process.arguments = ["history", "add", "--db", db] + (side == 0 ? shared : shared.reversed())
      _ = FileManager.default.createFile(atPath: errors[side].path, contents: nil)
      process.standardError = try FileHandle(forWritingTo: errors[side])
      try process.run()
      return process
    }
    for process in processes { process.waitUntilExit() }
    let messages = errors.map { (try? String(contentsOf: $0, encoding: .utf8)) ?? "" }
    #expect(processes.map(\.terminationStatus) == [0, 0], "\(messages)")
    let store = try HistoryStore(path: db)
    #expect(try store.count() == 20)
    #expect(try store.runs().compactMap(\.runId).sorted() == (100..<120).map(String.init))
    #expect(try store.integrityCheck() == "ok")
  }

  @Test("a process killed mid-add leaves only whole runs, and adding again completes the store")
  func interruptedAdd() throws {
    let folder = try Self.temporaryFolder()
    defer { try? FileManager.default.removeItem(at: folder) }
    let db = folder.appendingPathComponent("h.sqlite").path
    let inputs = try Self.writeRuns(400, from: 1000, into: folder)
    _ = try HistoryStore(path: db)
    let process = Process()
    process.executableURL = ReportCommandTests.binary
    process.arguments = ["history", "add", "--db", db] + inputs
    process.standardError = FileHandle.nullDevice
    try process.run()
    // Wait for some runs to be stored, then kill the process without warning.
    let store = try HistoryStore(path: db)
    var stored = 0
    for _ in 0..<2000 where stored == 0 && process.isRunning {
      stored = (try? store.count()) ?? 0
      usleep(2_000)
    }
    kill(process.processIdentifier, SIGKILL)
    process.waitUntilExit()
    let survivor = try HistoryStore(path: db)
    #expect(try survivor.integrityCheck() == "ok")
    let runs = try survivor.runs()
    #expect(!runs.isEmpty)
    #expect(runs.count < 400, "the process finished before it was killed")
    let expected = try HistoryRun(
      metricsJSON: [UInt8](Data(contentsOf: Self.fixtures.appendingPathComponent("run-01.json"))))
    for run in runs {
      var same = run
      same.runId = expected.runId
      #expect(same == expected, "run \(run.runId ?? "?") is incomplete")
    }
    let rest = try ReportCommandTests.run(["history", "add", "--db", db] + inputs)
    #expect(rest.status == 0)
    #expect(rest.stderr.contains("\(400 - runs.count) added, \(runs.count) already stored"))
  }
}
