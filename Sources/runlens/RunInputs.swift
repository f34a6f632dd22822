import Foundation
import RunLens
import RunLensArchive

/// The inputs of one run, read by the library's ``RunInputReader`` into a ``RunAssembly``
/// through ``LocalFiles``: this program's files, standard input, threads and progress line.
struct RunInputs: ~Copyable {
  /// The run being put together.
  var assembly = RunAssembly()
  /// Reports bytes and files read on a terminal.
  let progress: ProgressLine

  /// Creates an empty set of inputs, reporting progress to `progress`.
  init(progress: ProgressLine = ProgressLine()) {
    self.progress = progress
  }

  private var reader: RunInputReader<LocalFiles> {
    RunInputReader(files: LocalFiles(progress: progress))
  }

  /// Reads one input (`-` is standard input): a file or stream of any kind, a directory or a
  /// zip.
  mutating func read(_ path: String) {
    reader.read(path, into: &assembly)
  }

  /// Reads `paths`, then the jobs JSON files `jobs` and the JUnit files `junit`, several
  /// files at once on up to `workers` threads (see
  /// ``RunInputReader/read(_:jobs:junit:workers:into:)``).
  mutating func read(
    _ paths: [String], jobs: [String] = [], junit: [String] = [], workers: Int
  ) {
    reader.read(paths, jobs: jobs, junit: junit, workers: workers, into: &assembly)
  }

  /// Reads a JUnit file, or every `*.xml` of a directory in name order.
  mutating func readJUnit(_ path: String) {
    reader.readJUnit(path, into: &assembly)
  }

  /// Reads a jobs JSON file given with `--jobs`.
  mutating func readJobs(_ path: String) {
    reader.readJobs(path, into: &assembly)
  }

  /// The report of everything read.
  consuming func build(targets: Targets) -> RunReport {
    progress.finish()
    return assembly.build(targets: targets)
  }
}

/// This program's side of reading inputs: ``ChunkReader``, the file manager, a temporary file
/// for a zip on standard input, ``NativeThread`` workers and the ``ProgressLine``.
struct LocalFiles: InputFiles {
  /// The progress line the bytes and files read are counted on.
  let progress: ProgressLine

  /// A ``ChunkReader`` with the library's failure type.
  final class Chunks: InputChunks {
    /// The reader.
    let reader: ChunkReader

    init(_ reader: ChunkReader) { self.reader = reader }

    func next() throws(InputFailure) -> UnsafeBufferPointer<UInt8>? {
      do {
        return try reader.next()
      } catch {
        throw InputFailure(path: error.path, reason: error.reason)
      }
    }

    var lineFeeds: UnsafeBufferPointer<UInt32>? { reader.lineFeeds }

    func close() { reader.close() }
  }

  func open(_ path: String, findsLineFeeds: Bool, readsAhead: Bool) throws(InputFailure) -> Chunks {
    do {
      return Chunks(
        try ChunkReader(
          path: path, findsLineFeeds: findsLineFeeds,
          readAheadThreshold: readsAhead ? ChunkReader.readAheadThreshold : .max))
    } catch {
      throw InputFailure(path: error.path, reason: error.reason)
    }
  }

  func isDirectory(_ path: String) -> Bool {
    var isDirectory: ObjCBool = false
    return FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory)
      && isDirectory.boolValue
  }

  func contents(ofDirectory path: String) -> [String]? {
    try? FileManager.default.contentsOfDirectory(atPath: path)
  }

  func spool(_ head: [UInt8], then rest: Chunks, _ body: (String) -> Void) throws(InputFailure) {
    let path = FileManager.default.temporaryDirectory.appendingPathComponent(
      "runlens-\(UUID().uuidString).zip"
    ).path
    defer { try? FileManager.default.removeItem(atPath: path) }
    let descriptor: Platform.Descriptor
    do {
      descriptor = try Platform.openForWriting(path, append: false).get()
    } catch {
      throw InputFailure(path: error.path, reason: error.reason)
    }
    defer { Platform.close(descriptor) }
    if let reason = head.withUnsafeBytes({ Platform.writeAll($0, to: descriptor) }) {
      throw InputFailure(path: path, reason: reason)
    }
    while let chunk = try rest.next() {
      progress.add(chunk.count)
      if let reason = Platform.writeAll(UnsafeRawBufferPointer(chunk), to: descriptor) {
        throw InputFailure(path: path, reason: reason)
      }
    }
    body(path)
  }

  func parallel(workers: Int, count: Int, _ body: @escaping @Sendable (() -> Int?) -> Void) {
    let next = Counter()
    let threads = (0..<workers).map { _ in
      NativeThread(stackSize: 1 << 20) { body { next.take(below: count) } }
    }
    for thread in threads { thread.join() }
  }

  func bytesRead(_ count: Int) { progress.add(count) }

  func inputDone() { progress.fileDone() }

  /// Hands out indices below a bound, each once.
  private final class Counter: @unchecked Sendable {
    private let lock = Lock()
    private var value = 0

    func take(below bound: Int) -> Int? {
      lock.withLock {
        guard value < bound else { return nil }
        defer { value += 1 }
        return value
      }
    }
  }
}
