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

  @Test(
    "a waiter for a batch gets every permit, the last smaller batch after close",
    .timeLimit(.minutes(1)), arguments: [1, 3, 4, 10])
  func batchedWaits(batch: Int) {
    let permits = CountingSemaphore(value: 0)
    let taken = Lock()
    nonisolated(unsafe) var count = 0
    let consumer = NativeThread(stackSize: 1 << 16) {
      for _ in 0..<10 {
        permits.wait(batch: batch)
        taken.withLock { count += 1 }
      }
    }
    for _ in 0..<10 { permits.signal() }
    permits.close()
    consumer.join()
    #expect(taken.withLock { count } == 10)
  }

  @Test(
    "two threads handing a ring of slots back and forth see every write, in order",
    .timeLimit(.minutes(1)))
  func ringHandOver() {
    // The read-ahead's protocol: `free` counts the slots the producer may fill, `filled` those
    // the consumer may read; each waits for a batch of four and yields before it sleeps.
    let slots = 8
    let rounds = 50_000
    let free = CountingSemaphore(value: slots)
    let filled = CountingSemaphore(value: 0)
    let ring = UnsafeMutablePointer<Int>.allocate(capacity: slots)
    ring.initialize(repeating: -1, count: slots)
    defer { ring.deallocate() }
    nonisolated(unsafe) let shared = ring
    let producer = NativeThread(stackSize: 1 << 16) {
      for index in 0..<rounds {
        free.wait(batch: slots / 2)
        shared[index % slots] = index
        filled.signal()
      }
      filled.close()
    }
    var outOfOrder = 0
    for index in 0..<rounds {
      filled.wait(batch: slots / 2)
      if ring[index % slots] != index { outOfOrder += 1 }
      free.signal()
    }
    producer.join()
    #expect(outOfOrder == 0)
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

  @Test("the ring's slots are a power of two from 16 to 64 KiB, the ring a quarter of the L2")
  func slotSizes() {
    let kib = 1 << 10
    #expect(ChunkReader.ringChunkSize(level2Cache: nil) == 16 * kib)
    #expect(ChunkReader.ringChunkSize(level2Cache: 0) == 16 * kib)
    #expect(ChunkReader.ringChunkSize(level2Cache: 256 * kib) == 16 * kib)
    #expect(ChunkReader.ringChunkSize(level2Cache: 512 * kib) == 16 * kib)
    #expect(ChunkReader.ringChunkSize(level2Cache: 1024 * kib) == 32 * kib)
    #expect(ChunkReader.ringChunkSize(level2Cache: 1280 * kib) == 32 * kib)
    #expect(ChunkReader.ringChunkSize(level2Cache: 2048 * kib) == 64 * kib)
    #expect(ChunkReader.ringChunkSize(level2Cache: 64 << 20) == 64 * kib)
    #expect(ChunkReader.ringChunkSize(level2Cache: Int.max) == 64 * kib)
  }

  @Test("a directory is an error naming it, not a hang")
  func directory() throws {
    let reader = try ChunkReader(path: FileManager.default.temporaryDirectory.path)
    #expect(throws: IOFailure.self) { _ = try reader.next() }
  }

  @Test("the read-ahead thread finds every line end of every chunk", arguments: [false, true])
  func readAheadLineFeeds(shortLines: Bool) throws {
    let url = FileManager.default.temporaryDirectory.appendingPathComponent(
      "runlens-lines-\(UUID().uuidString).log")
    defer { try? FileManager.default.removeItem(at: url) }
    var text = ""
    var index = 0
    while text.utf8.count < 3 * ChunkReader.ringChunkSize {
      text += shortLines ? "l\(index)\n" : String(repeating: "x", count: 100 + index % 300) + "\n"
      index += 1
    }
    try Data(text.utf8).write(to: url)
    let reader = try ChunkReader(path: url.path, findsLineFeeds: true, readAheadThreshold: 0)
    var chunks = 0
    while let chunk = try reader.next() {
      let feeds = try #require(reader.lineFeeds, "a chunk read ahead without its line ends")
      let expected = chunk.indices.filter { chunk[$0] == 0x0A }
      #expect(Array(feeds).map { Int($0 & 0x00FF_FFFF) } == expected)
      chunks += 1
    }
    #expect(chunks >= 3)
  }
}
