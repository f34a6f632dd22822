import RunLens

/// Reads a file (or standard input) in chunks into reused buffers.
///
/// A regular file of at least ``readAheadThreshold`` bytes is read ahead on a second thread
/// into a ring of ``ringSlots`` buffers of ``ringChunkSize`` bytes, so the kernel's copy
/// (about a quarter of the time of a large log) overlaps the parse instead of adding to it.
/// Smaller files, pipes and standard input are read on the calling thread, 64 KiB at a time.
///
/// The ring is a quarter of the reading core's level-2 cache, in eight slots of 16 to 64 KiB
/// (``ringChunkSize(level2Cache:)``). Small, because the kernel's copy into a buffer that is
/// still in the reading core's cache is several times faster than into one that the parsing
/// core holds or that was evicted: on an AMD EPYC VM (512 KiB of L2 a core), 0.20 s of system
/// time for 1 GiB with a 128 KiB ring against 0.55 s with 256 KiB and 0.45 s with 1 MiB. Not
/// smaller than the cache allows, because each slot costs a `read(2)` and a hand-over between
/// the threads, and a wake-up across processors is dear under a hypervisor: on an Intel Xeon
/// VM (2 MiB of L2 a core), slots of 16 KiB (65,536 hand-overs a GiB) took 836 ms for 1 GiB
/// of the fixtures-mix profile against 692 ms with 64 KiB (nix-cargo 564 -> 427 ms, normal
/// 450 -> 364 ms; medians of 13 interleaved rounds), and larger slots or rings (128 KiB x 4,
/// 64 KiB x 16, 128 KiB x 8) were no faster there. A side that finds no slot ready first
/// yields its processor a few times (the other side, as fast, readies one within
/// microseconds; see ``CountingSemaphore``), then sleeps until half the ring is ready for it
/// (``wakeBatch``), so that it is not woken for each slot.
///
/// Mapping files instead was measured: it removes the kernel's copy, but a file truncated
/// while mapped would end the process with SIGBUS. The corresponding C functions are
/// `open(2)`, `lseek(2)` and `read(2)`.
final class ChunkReader {
  /// The size of each read of a small file or a stream.
  static let chunkSize = 64 << 10
  /// The smallest file read ahead on a second thread.
  static let readAheadThreshold = 32 << 20
  /// The buffers of the read-ahead ring.
  static let ringSlots = 8
  /// The size of each buffer of the ring, for this machine's cache.
  static let ringChunkSize = ringChunkSize(level2Cache: Platform.level2CacheSize())

  /// The slot size for a level-2 cache of `level2Cache` bytes: a power of two from 16 to
  /// 64 KiB, the largest whose ring fits in a quarter of the cache; 16 KiB when it is unknown.
  static func ringChunkSize(level2Cache: Int?) -> Int {
    let fits = (level2Cache ?? 0) / 4 / ringSlots
    var size = 16 << 10
    while size < 64 << 10, size * 2 <= fits { size *= 2 }
    return size
  }
  /// The slots a waiting side sleeps for: half the ring, so that the two waits together never
  /// ask for more slots than there are.
  static let wakeBatch = ringSlots / 2

  private var descriptor: Int32
  private let path: String
  private let buffer: UnsafeMutableBufferPointer<UInt8>
  private let ring: ReadAhead?
  /// The offsets of the LF bytes of the chunk last returned, when the read-ahead thread found
  /// them (only with `findsLineFeeds`, only for a file read ahead).
  private(set) var lineFeeds: UnsafeBufferPointer<UInt32>?

  /// Opens a file (`-` is standard input).
  ///
  /// - Parameters:
  ///   - path: The file.
  ///   - findsLineFeeds: Whether the read-ahead thread also finds each chunk's LF bytes, for
  ///     a log parser (``lineFeeds``).
  ///   - readAheadThreshold: The smallest file read ahead (tests lower it).
  /// - Throws: ``IOFailure`` when the file cannot be opened.
  init(
    path: String, findsLineFeeds: Bool = false,
    readAheadThreshold: Int = ChunkReader.readAheadThreshold
  ) throws(IOFailure) {
    self.path = path
    descriptor = path == "-" ? Platform.standardInput : try Platform.openForReading(path).get()
    // Only a seekable file (a regular one) has a size; pipes and terminals have none.
    if let size = Platform.size(of: descriptor), size >= readAheadThreshold {
      buffer = .allocate(capacity: 0)
      ring = ReadAhead(descriptor: descriptor, findsLineFeeds: findsLineFeeds)
    } else {
      buffer = .allocate(capacity: Self.chunkSize)
      ring = nil
    }
  }

  deinit {
    close()
    buffer.deallocate()
  }

  /// The next chunk, valid until the next call; `nil` at the end.
  func next() throws(IOFailure) -> UnsafeBufferPointer<UInt8>? {
    guard descriptor >= 0 else { return nil }
    lineFeeds = nil
    if let ring {
      switch ring.next() {
      case .bytes(let chunk, let feeds):
        lineFeeds = feeds
        return chunk
      case .end:
        close()
        return nil
      case .failure(let code):
        close()
        throw IOFailure(path: path, reason: Platform.describe(code))
      }
    }
    let count = Platform.read(descriptor, into: buffer)
    if count < 0 {
      close()
      throw IOFailure(path: path, reason: Platform.describe(Int32(-count)))
    }
    if count == 0 {
      close()
      return nil
    }
    return UnsafeBufferPointer(rebasing: buffer[0..<count])
  }

