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

  /// A one-entry zip64 archive, stored, whose central directory declares `declared` bytes
  /// unpacked (a forged size; the local header declares the real one).
  static func zip64(_ data: Data, name: String, declared: UInt64) -> Data {
    func bytes<T: FixedWidthInteger>(_ value: T) -> [UInt8] {
      withUnsafeBytes(of: value.littleEndian) { Array($0) }
    }
    let name = Array(name.utf8)
    let size = UInt64(data.count)
    var crc: UInt32 = 0xFFFF_FFFF
    for byte in data {
      crc ^= UInt32(byte)
      for _ in 0..<8 { crc = crc & 1 == 1 ? (crc >> 1) ^ 0xEDB8_8320 : crc >> 1 }
    }
    crc ^= 0xFFFF_FFFF
    let local =
      bytes(UInt32(0x0403_4B50)) + bytes(UInt16(45)) + bytes(UInt16(0)) + bytes(UInt16(0))
      + bytes(UInt32(0)) + bytes(crc) + bytes(UInt32.max) + bytes(UInt32.max)
      + bytes(UInt16(name.count)) + bytes(UInt16(20)) + name
      + bytes(UInt16(1)) + bytes(UInt16(16)) + bytes(size) + bytes(size)
    let central =
      bytes(UInt32(0x0201_4B50)) + bytes(UInt16(45)) + bytes(UInt16(45)) + bytes(UInt16(0))
      + bytes(UInt16(0)) + bytes(UInt32(0)) + bytes(crc) + bytes(UInt32.max) + bytes(UInt32.max)
      + bytes(UInt16(name.count)) + bytes(UInt16(20)) + bytes(UInt16(0)) + bytes(UInt16(0))
      + bytes(UInt16(0)) + bytes(UInt32(0)) + bytes(UInt32(0)) + name
      + bytes(UInt16(1)) + bytes(UInt16(16)) + bytes(declared) + bytes(size)
    let end =
      bytes(UInt32(0x0605_4B50)) + bytes(UInt16(0)) + bytes(UInt16(0)) + bytes(UInt16(1))
      + bytes(UInt16(1)) + bytes(UInt32(central.count)) + bytes(UInt32(local.count + data.count))
      + bytes(UInt16(0))
    return Data(local) + data + Data(central) + Data(end)
  }

  @Test(
    "a zip entry declaring a size beyond Int64 is refused, not a trap",
    arguments: [UInt64.max, UInt64(Int64.max) + 1])
  func forgedSize(declared: UInt64) throws {
    let folder = try RunLogsTests.folder()
    defer { try? FileManager.default.removeItem(at: folder) }
    let url = folder.appendingPathComponent("forged.zip")
    let log = try Data(contentsOf: RunLogsTests.unitLog)
    try Self.zip64(log, name: "1_unit.txt", declared: declared).write(to: url)
    let result = try ReportCommandTests.run(["report", "--strict", url.path])
    #expect(result.status == 1)
    #expect(result.stderr.contains("1_unit.txt: refused"))
  }
}
