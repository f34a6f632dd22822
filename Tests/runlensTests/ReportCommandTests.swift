import ArgumentParser
import Foundation
import RunLens
import Testing
import ZIPFoundation

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

  /// Runs the binary in the package root, with the given environment or this process's.
  static func run(_ arguments: [String], environment: [String: String]? = nil) throws -> (
    status: Int32, stdout: String, stderr: String
  ) {
    let process = Process()
    process.executableURL = binary
    process.arguments = arguments
    process.currentDirectoryURL = packageRoot
    if let environment { process.environment = environment }
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
    #expect(RunAssembly.jobName(fromPath: path) == expected)
  }

  @Test("outputs are written in a fixed order: the JSON last, even to the same file")
  func outputOrder() throws {
    let path = FileManager.default.temporaryDirectory.appendingPathComponent(
      "runlens-\(UUID().uuidString).out")
    defer { try? FileManager.default.removeItem(at: path) }
    let result = try Self.run([
      "report", "Fixtures/nix-fallback-hit/job.log", "--junit",
      "Fixtures/nextest-flaky-and-retries/junit.xml", "-o", path.path, "--json", path.path,
    ])
    #expect(result.status == 0)
    #expect(try String(contentsOf: path, encoding: .utf8).hasPrefix("{"))
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
    let result = try Self.run([
      "report", "no-such.log", "Fixtures/empty/job.log", "--format", "json",
    ])
    #expect(result.status == 0)
    #expect(
      result.stderr
        == "error: no-such.log: cannot read: no such file or directory\n"
        + "warning: no job log was found in the inputs; nothing to report\n")
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

@Suite("runlens report: run-logs zips and directories")
struct RunLogsTests {
  static let unitLog = ReportCommandTests.packageRoot.appendingPathComponent(
    "Fixtures/nix-fallback-hit/job.log")
  static let missLog = ReportCommandTests.packageRoot.appendingPathComponent(
    "Fixtures/nix-miss/job.log")

  /// A temporary folder removed by the caller.
  static func folder() throws -> URL {
    let url = FileManager.default.temporaryDirectory.appendingPathComponent(
      "runlens-\(UUID().uuidString)")
    try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
    return url
  }

  /// Splits a job log into step files at its step starts (as the zip's step files are).
  static func stepFiles(of log: URL) throws -> [(name: String, data: Data)] {
    let text = try String(contentsOf: log, encoding: .utf8)
    var files: [(String, [Substring])] = []
    for line in text.split(separator: "\n", omittingEmptySubsequences: false) {
      let starts =
        line.contains("##[group]Run ") || line.hasSuffix("Post job cleanup.")
        || line.hasSuffix("Cleaning up orphan processes")
      if files.isEmpty || (starts && !line.contains("Runner Image")) {
        files.append(("\(files.count + 1)_Step \(files.count + 1).txt", []))
      }
      files[files.count - 1].1.append(line)
    }
    return files.map { ($0.0, Data(($0.1.joined(separator: "\n") + "\n").utf8)) }
  }

  /// Writes a zip with the given entries.
  static func zip(_ entries: [(String, Data)], to url: URL) throws {
    let archive = try Archive(url: url, accessMode: .create)
    for (path, data) in entries {
      try archive.addEntry(
        with: path, type: .file, uncompressedSize: Int64(data.count), compressionMethod: .deflate
      ) { position, size in
        data.subdata(in: Int(position)..<Int(position) + size)
      }
    }
  }

  static func metrics(_ arguments: [String]) throws -> (
    status: Int32, json: [String: Any], stderr: String
  ) {
    let result = try ReportCommandTests.run(["report", "--format", "json"] + arguments)
    let json =
      try JSONSerialization.jsonObject(with: Data(result.stdout.utf8)) as? [String: Any] ?? [:]
    return (result.status, json, result.stderr)
  }

  static func jobNames(_ json: [String: Any]) -> [String] {
    (json["jobs"] as? [[String: Any]] ?? []).compactMap { $0["name"] as? String }
  }

  static func durations(_ json: [String: Any]) -> [Int] {
    (json["jobs"] as? [[String: Any]] ?? []).compactMap { $0["durationMs"] as? Int }
  }

