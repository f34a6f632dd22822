import Foundation
import Testing

@testable import runlens

@Suite("ChunkReader")
struct ChunkReaderTests {
  /// A temporary file of `size` bytes that repeat a 251-byte block (a prime, so no chunk
  /// boundary lines up with it), and its bytes.
  static func patternFile(size: Int) throws -> (URL, Data) {
    let url = FileManager.default.temporaryDirectory.appendingPathComponent(
      "runlens-chunks-\(UUID().uuidString).bin")
    let block = Data((0..<251).map { UInt8(truncatingIfNeeded: $0 &* 31) })
    var data = Data(capacity: size + 251)
    while data.count < size { data.append(block) }
    data = data.prefix(size)
    try data.write(to: url)
    return (url, data)
  }

  @Test(
    "files are read whole and in order, read ahead or not",
    arguments: [100, 64 << 10, ChunkReader.readAheadThreshold + 12_345])
  func readsEveryByte(size: Int) throws {
    let (url, data) = try Self.patternFile(size: size)
    defer { try? FileManager.default.removeItem(at: url) }
    let reader = try ChunkReader(path: url.path)
    var offset = 0
    var mismatches = 0
    while let chunk = try reader.next() {
      guard offset + chunk.count <= data.count else {
        mismatches += 1
        break
      }
      let same = data.withUnsafeBytes { whole in
        memcmp(whole.baseAddress! + offset, chunk.baseAddress!, chunk.count) == 0
      }
      if !same { mismatches += 1 }
      offset += chunk.count
    }
    #expect(offset == size)
    #expect(mismatches == 0)
    #expect(try reader.next() == nil)
  }

  @Test("a reader closed or dropped early stops its read-ahead thread")
  func stopsEarly() throws {
    let (url, _) = try Self.patternFile(size: ChunkReader.readAheadThreshold + 1)
    defer { try? FileManager.default.removeItem(at: url) }
    for closes in [true, false] {
      let reader = try ChunkReader(path: url.path)
      #expect(try reader.next() != nil)
      #expect(try reader.next() != nil)
      if closes {
        reader.close()
        #expect(try reader.next() == nil)
      }
    }
  }

  @Test("a directory is an error naming it, not a hang")
  func directory() throws {
    let reader = try ChunkReader(path: FileManager.default.temporaryDirectory.path)
    #expect(throws: IOFailure.self) { _ = try reader.next() }
  }
}
