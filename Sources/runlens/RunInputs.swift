import Foundation
import RunLens

/// Opens the inputs of one run (files, directories, zips, standard input) and feeds their
/// bytes to the library's ``RunAssembly``, which decides everything about them.
struct RunInputs: ~Copyable {
  /// The run being put together.
  var assembly = RunAssembly()
  /// Reports bytes and files read on a terminal.
  let progress: ProgressLine

  /// Creates an empty set of inputs, reporting progress to `progress`.
  init(progress: ProgressLine = ProgressLine()) {
    self.progress = progress
  }

  /// Reads one input (`-` is standard input): a file or stream of any kind, a directory or a
  /// zip.
  mutating func read(_ path: String) {
    if path != "-", Self.isDirectory(path) {
      readDirectory(path)
      return
    }
    readStream(path, kind: nil)
  }

  /// Reads a JUnit file, or every `*.xml` of a directory in name order.
  mutating func readJUnit(_ path: String) {
    guard path != "-", Self.isDirectory(path) else {
      readStream(path, kind: .junit)
      return
    }
    guard let names = try? FileManager.default.contentsOfDirectory(atPath: path) else {
      assembly.recordFailure(path, reason: "cannot list the directory")
      return
    }
    let base = path.hasSuffix("/") ? path : path + "/"
    for name in Self.sorted(names) where name.hasSuffix(".xml") && !name.hasPrefix(".") {
      readStream(base + name, kind: .junit)
    }
  }

  /// Reads a jobs JSON file given with `--jobs`.
  mutating func readJobs(_ path: String) {
    readStream(path, kind: .json)
  }

  /// The report of everything read.
  consuming func build(targets: Targets) -> RunReport {
    progress.finish()
    return assembly.build(targets: targets)
  }

  // MARK: - Streams

  private mutating func readStream(_ path: String, kind: InputKind?) {
    let chunks: ChunkReader
    do {
      chunks = try ChunkReader(path: path, findsLineFeeds: kind == nil)
    } catch {
      assembly.recordFailure(path, reason: error.reason)
      return
    }
    assembly.beginInput(path, kind: kind)
    do {
      while let chunk = try chunks.next() {
        progress.add(chunk.count)
        if assembly.feed(chunk, lineFeeds: chunks.lineFeeds) == .zip {
          readDivertedZip(path, chunks: chunks)
          progress.fileDone()
          return
        }
      }
    } catch {
      assembly.failInput(error.reason)
      return
    }
    if assembly.decideKind() == .zip {
      // A zip shorter than the bytes needed to tell its kind.
      readDivertedZip(path, chunks: chunks)
    } else {
      assembly.endInput()
    }
    progress.fileDone()
  }

  /// Reads an input that the assembly told is a zip, from its file or spooled from stdin.
  ///
  /// The input was diverted, so a failure here is recorded as one, never through `failInput`
  /// (which is for an input still being fed, and traps once the input was diverted).
  private mutating func readDivertedZip(_ path: String, chunks: ChunkReader) {
    let head = assembly.divertInput()
    guard path == "-" else {
      chunks.close()
      readZip(path, shownAs: path)
      return
    }
    do {
      try readSpooledZip(head: head, rest: chunks)
    } catch {
      assembly.recordFailure(
        path, reason: "a zip that could not be written to \(error.path): \(error.reason)")
    }
  }

  /// A zip arriving on standard input: written to a temporary file, which a zip needs, then
  /// read from there.
  private mutating func readSpooledZip(head: [UInt8], rest: ChunkReader) throws(IOFailure) {
    let path = FileManager.default.temporaryDirectory.appendingPathComponent(
      "runlens-\(UUID().uuidString).zip"
    ).path
    defer { try? FileManager.default.removeItem(atPath: path) }
    let descriptor = try Platform.openForWriting(path, append: false).get()
    defer { Platform.close(descriptor) }
    if let reason = head.withUnsafeBytes({ Platform.writeAll($0, to: descriptor) }) {
      throw IOFailure(path: path, reason: reason)
    }
    while let chunk = try rest.next() {
      progress.add(chunk.count)
      if let reason = Platform.writeAll(UnsafeRawBufferPointer(chunk), to: descriptor) {
        throw IOFailure(path: path, reason: reason)
      }
    }
    readZip(path, shownAs: "-")
  }

  // MARK: - Directories

  /// Every log, zip and gh file of a directory (two levels, for an extracted run-logs zip).
  private mutating func readDirectory(_ path: String) {
    guard (try? FileManager.default.contentsOfDirectory(atPath: path)) != nil else {
      assembly.recordFailure(path, reason: "cannot list the directory")
      return
    }
    let base = URL(fileURLWithPath: path)
    let plan = RunLogsLayout.plan(Self.folderPaths(path))
    for job in plan.jobs {
      readJob(job, in: path) { base.appendingPathComponent($0).path }
    }
    for other in plan.others where !Self.isDirectory(base.appendingPathComponent(other).path) {
      readStream(base.appendingPathComponent(other).path, kind: nil)
    }
  }

  /// The files of a folder and of its folders one level down, as relative paths, in byte order.
  static func folderPaths(_ path: String) -> [String] {
    let base = URL(fileURLWithPath: path)
    var paths: [String] = []
    let top = (try? FileManager.default.contentsOfDirectory(atPath: path)) ?? []
    for name in sorted(top) where !name.hasPrefix(".") {
      let inner = base.appendingPathComponent(name).path
      if isDirectory(inner) {
        let names = (try? FileManager.default.contentsOfDirectory(atPath: inner)) ?? []
        paths += sorted(names).filter { !$0.hasPrefix(".") }.map { name + "/" + $0 }
      } else {
        paths.append(name)
      }
    }
    return paths
  }

  /// Reads one job of a folder, its files found by `location`.
  mutating func readJob(
    _ job: RunLogsLayout.Job, in folder: String, location: (String) -> String
  ) {
    assembly.readJob(job, in: folder) { file, feed in
      do {
        let chunks = try ChunkReader(path: location(file))
        while let chunk = try chunks.next() {
          progress.add(chunk.count)
          feed(UnsafeRawBufferPointer(chunk))
        }
        return nil
      } catch let failure as IOFailure {
        return failure.reason
      } catch {
        return "\(error)"
      }
    }
    progress.fileDone()
  }

  static func isDirectory(_ path: String) -> Bool {
    var isDirectory: ObjCBool = false
    return FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory)
      && isDirectory.boolValue
  }

  /// Names in byte order, so the order never depends on the file system or the locale.
  static func sorted(_ names: [String]) -> [String] {
    names.sorted { Array($0.utf8).lexicographicallyPrecedes(Array($1.utf8)) }
  }
}