  @Test(
    "each job is counted once in every zip layout", arguments: ["job files", "step files", "both"])
  func layouts(layout: String) throws {
    let folder = try Self.folder()
    defer { try? FileManager.default.removeItem(at: folder) }
    let unit = try Data(contentsOf: Self.unitLog)
    let miss = try Data(contentsOf: Self.missLog)
    var entries: [(String, Data)] = []
    if layout != "step files" {
      entries += [("1_unit (stable, ubuntu-latest).txt", unit), ("2_unit miss.txt", miss)]
    }
    if layout != "job files" {
      entries += try Self.stepFiles(of: Self.unitLog).map {
        ("unit (stable, ubuntu-latest)/\($0.name)", $0.data)
      }
      entries += try Self.stepFiles(of: Self.missLog).map { ("unit miss/\($0.name)", $0.data) }
    }
    let zip = folder.appendingPathComponent("logs.zip")
    try Self.zip(entries, to: zip)
    let (status, json, _) = try Self.metrics([zip.path])
    #expect(status == 0)
    #expect(
      Self.jobNames(json) == ["unit (stable, ubuntu-latest)", "unit (stable, ubuntu-latest)"])
    #expect(Self.durations(json) == [119_457, 417_673])
    let totals = json["totals"] as? [String: Any]
    #expect(totals?["restores"] as? Int == 2)
    #expect(totals?["fallbackHits"] as? Int == 1)
  }

  @Test("a zip from standard input is read like a file")
  func zipFromStdin() throws {
    let folder = try Self.folder()
    defer { try? FileManager.default.removeItem(at: folder) }
    let zip = folder.appendingPathComponent("logs.zip")
    try Self.zip([("1_unit.txt", try Data(contentsOf: Self.unitLog))], to: zip)
    let process = Process()
    process.executableURL = ReportCommandTests.binary
    process.arguments = ["report", "--format", "json", "-"]
    process.standardInput = try FileHandle(forReadingFrom: zip)
    let out = Pipe()
    process.standardOutput = out
    try process.run()
    let data = out.fileHandleForReading.readDataToEndOfFile()
    process.waitUntilExit()
    let json = try JSONSerialization.jsonObject(with: data) as? [String: Any] ?? [:]
    #expect(Self.durations(json) == [119_457])
  }

  @Test("a cut zip is a clear error and keeps the jobs before the cut")
  func cutZip() throws {
    let folder = try Self.folder()
    defer { try? FileManager.default.removeItem(at: folder) }
    let zip = folder.appendingPathComponent("logs.zip")
    try Self.zip(
      [
        ("1_first.txt", try Data(contentsOf: Self.unitLog)),
        ("2_second.txt", try Data(contentsOf: Self.missLog)),
      ],
      to: zip)
    let bytes = try Data(contentsOf: zip)
    try bytes.prefix(bytes.count - 2000).write(to: zip)
    let (status, json, stderr) = try Self.metrics([zip.path])
    #expect(status == 0)
    #expect(stderr.contains("cut before its central directory"))
    #expect(Self.durations(json).first == 119_457)
    #expect(Self.jobNames(json).count == 2)
    let diagnostics = json["diagnostics"] as? [[String: Any]] ?? []
    #expect(diagnostics.contains { ($0["message"] as? String ?? "").contains("the entry is cut") })
  }

  @Test("garbage that starts like a zip is a clear error")
  func corruptZip() throws {
    let folder = try Self.folder()
    defer { try? FileManager.default.removeItem(at: folder) }
    let zip = folder.appendingPathComponent("bad.zip")
    try Data([0x50, 0x4B, 0x03, 0x04] + [UInt8](repeating: 0xFF, count: 100)).write(to: zip)
    let (status, _, stderr) = try Self.metrics([zip.path])
    #expect(status == 0)
    #expect(stderr.contains("not a readable zip"))
  }

  @Test("a directory of logs, gh output and a zip is one run, in name order")
  func directory() throws {
    let folder = try Self.folder()
    defer { try? FileManager.default.removeItem(at: folder) }
    try FileManager.default.copyItem(
      at: Self.missLog, to: folder.appendingPathComponent("a-miss.log"))
    try FileManager.default.copyItem(
      at: ReportCommandTests.packageRoot.appendingPathComponent(
        "Fixtures/gh-run-three-jobs/gh.txt"),
      to: folder.appendingPathComponent("b-run.txt"))
    try Self.zip(
      [("1_zipped.txt", try Data(contentsOf: Self.unitLog))],
      to: folder.appendingPathComponent("c.zip"))
    let (status, json, _) = try Self.metrics([folder.path])
    #expect(status == 0)
    #expect(
      Self.jobNames(json) == [
        "unit (stable, ubuntu-latest)", "Pre-build Shared Dependencies",
        "unit (stable, ubuntu-latest)",
        "Build harness (x86_64)", "unit (stable, ubuntu-latest)",
      ])
  }
}

