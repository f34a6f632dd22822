import Foundation
import RunLens
import ZIPFoundation

#if canImport(Glibc)
  import Glibc
#elseif canImport(Darwin)
  import Darwin
#endif

/// Reads every input of one run: job logs, `gh run view --log` files, run-logs zips,
/// directories, standard input and jobs JSON, each recognised from its content.
///
/// Trouble with one input is recorded (``failures``) and the others are still read.
struct RunReader {
  /// The jobs read, in input order.
  var jobs: [JobRun] = []
  /// The jobs of jobs-API documents.
  var apiJobs: [APIJob] = []
  /// Run-level diagnostics (unreadable entries, zip bombs, documents that are not jobs JSON).
  var diagnostics: [Diagnostic] = []
  /// Inputs that could not be read at all.
  var failures: [InputReader.Failure] = []
  /// Reports bytes and files read on a terminal.
  var progress = ProgressLine()

  /// The most bytes one zip may unpack to, and the ratio to its packed size above which a
  /// large entry is refused as a zip bomb.
  static let zipLimit: Int64 = 64 << 30
  /// The most bytes of a JSON input held in memory (jobs documents are far smaller).
  static let jsonLimit = 64 << 20
  static let bombRatio: Int64 = 200

  /// Reads one input (`-` is standard input).
  mutating func read(_ path: String) {
    if path != "-", isDirectory(path) {
      readDirectory(path)
      return
    }
    do {
      let chunks = try ChunkReader(path: path, findsLineFeeds: true)
      guard let first = try chunks.next() else {
        jobs.append(
          JobRun(
            parsingLog: [UInt8](), source: path, fallbackName: InputReader.jobName(fromPath: path)))
        return
      }
      switch InputKind.detect(first) {
      case .zip:
        if path == "-" {
          let spooled = try spool(first: first, rest: chunks)
          defer { try? FileManager.default.removeItem(atPath: spooled) }
          readZip(spooled, shownAs: "-")
        } else {
          chunks.close()
          readZip(path, shownAs: path)
        }
      case .ghLog:
        var parser = GhRunLogParser(source: path)
        var builder = GhRunBuilder(source: path)
        try stream(first: first, rest: chunks) { builder.apply(parser.feed($0)) }
        builder.apply(parser.finish())
        jobs += builder.build()
      case .json:
        var bytes = Array(first)
        try stream(first: UnsafeBufferPointer(start: nil, count: 0), rest: chunks) {
          if bytes.count < Self.jsonLimit { bytes.append(contentsOf: $0) }
        }
        if let api = try? JobsAPI.parse(bytes) {
          apiJobs += api
        } else {
          // Not a jobs document after all: read it as a log.
          var parser = GitHubLogParser(source: path)
          var builder = JobRunBuilder(
            source: path, fallbackName: InputReader.jobName(fromPath: path))
          builder.apply(parser.feed(bytes))
          builder.apply(parser.finish())
          jobs.append(builder.build())
        }
      case .jobLog:
        var parser = GitHubLogParser(source: path)
        var builder = JobRunBuilder(source: path, fallbackName: InputReader.jobName(fromPath: path))
        // A chunk's line ends, when the read-ahead thread found them, spare the parse a search.
        var chunk: UnsafeBufferPointer<UInt8>? = first
        while let bytes = chunk {
          if let lineFeeds = chunks.lineFeeds {
            builder.apply(parser.feed(bytes, lineFeeds: lineFeeds))
          } else {
            builder.apply(parser.feed(bytes))
          }
          progress.add(bytes.count)
          chunk = try chunks.next()
        }
        builder.apply(parser.finish())
        jobs.append(builder.build())
      }
      progress.fileDone()
    } catch {
      failures.append(Self.failure(error, path: path))
    }
  }

  /// An error as an input failure.
  static func failure(_ error: any Error, path: String) -> InputReader.Failure {
    if let failure = error as? InputReader.Failure { return failure }
    return InputReader.Failure(path: path, reason: "\(error)")
  }

  /// Reads a jobs JSON file given with `--jobs`.
  mutating func readJobsFile(_ path: String) {
    do {
      let chunks = try ChunkReader(path: path)
      var bytes: [UInt8] = []
      try stream(first: UnsafeBufferPointer(start: nil, count: 0), rest: chunks) {
        bytes.append(contentsOf: $0)
      }
      readJobsJSON(bytes, path: path)
    } catch {
      failures.append(Self.failure(error, path: path))
    }
  }

