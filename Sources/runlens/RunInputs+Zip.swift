import Foundation
import RunLens
import RunLensArchive
import ZIPFoundation

extension RunInputs {
  /// The most bytes one zip may unpack to.
  static let zipLimit: Int64 = 64 << 30
  /// The ratio to its packed size above which a large entry is refused as a zip bomb.
  static let bombRatio: Int64 = 200

  /// Reads a run-logs zip: each planned job from its files, streamed, never extracted to disk.
  mutating func readZip(_ path: String, shownAs name: String) {
    let archive: Archive
    do {
      archive = try Archive(url: URL(fileURLWithPath: path), accessMode: .read)
    } catch {
      readCutZip(path, shownAs: name, error: error)
      return
    }
    // ZIPFoundation lists the entries; ZipEntryReader unpacks them, bounded by their sizes
    // (ZIPFoundation 0.9.20's inflate loop never ends on some damaged entries).
    guard let reader = ZipEntryReader(path: path) else {
      assembly.add(
        Diagnostic(
          .error, "not a readable zip: its central directory cannot be read", source: name),
        dropsInput: true)
      return
    }
    let plan = RunLogsLayout.plan(archive.filter { $0.type == .file }.map(\.path))
    var unpacked: Int64 = 0
    for job in plan.jobs {
      readZipJob(job, of: archive, reader: reader, shownAs: name, unpacked: &unpacked)
    }
    for other in plan.others {
      assembly.add(Diagnostic(.note, "\(other) is not a job or step log; not read", source: name))
    }
  }

  /// Reads one job of an open run-logs zip; `unpacked` counts the bytes unpacked so far.
  mutating func readZipJob(
    _ job: RunLogsLayout.Job, of archive: Archive, reader: ZipEntryReader, shownAs name: String,
    unpacked: inout Int64
  ) {
    assembly.readJob(job, in: name) { file, feed in
      guard let entry = archive[file] else { return nil }
      do {
        try Self.extract(entry, from: reader, name: "\(name): \(file)", unpacked: &unpacked) {
          progress.add($0.count)
          $0.withUnsafeBytes(feed)
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

  private static func extract(
    _ entry: Entry, from reader: ZipEntryReader, name: String, unpacked: inout Int64,
    _ body: (Data) -> Void
  ) throws(IOFailure) {
    // Sizes come from the archive's headers (zip64 fields are 64-bit unsigned): clamped, and
    // compared without overflow.
    let packed = Int64(clamping: entry.compressedSize)
    let declared = Int64(clamping: entry.uncompressedSize)
    let ratioLimit = packed.multipliedReportingOverflow(by: Self.bombRatio)
    if declared > 1 << 30, !ratioLimit.overflow, declared > ratioLimit.partialValue {
      throw IOFailure(
        path: name,
        reason: "refused: it would unpack \(declared) bytes from \(packed) (a zip bomb?)")
    }
    var seen: Int64 = 0
    var total = unpacked
    do {
      try reader.extract(entry.path, bufferSize: ChunkReader.chunkSize) { data in
        seen += Int64(data.count)
        total += Int64(data.count)
        if seen - (1 << 20) > declared || total > Self.zipLimit {
          throw IOFailure(
            path: name, reason: "unpacks to more than it declares (a zip bomb?); stopped")
        }
        body(data)
      }
    } catch let failure as IOFailure {
      unpacked = total
      throw failure
    } catch {
      unpacked = total
      throw IOFailure(path: name, reason: "cannot unpack: \(error)")
    }
    unpacked = total
  }

  /// A zip without a central directory: its entries are read from their local headers, and the
  /// jobs before the cut are kept.
  private mutating func readCutZip(_ path: String, shownAs name: String, error: any Error) {
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
      return Self.extractCut(entry, from: reader, name: "\(name): \(file)") {
        progress.add($0.count)
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
          throw IOFailure(
            path: name,
            reason: "refused: it unpacks to over \(Self.bombRatio) times its size (a zip bomb?)")
        }
        body(data)
      }
      return nil
    } catch let failure as IOFailure {
      return failure.reason
    } catch {
      return "the entry is cut; its lines before the cut were read"
    }
  }
}