@Suite("runlens report in a CI step")
struct CIStepTests {
  static func run(_ arguments: [String], environment: [String: String]) throws -> (
    Int32, String, String
  ) {
    try ReportCommandTests.run(arguments, environment: environment)
  }

  @Test("--step-summary appends without truncating and stays within 1 MiB")
  func stepSummary() throws {
    let file = FileManager.default.temporaryDirectory.appendingPathComponent(
      "summary-\(UUID().uuidString).md")
    defer { try? FileManager.default.removeItem(at: file) }
    let earlier = "## Earlier step\n\n" + String(repeating: "x", count: 1_042_000) + "\n"
    try Data(earlier.utf8).write(to: file)
    let (status, stdout, _) = try Self.run(
      ["report", "--step-summary", "Fixtures/gh-run-three-jobs/gh.txt"],
      environment: ["GITHUB_STEP_SUMMARY": file.path])
    #expect(status == 0)
    #expect(stdout.isEmpty)
    let written = try String(contentsOf: file, encoding: .utf8)
    #expect(written.hasPrefix(earlier))
    #expect(written.utf8.count <= 1_048_576)
    #expect(written.contains("## runlens"))
    #expect(written.contains("shortened"))
  }

  @Test("--step-summary without $GITHUB_STEP_SUMMARY is a usage error")
  func stepSummaryWithoutVariable() throws {
    let (status, _, stderr) = try Self.run(
      ["report", "--step-summary", "Fixtures/empty/job.log"], environment: [:])
    #expect(status == 64)
    #expect(stderr.contains("GITHUB_STEP_SUMMARY"))
  }

  @Test("--annotations prints escaped workflow commands; --fail-on-targets exits 2")
  func annotationsAndTargets() throws {
    let (status, stdout, _) = try Self.run(
      [
        "report", "--annotations", "--fail-on-targets", "--format", "json", "-o", "/dev/null",
        "Fixtures/failed-save-reservation/job.log",
      ], environment: [:])
    #expect(status == 2)
    let lines = stdout.split(separator: "\n")
    #expect(lines.contains { $0.hasPrefix("::warning title=runlens%3A cache hit rate missed::") })
    #expect(lines.contains { $0.hasPrefix("::warning title=runlens%3A cache save failed::") })
    #expect(lines.contains { $0.hasPrefix("::notice title=runlens%3A cache save skipped::") })
  }

  @Test("--strict's exit 1 comes before --fail-on-targets' 2, and the report is written first")
  func strictBeforeTargets() throws {
    let log = "Fixtures/failed-save-reservation/job.log"
    let output = FileManager.default.temporaryDirectory
      .appendingPathComponent("runlens-strict-\(UUID().uuidString).json")
    defer { try? FileManager.default.removeItem(at: output) }
    let (both, _, _) = try Self.run(
      [
        "report", "--strict", "--fail-on-targets", "--format", "json", "-o", output.path, log,
        "no-such.log",
      ], environment: [:])
    #expect(both == 1)
    // Written whole before the process ends: the JSON parses and has the job.
    let written = try Data(contentsOf: output)
    let document = try JSONSerialization.jsonObject(with: written) as? [String: Any]
    #expect((document?["jobs"] as? [Any])?.count == 1)
    let (targetsOnly, _, _) = try Self.run(
      ["report", "--strict", "--fail-on-targets", "--format", "json", "-o", "/dev/null", log],
      environment: [:])
    #expect(targetsOnly == 2)
  }

