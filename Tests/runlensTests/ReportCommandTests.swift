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

  @Test("an unreadable input is an error on stderr and a diagnostic; exit 0, or 1 with --strict")
  func unreadable() throws {
    let result = try Self.run(["report", "no-such.log", "Fixtures/empty/job.log", "--format", "json"])
    #expect(result.status == 0)
    #expect(result.stderr == "error: no-such.log: no such file or directory\n")
    #expect(result.stdout.contains("\"schemaVersion\": 1"))
    #expect(result.stdout.contains("cannot read: no such file or directory"))
    let strict = try Self.run(["report", "no-such.log", "--strict", "--format", "json"])
    #expect(strict.status == 1)
  }

  @Test("a usage error exits 64")
  func usage() throws {
    let result = try Self.run(["report", "--no-such-option"])
    #expect(result.status == 64)
  }
}

@Suite("runlens report --junit")
struct JUnitOptionTests {
  @Test("JUnit alone is a report; a directory means every *.xml in it")
  func junitDirectory() throws {
    let directory = FileManager.default.temporaryDirectory.appendingPathComponent(
      "runlens-junit-\(UUID().uuidString)")
    try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
    defer { try? FileManager.default.removeItem(at: directory) }
    for name in ["nextest-one-failure", "nextest-pass-3-binaries"] {
      try FileManager.default.copyItem(
        at: ReportCommandTests.packageRoot.appendingPathComponent("Fixtures/\(name)/junit.xml"),
        to: directory.appendingPathComponent("\(name).xml"))
    }
    try Data("not junit".utf8).write(to: directory.appendingPathComponent("notes.txt"))
    let result = try ReportCommandTests.run([
      "report", "--junit", directory.path, "--format", "json",
    ])
    #expect(result.status == 0)
    #expect(result.stdout.contains("\"total\": 18"))
    #expect(result.stdout.contains("\"failed\": 1"))
  }

  @Test("a cut JUnit file is an error on stderr with file, line and column, and a partial report")
  func cutFile() throws {
    let file = FileManager.default.temporaryDirectory.appendingPathComponent(
      "runlens-cut-\(UUID().uuidString).xml")
    defer { try? FileManager.default.removeItem(at: file) }
    try Data("<testsuites>\n<testsuite name=\"s\">\n<testcase name=\"a\"/>\n<testca".utf8).write(
      to: file)
    let result = try ReportCommandTests.run(["report", "--junit", file.path, "--format", "json"])
    #expect(result.status == 0)
    #expect(result.stderr.hasPrefix("error: \(file.path):4:"))
    #expect(result.stdout.contains("\"partial\": true"))
    #expect(result.stdout.contains("\"total\": 1"))
  }
}

@Suite("runlens output failures")
struct OutputFailureTests {
  @Test("a failed write to standard output exits 1 with an error")
  func fullDisk() throws {
    let process = Process()
    process.executableURL = ReportCommandTests.binary
    process.arguments = ["report", "Fixtures/nix-fallback-hit/job.log"]
    process.currentDirectoryURL = ReportCommandTests.packageRoot
    process.standardOutput = try FileHandle(forWritingTo: URL(fileURLWithPath: "/dev/full"))
    let err = Pipe()
    process.standardError = err
    try process.run()
    let stderr = String(decoding: err.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
    process.waitUntilExit()
    #expect(process.terminationStatus == 1)
    #expect(stderr.contains("error: -:"))
  }
}
