import Foundation
import Testing
import ZIPFoundation

/// How the CLI opens inputs and hands them to the library's run assembly.
@Suite("runlens report: opening inputs")
struct RunInputsTests {
  /// Runs the binary with `file` as its standard input and `environment` added to its own.
  static func run(
    _ arguments: [String], standardInput file: URL, environment: [String: String]
  ) throws -> (status: Int32, reason: Process.TerminationReason, stderr: String) {
    let process = Process()
    process.executableURL = ReportCommandTests.binary
    process.arguments = arguments
    process.currentDirectoryURL = ReportCommandTests.packageRoot
    process.environment = ProcessInfo.processInfo.environment.merging(environment) { $1 }
    let input = try FileHandle(forReadingFrom: file)
    defer { try? input.close() }
    let err = Pipe()
    process.standardInput = input
    process.standardOutput = FileHandle.nullDevice
    process.standardError = err
    try process.run()
    let stderr = err.fileHandleForReading.readDataToEndOfFile()
    process.waitUntilExit()
    return (
      process.terminationStatus, process.terminationReason, String(decoding: stderr, as: UTF8.self)
    )
  }

  @Test(
    "a zip on standard input that cannot be spooled is an error, not a crash or silence",
    arguments: [1, 40])
  func unspooledZip(copies: Int) throws {
    let folder = try RunLogsTests.folder()
    defer { try? FileManager.default.removeItem(at: folder) }
    let url = folder.appendingPathComponent("logs.zip")
    let log = try Data(contentsOf: RunLogsTests.unitLog)
    // Stored, not deflated: 40 copies make the zip far longer than the bytes that tell a kind.
    let archive = try Archive(url: url, accessMode: .create)
    for copy in 1...copies {
      try archive.addEntry(
        with: "\(copy)_unit \(copy).txt", type: .file, uncompressedSize: Int64(log.count),
        compressionMethod: .none
      ) { position, size in
        log.subdata(in: Int(position)..<Int(position) + size)
      }
    }
    let result = try Self.run(
      ["report", "--strict", "-"], standardInput: url,
      environment: ["TMPDIR": folder.appendingPathComponent("missing").path])
    #expect(result.reason == .exit)
    #expect(result.status == 1)
    #expect(result.stderr.contains("error: -: cannot read"))
  }
}