  @Test("GitHub's environment becomes the JSON's run object")
  func runMetadata() throws {
    let (_, stdout, _) = try Self.run(
      ["report", "--format", "json", "Fixtures/empty/job.log"],
      environment: ["GITHUB_REPOSITORY": "o/r", "GITHUB_RUN_ID": "42", "GITHUB_SHA": "abc"])
    #expect(stdout.contains("\"repository\": \"o/r\""))
    #expect(stdout.contains("\"runId\": \"42\""))
  }
}

@Suite("runlens compare and budget")
struct CompareBudgetCommandTests {
  @Test("compare prints the PR comment; metrics JSON and logs both count as runs")
  func compare() throws {
    let folder = "Fixtures/compare-3v3-faster"
    let result = try ReportCommandTests.run(
      [
        "compare", "--baseline", "\(folder)/baseline-1.json", "\(folder)/baseline-2.json",
        "\(folder)/baseline-3.json",
        "--candidate", "\(folder)/candidate-1.json", "\(folder)/candidate-2.json",
        "\(folder)/candidate-3.json",
      ])
    #expect(result.status == 0)
    let expected = try String(
      contentsOf: ReportCommandTests.packageRoot.appendingPathComponent("\(folder)/comparison.md"),
      encoding: .utf8)
    #expect(result.stdout == expected)
    let logs = try ReportCommandTests.run(
      [
        "compare", "--format", "json", "--baseline", "Fixtures/nix-miss/job.log", "--candidate",
        "Fixtures/nix-fallback-hit/job.log",
      ])
    #expect(logs.status == 0)
    #expect(logs.stdout.contains("\"wallReduction\": 0.714"))
    #expect(logs.stdout.contains("\"judged\": false"))
  }

  @Test("budget reads listings and --limit; --fail-on-limit exits 2")
  func budget() throws {
    let listing = "Fixtures/budget-over-decimal/caches.json"
    let over = try ReportCommandTests.run(
      ["budget", listing, "--as-of", "2025-10-08T00:00:00Z", "--format", "json", "--fail-on-limit"])
    #expect(over.status == 2)
    #expect(over.stdout.contains("\"overLimit\": true"))
    let under = try ReportCommandTests.run(
      [
        "budget", listing, "--as-of", "2025-10-08T00:00:00Z", "--limit", "10GiB", "--format",
        "json", "--fail-on-limit",
      ])
    #expect(under.status == 0)
    #expect(under.stdout.contains("\"overLimit\": false"))
    let bad = try ReportCommandTests.run(["budget", listing, "--limit", "lots"])
    #expect(bad.status == 64)
  }

  @Test("a runlens.json with an unknown key is a usage error")
  func badConfig() throws {
    let file = FileManager.default.temporaryDirectory.appendingPathComponent(
      "runlens-\(UUID().uuidString).json")
    defer { try? FileManager.default.removeItem(at: file) }
    try Data(#"{"targets":{"hitRate":0.9}}"#.utf8).write(to: file)
    let result = try ReportCommandTests.run([
      "report", "--config", file.path, "Fixtures/empty/job.log",
    ])
    #expect(result.status == 64)
    #expect(result.stderr.contains("unknown key \"hitRate\""))
  }
}

@Suite("runlens compare inputs")
struct CompareInputTests {
  @Test("a run on standard input and a directory count like files")
  func stdinAndDirectory() throws {
    let folder = FileManager.default.temporaryDirectory.appendingPathComponent(
      "runlens-\(UUID().uuidString)")
    try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
    defer { try? FileManager.default.removeItem(at: folder) }
    try FileManager.default.copyItem(
      at: ReportCommandTests.packageRoot.appendingPathComponent(
        "Fixtures/gh-run-three-jobs/gh.txt"),
      to: folder.appendingPathComponent("run.txt"))
    let process = Process()
    process.executableURL = ReportCommandTests.binary
    process.arguments = [
      "compare", "--format", "json", "--baseline", "-", "--candidate", folder.path,
    ]
    process.standardInput = try FileHandle(
      forReadingFrom: ReportCommandTests.packageRoot.appendingPathComponent(
        "Fixtures/gh-run-three-jobs/gh.txt"))
    let out = Pipe()
    process.standardOutput = out
    try process.run()
    let text = String(decoding: out.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
    process.waitUntilExit()
    #expect(process.terminationStatus == 0)
    #expect(text.contains("\"wallReduction\": 0.0"))
    #expect(text.components(separatedBy: "\"median\": 449314").count == 3)
  }
}

@Suite("runlens on inputs that hold nothing")
struct NothingToReportTests {
  @Test(
    "an empty directory, an empty file and empty stdin: no job, a warning, exit 1 with --strict",
    arguments: ["dir", "file", "stdin"])
  func nothing(_ shape: String) throws {
    let folder = try RunLogsTests.folder()
    defer { try? FileManager.default.removeItem(at: folder) }
    let empty = folder.appendingPathComponent("empty.log")
    try Data().write(to: empty)
    let input = shape == "dir" ? folder.appendingPathComponent("none").path : empty.path
    if shape == "dir" {
      try FileManager.default.createDirectory(atPath: input, withIntermediateDirectories: true)
    }
    let arguments = ["report", shape == "stdin" ? "-" : input]
    let plain = try ReportCommandTests.run(arguments)
    #expect(plain.status == 0)
    #expect(plain.stdout.contains("**No job log was found**"))
    #expect(!plain.stdout.contains("✅"))
    #expect(plain.stderr.contains("warning: no job log was found in the inputs"))
    let strict = try ReportCommandTests.run(arguments + ["--strict"])
    #expect(strict.status == 1)
    let json = try RunLogsTests.metrics([arguments[1]])
    #expect((json.json["jobs"] as? [Any])?.isEmpty == true)
  }

