import Foundation
import Testing
import ZIPFoundation

@testable import RunLensArchive
@testable import runlens

/// The zip reader's own bounds (issue 13): an entry that cannot make progress is an error
/// naming it, never a loop.
@Suite("ZipEntryReader", .timeLimit(.minutes(1)))
struct ZipEntryReaderTests {
  static let storedBlock = ReportCommandTests.packageRoot
    .appendingPathComponent("Fixtures/fuzz-zip-stored-block/run-logs.zip")

  @Test("a deflate stream that does not end within its entry is an error naming the entry")
  func streamWithoutEnd() throws {
    let reader = try #require(ZipEntryReader(path: Self.storedBlock.path))
    #expect(Array(reader.entries.keys) == ["1_build.txt"])
    var unpacked = 0
    let error = #expect(throws: ZipEntryReader.Failure.self) {
      try reader.extract("1_build.txt", bufferSize: 64 << 10) { unpacked += $0.count }
    }
    #expect(error?.entry == "1_build.txt")
    #expect(error?.description.contains("does not end within its 37 packed bytes") ?? false)
    #expect(unpacked < 64 << 10)
  }

  @Test("the same entry read as a cut zip also ends with an error")
  func cutReader() throws {
    let bytes = [UInt8](try Data(contentsOf: Self.storedBlock))
    let reader = CutZipReader(bytes: bytes)
    let entry = try #require(reader.entries().first)
    #expect(entry.path == "1_build.txt")
    #expect(throws: (any Error).self) { try reader.extract(entry) { _ in } }
  }

  @Test("entries written by ZIPFoundation unpack to their content, stored or deflated")
  func roundTrip() throws {
    let folder = FileManager.default.temporaryDirectory
      .appendingPathComponent("runlens-zip-\(UUID().uuidString)")
    try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
    defer { try? FileManager.default.removeItem(at: folder) }
    let url = folder.appendingPathComponent("logs.zip")
    let text = Data(
      (0..<5000).map { "2025-10-04T14:01:49.0000000Z line \($0)\n" }.joined().utf8)
    let archive = try Archive(url: url, accessMode: .create)
    for (path, method) in [("1_a.txt", CompressionMethod.deflate), ("2_b.txt", .none)] {
      try archive.addEntry(
        with: path, type: .file, uncompressedSize: Int64(text.count), compressionMethod: method
      ) { position, size in
        text.subdata(in: Int(position)..<Int(position) + size)
      }
    }
    let reader = try #require(ZipEntryReader(path: url.path))
    let inMemory = try #require(ZipEntryReader(bytes: [UInt8](try Data(contentsOf: url))))
    for path in ["1_a.txt", "2_b.txt"] {
      for source in [reader, inMemory] {
        var unpacked = Data()
        try source.extract(path, bufferSize: 4096) { unpacked.append($0) }
        #expect(unpacked == text)
      }
    }
    #expect(throws: ZipEntryReader.Failure.self) {
      try reader.extract("missing.txt", bufferSize: 4096) { _ in }
    }
  }

  @Test("bytes that are not a zip have no central directory", arguments: [0, 1, 22, 100])
  func notAZip(count: Int) {
    #expect(ZipEntryReader(bytes: [UInt8](repeating: 0x50, count: count)) == nil)
  }
}

/// The reproducers through the built binary: each gives a report (exit 0), with a
/// diagnostic where the input is bad, and never a trap or a hang.
@Suite("fuzzing reproducers end to end", .timeLimit(.minutes(1)))
struct FuzzReproducerTests {
  @Test(
    "every reproducer exits 0",
    arguments: [
      ["report", "Fixtures/fuzz-log-year-9999/input.log"],
      ["report", "Fixtures/fuzz-log-submillisecond/input.log"],
      ["report", "Fixtures/fuzz-log-cache-size/input.log"],
      [
        "report", "--format", "json", "Fixtures/fuzz-jobs-time-offset/input.log", "--jobs",
        "Fixtures/fuzz-jobs-time-offset/jobs.json",
      ],
      ["report", "--junit", "Fixtures/fuzz-junit-dtd-entity/input.xml"],
      ["report", "--junit", "Fixtures/fuzz-junit-chunking/malformed-tag.xml"],
      ["report", "Fixtures/fuzz-zip-stored-block/run-logs.zip"],
      ["budget", "Fixtures/fuzz-cache-year-9999/caches.json"],
      ["budget", "Fixtures/fuzz-cache-exabyte/caches.json"],
      ["budget", "Fixtures/fuzz-cache-size-sum/caches.json"],
      ["budget", "Fixtures/fuzz-cache-idle-1700/caches.json"],
    ])
  func reproducer(arguments: [String]) throws {
    let result = try ReportCommandTests.run(arguments)
    #expect(result.status == 0, "\(arguments): \(result.stderr)")
    #expect(!result.stdout.isEmpty)
  }

  @Test("the zip whose entry never ends is an error naming the entry")
  func zipEntry() throws {
    let result = try ReportCommandTests.run([
      "report", "Fixtures/fuzz-zip-stored-block/run-logs.zip",
    ])
    #expect(result.stderr.contains("1_build.txt"))
    #expect(result.stderr.contains("does not end within its 37 packed bytes"))
  }
}
