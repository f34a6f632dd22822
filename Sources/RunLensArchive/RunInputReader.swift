import Foundation
package import RunLens

/// Reads the inputs of one run (files, directories, zips, standard input) into a
/// ``RunAssembly``, which decides everything about their bytes; `Files` opens them.
///
/// Several files can be read at once (``read(_:jobs:junit:workers:into:)``): each file, or each job of a
/// folder or zip, by one parser on its own assembly, the parts joined in input order, so the
/// report never depends on which thread finished first.
package struct RunInputReader<Files: InputFiles>: Sendable {
  /// Opens files and runs threads.
  package let files: Files

  /// Creates a reader that opens inputs through `files`.
  package init(files: Files) {
    self.files = files
  }

  /// Reads one input (`-` is standard input): a file or stream of any kind, a directory or a
  /// zip.
  package func read(_ path: String, into assembly: inout RunAssembly) {
    if path != "-", files.isDirectory(path) {
      readDirectory(path, into: &assembly)
      return
    }
    readStream(path, kind: nil, into: &assembly)
  }

  /// Reads a JUnit file, or every `*.xml` of a directory in name order.
  package func readJUnit(_ path: String, into assembly: inout RunAssembly) {
    guard path != "-", files.isDirectory(path) else {
      readStream(path, kind: .junit, into: &assembly)
      return
    }
    guard let names = files.contents(ofDirectory: path) else {
      assembly.recordFailure(path, reason: "cannot list the directory")
      return
    }
    let base = path.hasSuffix("/") ? path : path + "/"
    for name in Self.sorted(names) where name.hasSuffix(".xml") && !name.hasPrefix(".") {
      readStream(base + name, kind: .junit, into: &assembly)
    }
  }

  /// Reads a jobs JSON file (`--jobs`).
  package func readJobs(_ path: String, into assembly: inout RunAssembly) {
    readStream(path, kind: .json, into: &assembly)
  }

  // MARK: - Streams

  private func readStream(_ path: String, kind: InputKind?, into assembly: inout RunAssembly) {
    let chunks: Files.Chunks
    do {
      chunks = try files.open(path, findsLineFeeds: kind == nil, readsAhead: true)
    } catch {
      assembly.recordFailure(path, reason: error.reason)
      return
    }
    assembly.beginInput(path, kind: kind)
    do {
      while let chunk = try chunks.next() {
        files.bytesRead(chunk.count)
        if assembly.feed(chunk, lineFeeds: chunks.lineFeeds) == .zip {
          readDivertedZip(path, chunks: chunks, into: &assembly)
          files.inputDone()
          return
        }
      }
    } catch {
      assembly.failInput(error.reason)
      return
    }
    if assembly.decideKind() == .zip {
      // A zip shorter than the bytes needed to tell its kind.
      readDivertedZip(path, chunks: chunks, into: &assembly)
    } else {
      assembly.endInput()
    }
    files.inputDone()
  }

  /// Reads an input that the assembly told is a zip, from its file or spooled from stdin.
  ///
  /// The input was diverted, so a failure here is recorded as one, never through `failInput`
  /// (which is for an input still being fed, and traps once the input was diverted).
  private func readDivertedZip(
    _ path: String, chunks: Files.Chunks, into assembly: inout RunAssembly
  ) {
    let head = assembly.divertInput()
    guard path == "-" else {
      chunks.close()
      readZip(path, shownAs: path, into: &assembly)
      return
    }
    do {
      try files.spool(head, then: chunks) { spooled in
        readZip(spooled, shownAs: "-", into: &assembly)
      }
    } catch {
      assembly.recordFailure(
        path, reason: "a zip that could not be written to \(error.path): \(error.reason)")
    }
  }

  /// Reads a run-logs zip (``RunLogsZip``), counting its bytes and jobs.
  private func readZip(_ path: String, shownAs name: String, into assembly: inout RunAssembly) {
    RunLogsZip.read(
      path, shownAs: name, into: &assembly, progress: files.bytesRead, jobDone: files.inputDone)
  }

  // MARK: - Directories

  /// Every log, zip and gh file of a directory (two levels, for an extracted run-logs zip).
  private func readDirectory(_ path: String, into assembly: inout RunAssembly) {
    guard files.contents(ofDirectory: path) != nil else {
      assembly.recordFailure(path, reason: "cannot list the directory")
      return
    }
    let plan = RunLogsLayout.plan(folderPaths(path))
    for job in plan.jobs {
      readJob(job, in: path, into: &assembly)
    }
    for other in plan.others where !files.isDirectory(Self.path(other, in: path)) {
      readStream(Self.path(other, in: path), kind: nil, into: &assembly)
    }
  }

  /// The files of a folder and of its folders one level down, as relative paths, in byte order.
  package func folderPaths(_ path: String) -> [String] {
    var paths: [String] = []
    let top = files.contents(ofDirectory: path) ?? []
    for name in Self.sorted(top) where !name.hasPrefix(".") {
      let inner = Self.path(name, in: path)
      if files.isDirectory(inner) {
        let names = files.contents(ofDirectory: inner) ?? []
        paths += Self.sorted(names).filter { !$0.hasPrefix(".") }.map { name + "/" + $0 }
      } else {
        paths.append(name)
      }
    }
    return paths
  }

  /// Reads one job of a folder, its step files joined (also from a worker thread).
  func readJob(_ job: RunLogsLayout.Job, in folder: String, into assembly: inout RunAssembly) {
    assembly.readJob(job, in: folder) { file, feed in
      do throws(InputFailure) {
        let chunks = try files.open(
          Self.path(file, in: folder), findsLineFeeds: false, readsAhead: true)
        while let chunk = try chunks.next() {
          files.bytesRead(chunk.count)
          feed(UnsafeRawBufferPointer(chunk))
        }
        return nil
      } catch {
        return error.reason
      }
    }
    files.inputDone()
  }

  /// The path of `name` (relative, `/`-separated) inside `folder`: joined as text, for the
  /// kernel to resolve.
  ///
  /// Not through `URL`, which cost about 250,000 instructions a call (the working directory
  /// asked for, the path made absolute and standardized), three calls a file before the
  /// workers of a directory start; and which resolves `..` by the text, not through a symbolic
  /// link as the kernel does, and reads a leading `~` as the home folder.
  static func path(_ name: String, in folder: String) -> String {
    if folder.isEmpty { return name }
    return folder.hasSuffix("/") ? folder + name : folder + "/" + name
  }

  /// Names in byte order, so the order never depends on the file system or the locale.
  package static func sorted(_ names: [String]) -> [String] {
    names.sorted { $0.utf8.lexicographicallyPrecedes($1.utf8) }
  }
}