  @Test("budget on a listing that cannot be read gives no verdict and exits 1")
  func budgetMissing() throws {
    let result = try ReportCommandTests.run(["budget", "no-such-listing.json"])
    #expect(result.status == 1)
    #expect(result.stdout.contains("**No verdict:**"))
    #expect(!result.stdout.contains("Within the limit"))
    #expect(
      result.stderr == "error: no-such-listing.json: cannot read: no such file or directory\n")
    let json = try ReportCommandTests.run(["budget", "no-such-listing.json", "--format", "json"])
    #expect(json.status == 1)
    #expect(json.stdout.contains("\"overLimit\": null"))
  }

  @Test("compare names an input that is not a run and invents no job from it")
  func compareNotARun() throws {
    let result = try ReportCommandTests.run([
      "compare", "--baseline", "Fixtures/binary/job.log", "--candidate",
      "Fixtures/nix-miss/job.log",
    ])
    #expect(result.status == 1)
    #expect(result.stderr.contains("error: Fixtures/binary/job.log: not a run"))
  }
}

@Suite("runlens: what a user types")
struct UsageTests {
  @Test("--version prints the version")
  func version() throws {
    let result = try ReportCommandTests.run(["--version"])
    #expect(result.status == 0)
    #expect(result.stdout == RunLensCommand.version + "\n")
  }

  @Test("a mistyped command is an unknown command, not a missing file")
  func mistypedCommand() throws {
    let result = try ReportCommandTests.run(["repot", "x.log"])
    #expect(result.status == 64)
    #expect(result.stderr.contains("unknown command 'repot' (did you mean 'report'?)"))
    #expect(!result.stderr.contains("no such file"))
    #expect(RunLensCommand.unknownCommand("Fixtures") == nil)
    #expect(RunLensCommand.unknownCommand("job.log") == nil)
  }

