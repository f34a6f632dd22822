import Foundation
package import RunLens
import ZIPFoundation

/// A run-logs zip opened for reading into a ``RunAssembly``: each planned job streamed from its
/// entries, never extracted to disk, with the zip-bomb guards on every entry.
///
/// ZIPFoundation lists the entries; ``ZipEntryReader`` unpacks them, bounded by their sizes
/// (ZIPFoundation 0.9.20's inflate loop never ends on some damaged entries). A zip whose central
/// directory cannot be read is read from its local headers by
/// ``read(_:shownAs:into:progress:jobDone:)``.
package struct RunLogsZip {
  /// The most bytes one zip may unpack to.
  package static let unpackLimit: Int64 = 64 << 30
  /// The ratio to its packed size above which a large entry is refused as a zip bomb.
  package static let bombRatio: Int64 = 200
  /// The size of each unpacked chunk handed to the assembly.
  package static let chunkSize = 64 << 10

  /// The name the zip is shown as in diagnostics (`-` for standard input).
  package let name: String
  /// The zip's jobs, and the paths that are neither job nor step logs.
  package let plan: (jobs: [RunLogsLayout.Job], others: [String])
  private let archive: Archive
  private let reader: ZipEntryReader

  /// Opens the zip at `path`; `nil` when its central directory cannot be read.
  ///
  /// - Parameters:
  ///   - path: The zip file.
  ///   - name: The name shown in diagnostics.
  package init?(path: String, shownAs name: String) {
    let archive: Archive
    do {
      archive = try Archive(url: URL(fileURLWithPath: path), accessMode: .read)
    } catch {
      return nil
    }
    guard let reader = ZipEntryReader(path: path) else { return nil }
    self.init(archive: archive, reader: reader, name: name)
  }

  private init(archive: Archive, reader: ZipEntryReader, name: String) {
    self.archive = archive
    self.reader = reader
    self.name = name
    plan = RunLogsLayout.plan(archive.filter { $0.type == .file }.map(\.path))
  }

  /// A note for each file of the zip that is neither a job nor a step log.
  package var notes: [Diagnostic] {
    plan.others.map { Diagnostic(.note, "\($0) is not a job or step log; not read", source: name) }
  }

  /// Reads a run-logs zip into `assembly`: every planned job, or, for a zip cut before its
  /// central directory, the entries before the cut.
  ///
  /// A zip that cannot be read at all is an error diagnostic that drops the input.
  ///
  /// - Parameters:
  ///   - path: The zip file.
  ///   - name: The name shown in diagnostics.
  ///   - assembly: The run being put together.
  ///   - progress: Called with the size of each unpacked chunk.
  ///   - jobDone: Called after each job of a readable zip.
  package static func read(
    _ path: String, shownAs name: String, into assembly: inout RunAssembly,
    progress: (Int) -> Void, jobDone: () -> Void
  ) {
    let archive: Archive
    do {
      archive = try Archive(url: URL(fileURLWithPath: path), accessMode: .read)
    } catch {
      readCut(path, shownAs: name, error: error, into: &assembly, progress: progress)
      return
    }
    guard let reader = ZipEntryReader(path: path) else {
      assembly.add(
        Diagnostic(
          .error, "not a readable zip: its central directory cannot be read", source: name),
        dropsInput: true)
      return
    }
    let zip = RunLogsZip(archive: archive, reader: reader, name: name)
    var unpacked: Int64 = 0
    for job in zip.plan.jobs {
      zip.readJob(job, into: &assembly, unpacked: &unpacked, progress: progress)
      jobDone()
    }
    for note in zip.notes { assembly.add(note) }
  }

  /// Reads one job of the zip into `assembly`.
  ///
  /// - Parameters:
  ///   - job: A job of ``plan``.
  ///   - assembly: The run being put together.
  ///   - unpacked: The bytes of this zip unpacked so far, for ``unpackLimit``.
  ///   - progress: Called with the size of each unpacked chunk.
  package func readJob(
    _ job: RunLogsLayout.Job, into assembly: inout RunAssembly, unpacked: inout Int64,
    progress: (Int) -> Void
  ) {
    assembly.readJob(job, in: name) { file, feed in
      guard let entry = archive[file] else { return nil }
      do throws(Stop) {
        try extract(entry, name: "\(name): \(file)", unpacked: &unpacked) {
          progress($0.count)
          $0.withUnsafeBytes(feed)
        }
        return nil
      } catch {
        return error.reason
      }
    }
  }

  /// Why an entry stopped early.
  private struct Stop: Error {
    var reason: String
  }

  private func extract(
    _ entry: Entry, name: String, unpacked: inout Int64, _ body: (Data) -> Void
  ) throws(Stop) {
    // Sizes come from the archive's headers (zip64 fields are 64-bit unsigned): clamped, and
    // compared without overflow.
    let packed = Int64(clamping: entry.compressedSize)
    let declared = Int64(clamping: entry.uncompressedSize)
    let ratioLimit = packed.multipliedReportingOverflow(by: Self.bombRatio)
    if declared > 1 << 30, !ratioLimit.overflow, declared > ratioLimit.partialValue {
      throw Stop(reason: "refused: it would unpack \(declared) bytes from \(packed) (a zip bomb?)")
    }
    var seen: Int64 = 0
    var total = unpacked
    defer { unpacked = total }
    do {
      try reader.extract(entry.path, bufferSize: Self.chunkSize) { data in
        seen += Int64(data.count)
        total += Int64(data.count)
        if seen - (1 << 20) > declared || total > Self.unpackLimit {
          throw Stop(reason: "unpacks to more than it declares (a zip bomb?); stopped")
        }
        body(data)
      }
    } catch let stop as Stop {
      throw stop
    } catch {
      throw Stop(reason: "cannot unpack: \(error)")
    }
  }

  /// A zip without a central directory: its entries are read from their local headers, and the
  /// jobs before the cut are kept.
  private static func readCut(
    _ path: String, shownAs name: String, error: any Error, into assembly: inout RunAssembly,
    progress: (Int) -> Void
  ) {
    guard let reader = CutZipReader(path: path) else {
      assembly.add(
        Diagnostic(.error, "not a readable zip: \(error)", source: name), dropsInput: true)
      return
    }
    let found = reader.entries()
    guard !found.isEmpty else {
      assembly.add(
        Diagnostic(.error, "not a readable zip (no entry could be found): \(error)", source: name),
        dropsInput: true)
      return
    }
    assembly.add(
      Diagnostic(
        .error,
        "not a readable zip (cut before its central directory); the \(found.count) entries before the cut were read",
        source: name), dropsInput: true)
    var entries: [String: CutZipReader.Entry] = [:]
    for entry in found where !entry.path.hasSuffix("/") { entries[entry.path] = entry }
    _ = assembly.readArchive(name, paths: Array(entries.keys)) { file, feed in
      guard let entry = entries[file] else { return nil }
      return extractCut(entry, from: reader, name: "\(name): \(file)") {
        progress($0.count)
        $0.withUnsafeBytes(feed)
      }
    }
  }

  /// Unpacks one entry of a cut zip into the current job; returns why it stopped early, if it
  /// did.
  private static func extractCut(
    _ entry: CutZipReader.Entry, from reader: CutZipReader, name: String,
    _ body: (Data) -> Void
  ) -> String? {
    var unpacked: Int64 = 0
    do {
      try reader.extract(entry) { data in
        unpacked += Int64(data.count)
        if unpacked > 64 << 20,
          unpacked > Int64(entry.compressedSize).multipliedReportingOverflow(by: Self.bombRatio).0
        {
          throw Stop(
            reason: "refused: it unpacks to over \(Self.bombRatio) times its size (a zip bomb?)")
        }
        body(data)
      }
      return nil
    } catch let stop as Stop {
      return stop.reason
    } catch {
      return "the entry is cut; its lines before the cut were read"
    }
  }
}
