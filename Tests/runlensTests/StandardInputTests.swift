import Foundation
import Testing

/// Inputs arriving on standard input in the smallest possible reads are told and read as they
/// are from a file.
@Suite("runlens report: standard input one byte per write")
struct StandardInputTests {
  /// Runs the binary with `input` written to its standard input one byte per write.
  static func runTrickling(_ arguments: [String], input: Data) throws -> (
    status: Int32, stdout: String
  ) {
    let process = Process()
    process.executableURL = ReportCommandTests.binary
    process.arguments = arguments
    process.currentDirectoryURL = ReportCommandTests.packageRoot
    let stdin = Pipe()
    let stdout = Pipe()
    process.standardInput = stdin
    process.standardOutput = stdout
    process.standardError = FileHandle.nullDevice
    try process.run()
    let writer = Thread {
      for byte in input {
        stdin.fileHandleForWriting.write(Data([byte]))
      }
      try? stdin.fileHandleForWriting.close()
    }
    writer.start()
    let output = stdout.fileHandleForReading.readDataToEndOfFile()
    process.waitUntilExit()
    return (process.terminationStatus, String(decoding: output, as: UTF8.self))
  }

  /// The JSON report with `source` fields removed (they name the file or `-`).
  static func withoutSources(_ json: String) -> String {
    json.split(separator: "\n").filter {
      !$0.contains("\"source\": ") && !$0.contains("\"path\": ")
    }.joined(separator: "\n")
  }

  @Test("gh run view --log output gives the same report as from the file")
  func ghOutput() throws {
    let path = "Fixtures/gh-run-three-jobs/gh.txt"
    let input = try Data(contentsOf: ReportCommandTests.packageRoot.appendingPathComponent(path))
    let fromFile = try ReportCommandTests.run(["report", "--format", "json", path])
    let trickled = try Self.runTrickling(["report", "--format", "json", "-"], input: input)
    #expect(trickled.status == 0)
    #expect(RunLogsTests.jobNames(try Self.object(fromFile.stdout)).count == 3)
    #expect(Self.withoutSources(trickled.stdout) == Self.withoutSources(fromFile.stdout))
  }

  @Test("a run-logs zip gives the same report as from the file")
  func zip() throws {
    let folder = try RunLogsTests.folder()
    defer { try? FileManager.default.removeItem(at: folder) }
    let url = folder.appendingPathComponent("logs.zip")
    try RunLogsTests.zip(
      [
        ("1_unit (stable, ubuntu-latest).txt", try Data(contentsOf: RunLogsTests.unitLog)),
        ("2_unit miss.txt", try Data(contentsOf: RunLogsTests.missLog)),
      ], to: url)
    let fromFile = try ReportCommandTests.run(["report", "--format", "json", url.path])
    let trickled = try Self.runTrickling(
      ["report", "--format", "json", "-"], input: try Data(contentsOf: url))
    #expect(trickled.status == 0)
    #expect(RunLogsTests.jobNames(try Self.object(fromFile.stdout)).count == 2)
    #expect(
      RunLogsTests.jobNames(try Self.object(trickled.stdout))
        == RunLogsTests.jobNames(try Self.object(fromFile.stdout)))
    #expect(
      RunLogsTests.durations(try Self.object(trickled.stdout))
        == RunLogsTests.durations(try Self.object(fromFile.stdout)))
  }

  static func object(_ text: String) throws -> [String: Any] {
    try JSONSerialization.jsonObject(with: Data(text.utf8)) as? [String: Any] ?? [:]
  }
}