  private mutating func readJobsJSON(_ bytes: [UInt8], path: String) {
    do {
      apiJobs += try JobsAPI.parse(bytes)
    } catch {
      diagnostics.append(Diagnostic(.error, error.message, source: path))
    }
  }

  private mutating func stream(
    first: UnsafeBufferPointer<UInt8>, rest: ChunkReader,
    _ body: (UnsafeBufferPointer<UInt8>) -> Void
  ) throws(InputReader.Failure) {
    if !first.isEmpty {
      body(first)
      progress.add(first.count)
    }
    while let chunk = try rest.next() {
      body(chunk)
      progress.add(chunk.count)
    }
  }

  private mutating func spool(first: UnsafeBufferPointer<UInt8>, rest: ChunkReader) throws
    -> String
  {
    let path = FileManager.default.temporaryDirectory.appendingPathComponent(
      "runlens-\(UUID().uuidString).zip"
    ).path
    guard FileManager.default.createFile(atPath: path, contents: nil),
      let handle = FileHandle(forWritingAtPath: path)
    else {
      throw InputReader.Failure(path: "-", reason: "cannot write a temporary file for the zip")
    }
    defer { try? handle.close() }
    try stream(first: first, rest: rest) { handle.write(Data($0)) }
    return path
  }

  // MARK: - Directories and zips

