import ArgumentParser
import Foundation
import Testing

@testable import runlens

@Suite("runlens report")
struct ReportCommandTests {
  static let packageRoot = URL(fileURLWithPath: #filePath)
    .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()

  /// The built `runlens` binary, beside the test bundle.
  static var binary: URL {
    URL(fileURLWithPath: CommandLine.arguments[0]).resolvingSymlinksInPath()
      .deletingLastPathComponent().appendingPathComponent("runlens")
  }

  /// Runs the binary in the package root.
  static func run(_ arguments: [String]) throws -> (status: Int32, stdout: String, stderr: String) {
    let process = Process()
    process.executableURL = binary
    process.arguments = arguments
    process.currentDirectoryURL = packageRoot
    let out = Pipe()
    let err = Pipe()
    process.standardOutput = out
    process.standardError = err
    process.standardInput = FileHandle.nullDevice
    try process.run()
    let stdout = out.fileHandleForReading.readDataToEndOfFile()
    let stderr = err.fileHandleForReading.readDataToEndOfFile()
    process.waitUntilExit()
    return (
      process.terminationStatus, String(decoding: stdout, as: UTF8.self),
      String(decoding: stderr, as: UTF8.self)
    )
  }

  @Test("options parse with their defaults")
  func parsing() throws {
    let command = try ReportCommand.parse(["a.log", "--format", "json", "--json", "m.json"])
    #expect(command.inputs == ["a.log"])
    #expect(command.format == .json)
    #expect(command.jsonPath == "m.json")
    #expect(command.output == nil)
    #expect(throws: (any Error).self) { try ReportCommand.parse(["--format", "html"]) }
    #expect(throws: (any Error).self) { try ReportCommand.parse(["-", "-"]) }
  }

  @Test(
    "job names come from file names when the log has none",
    arguments: [
      ("logs/3_unit (stable, ubuntu-latest).txt", "unit (stable, ubuntu-latest)"),
      ("job.log", "job"), ("-", "stdin"), ("12_build.txt", "build"), ("_x.txt", "_x"),
    ])
  func jobNames(path: String, expected: String) {
    #expect(InputReader.jobName(fromPath: path) == expected)
  }

  @Test("the binary prints the fixture's summary and writes its JSON")
  func endToEnd() throws {
    let json = FileManager.default.temporaryDirectory.appendingPathComponent(
      "runlens-\(UUID().uuidString).json")
    defer { try? FileManager.default.removeItem(at: json) }
    let result = try Self.run(["report", "Fixtures/nix-fallback-hit/job.log", "--json", json.path])
    #expect(result.status == 0)
    let expected = try String(
      contentsOf: Self.packageRoot.appendingPathComponent("Fixtures/nix-fallback-hit/summary.md"),
      encoding: .utf8)
    #expect(result.stdout == expected)
    let metrics = try String(
      contentsOf: Self.packageRoot.appendingPathComponent("Fixtures/nix-fallback-hit/metrics.json"),
      encoding: .utf8)
    #expect(try String(contentsOf: json, encoding: .utf8) == metrics)
  }

  @Test("an unreadable input exits 1 with 'error: FILE: reason', and the rest is still reported")
  func unreadable() throws {
    let result = try Self.run([
      "report", "no-such.log", "Fixtures/empty/job.log", "--format", "json",
    ])
    #expect(result.status == 1)
    #expect(result.stderr == "error: no-such.log: no such file or directory\n")
    #expect(result.stdout.contains("\"schemaVersion\": 1"))
  }

  @Test("a usage error exits 64")
  func usage() throws {
    let result = try Self.run(["report", "--no-such-option"])
    #expect(result.status == 64)
  }
}