  /// Closes the file (after stopping the read-ahead thread); further reads return `nil`.
  func close() {
    ring?.stop()
    if descriptor >= 0 { Platform.close(descriptor) }
    descriptor = -1
  }

  /// The read-ahead ring: a thread fills free slots in order, the reader takes filled ones.
  ///
  /// Two semaphores count the free and the filled slots; each hand-over of a slot goes
  /// through one of them, which also orders the writes to the slot before its reads. The
  /// slot the reader holds is given back on its next call, so a chunk stays valid until then.
  private final class ReadAhead: @unchecked Sendable {
    enum Chunk {
      case bytes(UnsafeBufferPointer<UInt8>, lineFeeds: UnsafeBufferPointer<UInt32>?)
      case end
      case failure(Int32)
    }

    private let descriptor: Int32
    private let storage: UnsafeMutableBufferPointer<UInt8>
    /// Per slot: the bytes read, 0 at the end, or `-errno`.
    private let counts: UnsafeMutableBufferPointer<Int>
    /// Per slot, room for one LF offset per byte (pages are touched only as far as used), and
    /// the number found; `nil` when not asked for.
    private let feeds: UnsafeMutableBufferPointer<UInt32>?
    private let feedCounts: UnsafeMutableBufferPointer<Int>
    private let feedBase: UnsafeMutablePointer<UInt32>?
    private let free = CountingSemaphore(value: ChunkReader.ringSlots)
    private let filled = CountingSemaphore(value: 0)
    private var thread: NativeThread?
    /// Raised by `stop()`, read by the thread after each wait on `free`.
    private let stopping = StopFlag()
    private var stopped = false
    private var taken = 0
    private var holding = false
    private var ended = false

    init(descriptor: Int32, findsLineFeeds: Bool) {
      self.descriptor = descriptor
      storage = .allocate(capacity: ChunkReader.ringSlots * ChunkReader.ringChunkSize)
      counts = .allocate(capacity: ChunkReader.ringSlots)
      counts.initialize(repeating: 0)
      feeds =
        findsLineFeeds
        ? .allocate(capacity: ChunkReader.ringSlots * ChunkReader.ringChunkSize) : nil
      feedCounts = .allocate(capacity: ChunkReader.ringSlots)
      feedCounts.initialize(repeating: 0)
      feedBase = feeds?.baseAddress
      // 256 KiB: above every platform's minimum stack; the loop needs little.
      thread = NativeThread(stackSize: 1 << 18) { [self] in fill() }
    }

    deinit {
      storage.deallocate()
      counts.deallocate()
      feeds?.deallocate()
      feedCounts.deallocate()
    }

    private func feedSlot(_ index: Int) -> UnsafeMutablePointer<UInt32>? {
      feedBase.map { $0 + index * ChunkReader.ringChunkSize }
    }

    private func slot(_ index: Int) -> UnsafeMutableBufferPointer<UInt8> {
      let size = ChunkReader.ringChunkSize
      return UnsafeMutableBufferPointer(rebasing: storage[index * size..<(index + 1) * size])
    }

    /// The thread: reads into each free slot in turn until the end, an error or a stop.
    private func fill() {
      var index = 0
      // Lines of the previous chunk were short (under 100 bytes on average): the parse, whose
      // cost is per line, is then the slower thread, and the timestamps are tested here
      // (1 GiB of 38-byte lines: 841 -> 726 ms; of 73-byte lines, once the 64 KiB slots had
      // made the read-ahead the faster thread, 648 -> 626 ms, 13 interleaved rounds, where
      // with 16 KiB slots it gained nothing). With longer lines the read-ahead, whose cost is
      // per byte (the kernel's copy included), is as slow as the parse.
      var shortLines = false
      while true {
        free.wait(batch: ChunkReader.wakeBatch)
        if stopping.isRaised { break }
        let target = slot(index % ChunkReader.ringSlots)
        let count = Platform.read(descriptor, into: target)
        let slotIndex = index % ChunkReader.ringSlots
        counts[slotIndex] = count
        if count > 0, let offsets = feedSlot(slotIndex) {
          let found = GitHubLogParser.lineFeeds(
            in: UnsafeBufferPointer(rebasing: target[0..<count]), into: offsets,
            timestamps: shortLines)
          feedCounts[slotIndex] = found
          shortLines = found * 100 > count
        }
        filled.signal()
        if count <= 0 {
          // The last slot is given: the reader's wait for a batch must not wait for more.
          filled.close()
          break
        }
        index += 1
      }
    }

    func next() -> Chunk {
      guard !ended else { return .end }
      if holding { free.signal() }
      filled.wait(batch: ChunkReader.wakeBatch)
      holding = true
      let index = taken % ChunkReader.ringSlots
      taken += 1
      let count = counts[index]
      if count > 0 {
        let lineFeeds = feedSlot(index).map {
          UnsafeBufferPointer(start: UnsafePointer($0), count: feedCounts[index])
        }
        return .bytes(UnsafeBufferPointer(rebasing: slot(index)[0..<count]), lineFeeds: lineFeeds)
      }
      ended = true
      return count == 0 ? .end : .failure(Int32(-count))
    }

    /// Stops the thread and waits for it; idempotent.
    func stop() {
      guard !stopped else { return }
      stopped = true
      stopping.raise()
      // Wake the thread wherever it waits; it sees `stopping` at its next wait.
      for _ in 0...ChunkReader.ringSlots { free.signal() }
      thread?.join()
    }
  }
}