  private func isDirectory(_ path: String) -> Bool {
    var isDirectory: ObjCBool = false
    return FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory)
      && isDirectory.boolValue
  }

  /// Every log, zip and gh file of a directory (two levels, for an extracted run-logs zip).
  private mutating func readDirectory(_ path: String) {
    let base = URL(fileURLWithPath: path)
    var paths: [String] = []
    guard let top = try? FileManager.default.contentsOfDirectory(atPath: path) else {
      failures.append(InputReader.Failure(path: path, reason: "cannot list the directory"))
      return
    }
    for name in top where !name.hasPrefix(".") {
      if isDirectory(base.appendingPathComponent(name).path) {
        let inner =
          (try? FileManager.default.contentsOfDirectory(
            atPath: base.appendingPathComponent(name).path)) ?? []
        paths += inner.filter { !$0.hasPrefix(".") }.map { name + "/" + $0 }
      } else {
        paths.append(name)
      }
    }
    let plan = RunLogsLayout.plan(paths)
    for job in plan.jobs {
      readPlannedJob(job, source: path) { file, body in
        let chunks = try ChunkReader(path: base.appendingPathComponent(file).path)
        while let chunk = try chunks.next() { body(chunk) }
      }
    }
    for other in plan.others where !isDirectory(base.appendingPathComponent(other).path) {
      read(base.appendingPathComponent(other).path)
    }
  }

  private mutating func readZip(_ path: String, shownAs name: String) {
    let archive: Archive
    do {
      archive = try Archive(url: URL(fileURLWithPath: path), accessMode: .read)
    } catch {
      readCutZip(path, shownAs: name, error: error)
      return
    }
    var entries: [String: Entry] = [:]
    for entry in archive where entry.type == .file {
      entries[entry.path] = entry
    }
    let plan = RunLogsLayout.plan(Array(entries.keys))
    var unpacked: Int64 = 0
    for job in plan.jobs {
      readPlannedJob(job, source: name) { file, body in
        guard let entry = entries[file] else { return }
        let packed = Int64(entry.compressedSize)
        let declared = Int64(entry.uncompressedSize)
        if declared > 1 << 30, declared > packed * Self.bombRatio {
          throw InputReader.Failure(
            path: "\(name): \(file)",
            reason: "refused: it would unpack \(declared) bytes from \(packed) (a zip bomb?)")
        }
        var seen: Int64 = 0
        _ = try archive.extract(entry, bufferSize: InputReader.chunkSize, skipCRC32: false) {
          data in
          seen += Int64(data.count)
          unpacked += Int64(data.count)
          if seen > declared + (1 << 20) || unpacked > Self.zipLimit {
            throw InputReader.Failure(
              path: "\(name): \(file)",
              reason: "unpacks to more than it declares (a zip bomb?); stopped")
          }
          data.withUnsafeBytes { raw in body(raw.bindMemory(to: UInt8.self)) }
        }
      }
    }
    for other in plan.others {
      diagnostics.append(
        Diagnostic(.note, "\(other) is not a job or step log; not read", source: name))
    }
  }

  /// A zip without a central directory: its entries are read from their local headers, and the
  /// jobs before the cut are kept.
  private mutating func readCutZip(_ path: String, shownAs name: String, error: any Error) {
    guard let reader = CutZipReader(path: path) else {
      diagnostics.append(Diagnostic(.error, "not a readable zip: \(error)", source: name))
      return
    }
    let found = reader.entries()
    guard !found.isEmpty else {
      diagnostics.append(
        Diagnostic(.error, "not a readable zip (no entry could be found): \(error)", source: name))
      return
    }
    diagnostics.append(
      Diagnostic(
        .error,
        "not a readable zip (cut before its central directory); the \(found.count) entries before the cut were read",
        source: name))
    var entries: [String: CutZipReader.Entry] = [:]
    for entry in found where !entry.path.hasSuffix("/") { entries[entry.path] = entry }
    let plan = RunLogsLayout.plan(Array(entries.keys))
    for job in plan.jobs {
      readPlannedJob(job, source: name) { file, body in
        guard let entry = entries[file] else { return }
        var unpacked: Int64 = 0
        do {
          try reader.extract(entry) { data in
            unpacked += Int64(data.count)
            if unpacked > 64 << 20, unpacked > Int64(entry.compressedSize) * Self.bombRatio {
              throw InputReader.Failure(
                path: "\(name): \(file)",
                reason: "refused: it unpacks to over \(Self.bombRatio) times its size (a zip bomb?)"
              )
            }
            data.withUnsafeBytes { body($0.bindMemory(to: UInt8.self)) }
          }
        } catch let failure as InputReader.Failure {
          throw failure
        } catch {
          throw InputReader.Failure(
            path: "\(name): \(file)", reason: "the entry is cut; its lines before the cut were read"
          )
        }
      }
    }
  }

  /// Reads one planned job's files into one job, labelling steps from step-file names.
  private mutating func readPlannedJob(
    _ job: RunLogsLayout.Job, source: String,
    read: (String, (UnsafeBufferPointer<UInt8>) -> Void) throws -> Void
  ) {
    let jobSource = "\(source)/\(job.files.first?.path ?? job.name)"
    var parser = GitHubLogParser(source: jobSource)
    var builder = JobRunBuilder(source: jobSource, fallbackName: job.name)
    var progress = self.progress
    var bytesRead = 0
    for file in job.files {
      if let step = file.stepName { builder.labelStep(step, atLine: parser.lineCount + 1) }
      var last: UInt8 = 0x0A
      do {
        try read(file.path) { chunk in
          builder.apply(parser.feed(chunk))
          if let byte = chunk.last { last = byte }
          progress.add(chunk.count)
          bytesRead += chunk.count
        }
      } catch {
        let failure = Self.failure(error, path: file.path)
        diagnostics.append(Diagnostic(.error, failure.reason, source: failure.path))
        builder.markPartial("\(file.path) could not be read to its end: \(failure.reason)")
      }
      if last != 0x0A { builder.apply(parser.feed(CollectionOfOne(0x0A))) }
    }
    builder.apply(parser.finish())
    // A job none of whose bytes could be read is not a job of the run, only a diagnostic.
    if bytesRead > 0 { jobs.append(builder.build()) }
    self.progress = progress
    self.progress.fileDone()
  }
}

/// Reads a file (or standard input) in chunks into reused buffers.
///
/// A regular file of at least ``readAheadThreshold`` bytes is read ahead on a second thread
/// into a ring of ``ringSlots`` buffers of ``ringChunkSize`` bytes, so the kernel's copy
/// (about a quarter of the time of a large log) overlaps the parse instead of adding to it;
/// memory stays at the ring's 1 MiB. Smaller files, pipes and standard input are read on the
/// calling thread, 64 KiB at a time.
///
/// Mapping files instead was measured: it removes the kernel's copy, but a file truncated
/// while mapped would end the process with SIGBUS. The corresponding C functions are
/// `open(2)`, `lseek(2)` and `read(2)`.
final class ChunkReader {
  /// The smallest file read ahead on a second thread.
  static let readAheadThreshold = 32 << 20
  /// The buffers of the read-ahead ring.
  static let ringSlots = 4
  /// The size of each buffer of the ring.
  static let ringChunkSize = 256 << 10

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
  /// - Throws: ``InputReader/Failure`` when the file cannot be opened.
  init(path: String, findsLineFeeds: Bool = false) throws(InputReader.Failure) {
    self.path = path
    if path == "-" {
      descriptor = STDIN_FILENO
    } else {
      descriptor = open(path, O_RDONLY)
      guard descriptor >= 0 else {
        throw InputReader.Failure(path: path, reason: InputReader.lastError())
      }
    }
    // Only a seekable file (a regular one) has a size; pipes and terminals fail with ESPIPE.
    let size = descriptor == STDIN_FILENO ? -1 : lseek(descriptor, 0, SEEK_END)
    if size >= 0 { lseek(descriptor, 0, SEEK_SET) }
    if size >= Self.readAheadThreshold {
      buffer = .allocate(capacity: 0)
      ring = ReadAhead(descriptor: descriptor, findsLineFeeds: findsLineFeeds)
    } else {
      buffer = .allocate(capacity: InputReader.chunkSize)
      ring = nil
    }
  }