  @Test("a configuration error prints the usage line of the command it belongs to")
  func configurationUsage() throws {
    let folder = try RunLogsTests.folder()
    defer { try? FileManager.default.removeItem(at: folder) }
    let config = folder.appendingPathComponent("runlens.json")
    try Data(#"{"targets": {"cacheHitRate": "high"}}"#.utf8).write(to: config)
    let result = try ReportCommandTests.run(
      ["report", "Fixtures/nix-miss/job.log", "--config", config.path])
    #expect(result.status == 64)
    #expect(result.stderr.contains("Usage: runlens report"))
    let budget = try ReportCommandTests.run(
      ["budget", "Fixtures/budget-under/caches.json", "--config", config.path])
    #expect(budget.stderr.contains("Usage: runlens budget"))
  }

  @Test("a write error and a missing input say which they are")
  func readOrWrite() throws {
    let write = try ReportCommandTests.run(
      ["report", "Fixtures/nix-miss/job.log", "-o", "/no-such-folder/out.md"])
    #expect(write.status == 1)
    #expect(write.stderr.contains("/no-such-folder/out.md: cannot write:"))
    let read = try ReportCommandTests.run(["report", "no-such-input.log"])
    #expect(read.stderr.contains("no-such-input.log: cannot read:"))
  }

  @Test("--as-of takes a date alone, and --limit a size in any case")
  func budgetOptions() throws {
    let listing = "Fixtures/budget-over-decimal/caches.json"
    let dated = try ReportCommandTests.run(["budget", listing, "--as-of", "2025-10-08"])
    let full = try ReportCommandTests.run(["budget", listing, "--as-of", "2025-10-08T00:00:00Z"])
    #expect(dated.status == full.status)
    #expect(dated.stdout == full.stdout)
    let lower = try ReportCommandTests.run(
      ["budget", listing, "--as-of", "2025-10-08", "--limit", "10gib", "--format", "json"])
    #expect(lower.status == 0)
    #expect(lower.stdout.contains("\"limitBytes\": 10737418240"))
  }

  @Test("every command names itself: a derived name costs a demangling on every run")
  func commandsNamed() {
    func unnamed(_ command: any ParsableCommand.Type) -> [String] {
      let configuration = command.configuration
      return (configuration.commandName == nil ? ["\(command)"] : [])
        + configuration.subcommands.flatMap(unnamed)
    }
    #expect(unnamed(RunLensCommand.self) == [])
    #expect(RunLensCommand.configuration.subcommands.count >= 7)
  }

  @Test("help text wraps at word boundaries")
  func helpWraps() throws {
    let help = try ReportCommandTests.run(["report", "--help"])
    #expect(help.stdout.contains("a run-logs zip, a\ndirectory of those"))
    #expect(!help.stdout.contains("directory of\nthose"))
  }
}

@Suite("runlens report: several files at once")
struct ParallelReadTests {
  @Test("the report is the same read by one thread or by several, for files, a folder and a zip")
  func sameAtAnyThreadCount() throws {
    let folder = try RunLogsTests.folder()
    defer { try? FileManager.default.removeItem(at: folder) }
    let logs = folder.appendingPathComponent("logs")
    try FileManager.default.createDirectory(at: logs, withIntermediateDirectories: true)
    let unit = try Data(contentsOf: RunLogsTests.unitLog)
    let miss = try Data(contentsOf: RunLogsTests.missLog)
    var entries: [(String, Data)] = []
    for index in 1...12 {
      let name = "\(index)_job \(index).txt"
      let data = index % 3 == 0 ? miss : unit
      try data.write(to: logs.appendingPathComponent(name))
      entries.append((name, data))
    }
    try Data("not a log\u{0}".utf8).write(to: logs.appendingPathComponent("notes.bin"))
    let zip = folder.appendingPathComponent("logs.zip")
    try RunLogsTests.zip(entries, to: zip)
    let inputs = [
      [logs.path], [zip.path],
      [
        "Fixtures/nix-miss/job.log", "Fixtures/gh-run-three-jobs/gh.txt", "Fixtures/empty/job.log",
        "Fixtures/nix-fallback-hit/job.log",
      ],
      [
        "Fixtures/gh-run-jobs-gh-shape/gh.txt", "--jobs", "Fixtures/gh-run-jobs-gh-shape/jobs.json",
        "--junit", "Fixtures/junit-failure-and-error/junit.xml", "--junit",
        "Fixtures/junit-truncated/junit.xml",
      ],
    ]
    for input in inputs {
      let one = try ReportCommandTests.run(
        ["report", "--format", "json", "--threads", "1"] + input)
      #expect(one.status == 0)
      for threads in ["2", "5"] {
        let many = try ReportCommandTests.run(
          ["report", "--format", "json", "--threads", threads] + input)
        #expect(many.stdout == one.stdout, "\(input.first ?? "") with \(threads) threads")
        #expect(many.stderr == one.stderr)
      }
    }
    #expect(try ReportCommandTests.run(["report", "--threads", "0", "x.log"]).status == 64)
  }
}