  deinit {
    close()
    buffer.deallocate()
  }

  /// The next chunk, valid until the next call; `nil` at the end.
  func next() throws(InputReader.Failure) -> UnsafeBufferPointer<UInt8>? {
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
        throw InputReader.Failure(path: path, reason: Self.reason(code))
      }
    }
    while true {
      let count = Glibc.read(descriptor, buffer.baseAddress, buffer.count)
      if count < 0 {
        if errno == EINTR { continue }
        let reason = Self.reason(errno)
        close()
        throw InputReader.Failure(path: path, reason: reason)
      }
      if count == 0 {
        close()
        return nil
      }
      return UnsafeBufferPointer(rebasing: buffer[0..<count])
    }
  }

  private static func reason(_ code: Int32) -> String {
    code == EISDIR ? "is a directory" : String(cString: strerror(code)).lowercased()
  }

  /// Closes the file (after stopping the read-ahead thread); further reads return `nil`.
  func close() {
    ring?.stop()
    if descriptor > STDIN_FILENO { Glibc.close(descriptor) }
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
    /// Set by `stop()`, read by the thread after each wait on `free`; under `stopLock`.
    private var stopping = false
    private let stopLock = NSLock()
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
      // Lines of the previous chunk were short: scan words rather than call memchr per line.
      var dense = false
      while true {
        free.wait()
        stopLock.lock()
        let stop = stopping
        stopLock.unlock()
        if stop { break }
        let target = slot(index % ChunkReader.ringSlots)
        var count: Int
        repeat {
          count = Glibc.read(descriptor, target.baseAddress, target.count)
        } while count < 0 && errno == EINTR
        let slotIndex = index % ChunkReader.ringSlots
        counts[slotIndex] = count < 0 ? -Int(errno) : count
        if count > 0, let offsets = feedSlot(slotIndex) {
          let found = GitHubLogParser.lineFeeds(
            in: UnsafeBufferPointer(rebasing: target[0..<count]), into: offsets, dense: dense)
          feedCounts[slotIndex] = found
          dense = found * 64 > count
        }
        filled.signal()
        if count <= 0 { break }
        index += 1
      }
    }

    func next() -> Chunk {
      guard !ended else { return .end }
      if holding { free.signal() }
      filled.wait()
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
      stopLock.lock()
      stopping = true
      stopLock.unlock()
      // Wake the thread wherever it waits; it sees `stopping` at its next wait.
      for _ in 0...ChunkReader.ringSlots { free.signal() }
      thread?.join()
    }
  }
}

/// A progress line on standard error while reading large inputs, shown only on a terminal.
struct ProgressLine {
  private let enabled = Terminal.isInteractive(.standardError)
  private var bytes: Int64 = 0
  private var files = 0
  private var shownAt: Int64 = 0

  mutating func add(_ count: Int) {
    bytes += Int64(count)
    if enabled, bytes - shownAt >= 64 << 20 {
      shownAt = bytes
      show()
    }
  }

  mutating func fileDone() {
    files += 1
    if enabled, shownAt > 0 { show() }
  }

  private func show() {
    let megabytes = Double(bytes) / 1_048_576
    let text = "\rrunlens: \(files) file\(files == 1 ? "" : "s") done, \(Int(megabytes)) MiB read"
    Terminal.printError(text, newline: false)
  }

  /// Clears the line.
  func finish() {
    if enabled, shownAt > 0 { Terminal.printError("\r\u{1B}[K", newline: false) }
  }
}
