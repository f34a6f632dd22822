package import Foundation
import ZIPFoundation

// zlib: ZIPFoundation's module for it on Linux, the SDK's elsewhere.
#if canImport(CZlib)
  import CZlib
#else
  import zlib
#endif

/// Unpacks the entries of a complete zip (one with its central directory) with runlens's own
/// bounds on the work.
///
/// ZIPFoundation 0.9.20 lists a zip well, but its inflate loop on Linux
/// (`Data.decode(bufferSize:skipCRC32:provider:consumer:)`) asks its file reader for more
/// data after the entry's end and, given none, asks again forever: an entry whose deflate
/// stream does not end within its packed bytes (a non-final stored block that claims 65,535
/// bytes is enough) spins at 100% CPU, and no consumer is ever called to stop it. It also
/// tells zlib that every chunk is `bufferSize` bytes long, so a short last chunk lets zlib
/// read past it. This reader finds each entry's data from the central directory and its
/// local header itself and runs zlib on exactly those bytes (``inflateEntry(_:entry:from:to:bufferSize:_:)``):
/// a stream that needs more, or stalls, is an error naming the entry, so the work is bounded
/// by the entry's size. The checksum of what was unpacked is compared with the central
/// directory's.
///
/// The fix belongs in ZIPFoundation too (its provider should stop at the entry's size);
/// runlens does not rely on it.
package struct ZipEntryReader {
  /// An entry as the central directory describes it.
  package struct Entry {
    /// The entry's path in the archive.
    package var path: String
    /// The compression method: 0 stored, 8 deflated.
    package var method: UInt16
    /// The offset of the entry's local header.
    package var localHeaderOffset: UInt64
    /// The packed size.
    package var compressedSize: UInt64
    /// The size the central directory declares once unpacked.
    package var uncompressedSize: UInt64
    /// The CRC-32 of the unpacked bytes.
    package var checksum: UInt32
  }

  /// A problem with one entry, named by its path.
  package struct Failure: Error, CustomStringConvertible {
    /// The entry's path in the archive.
    var entry: String
    /// What went wrong, in words.
    var reason: String

    /// The reason alone: the caller names the zip and the entry (``entry``).
    package var description: String { reason }
  }

  /// The entries, by path.
  package private(set) var entries: [String: Entry] = [:]
  private let file: ZipFile

  /// Reads the central directory of the zip at `path`; `nil` when the file cannot be opened
  /// or has no readable central directory.
  package init?(path: String) {
    guard let file = ZipFile(path: path) else { return nil }
    self.init(file: file)
  }

  /// Reads the central directory of a zip held in memory; `nil` when it has none.
  package init?(bytes: [UInt8]) {
    self.init(file: ZipFile(bytes: bytes))
  }

  private init?(file: ZipFile) {
    self.file = file
    guard let directory = Self.centralDirectory(file) else { return nil }
    var offset = directory.offset
    let end = directory.offset.addingReportingOverflow(directory.size)
    guard !end.overflow, end.partialValue <= file.size else { return nil }
    for _ in 0..<directory.count {
      let header = file.read(offset, 46)
      guard header.count == 46, header.starts(with: [0x50, 0x4B, 0x01, 0x02]) else { return nil }
      let nameLength = Int(Self.little(header, 28, 2))
      let extraLength = Int(Self.little(header, 30, 2))
      let commentLength = Int(Self.little(header, 32, 2))
      let name = file.read(offset + 46, nameLength)
      var entry = Entry(
        path: String(decoding: name, as: UTF8.self), method: UInt16(Self.little(header, 10, 2)),
        localHeaderOffset: Self.little(header, 42, 4), compressedSize: Self.little(header, 20, 4),
        uncompressedSize: Self.little(header, 24, 4), checksum: UInt32(Self.little(header, 16, 4)))
      Self.applyZip64(file.read(offset + 46 + UInt64(nameLength), extraLength), to: &entry)
      if entries[entry.path] == nil { entries[entry.path] = entry }
      offset += 46 + UInt64(nameLength + extraLength + commentLength)
    }
  }

  /// Unpacks the entry at `path` in chunks of at most `bufferSize` bytes.
  ///
  /// - Throws: ``Failure`` naming the entry when it is missing, uses another method than
  ///   stored or deflated, lies outside the file, its deflate stream does not end within its
  ///   packed bytes, or its checksum does not match; or what `body` throws.
  package func extract(_ path: String, bufferSize: Int, _ body: (Data) throws -> Void) throws {
    guard let entry = entries[path] else {
      throw Failure(entry: path, reason: "not in the zip's central directory")
    }
    let local = file.read(entry.localHeaderOffset, 30)
    guard local.count == 30, local.starts(with: [0x50, 0x4B, 0x03, 0x04]) else {
      throw Failure(entry: path, reason: "its local header is missing or damaged")
    }
    let dataOffset =
      entry.localHeaderOffset + 30 + Self.little(local, 26, 2) + Self.little(local, 28, 2)
    let (end, overflow) = dataOffset.addingReportingOverflow(entry.compressedSize)
    guard !overflow, end <= file.size else {
      throw Failure(
        entry: path, reason: "its \(entry.compressedSize) packed bytes run past the end of the file"
      )
    }
    var checksum: UInt32
    switch entry.method {
    case 0:
      checksum = 0
      var offset = dataOffset
      while offset < end {
        let chunk = file.read(offset, Int(min(UInt64(bufferSize), end - offset)))
        guard !chunk.isEmpty else { break }
        let data = Data(chunk)
        checksum = data.crc32(checksum: checksum)
        try body(data)
        offset += UInt64(chunk.count)
      }
    case 8:
      checksum = try Self.inflateEntry(
        file, entry: path, from: dataOffset, to: end, bufferSize: bufferSize, body)
    default:
      throw Failure(entry: path, reason: "compression method \(entry.method) is not supported")
    }
    guard checksum == entry.checksum else {
      throw Failure(entry: path, reason: "its checksum does not match (the zip is damaged)")
    }
  }

  /// Inflates the deflate stream in `from..<to` of `file` with zlib, bounded by those bytes.
  ///
  /// zlib gets exactly the entry's bytes, `bufferSize` at a time, and never a byte of
  /// padding. The stream must end within them: needing more is an error, and so is a call
  /// that neither consumes nor produces a byte (a stall), so the loop ends after at most
  /// about `(to - from) + unpacked / bufferSize` calls. The corresponding zlib functions are
  /// `inflateInit2_`, `inflate`, `inflateEnd` and `crc32`.
  ///
  /// - Returns: The CRC-32 of the unpacked bytes.
  package static func inflateEntry(
    _ file: ZipFile, entry: String, from: UInt64, to end: UInt64, bufferSize: Int,
    _ body: (Data) throws -> Void
  ) throws -> UInt32 {
    let size = max(1, bufferSize)
    var stream = z_stream()
    guard
      inflateInit2_(&stream, -MAX_WBITS, ZLIB_VERSION, Int32(MemoryLayout<z_stream>.size)) == Z_OK
    else { throw Failure(entry: entry, reason: "zlib could not start") }
    defer { inflateEnd(&stream) }
    let input = UnsafeMutableBufferPointer<UInt8>.allocate(capacity: size)
    defer { input.deallocate() }
    let output = UnsafeMutableBufferPointer<UInt8>.allocate(capacity: size)
    defer { output.deallocate() }
    var offset = from
    var checksum: uLong = 0
    while true {
      if stream.avail_in == 0 {
        guard offset < end else {
          throw Failure(
            entry: entry,
            reason:
              "its deflate stream does not end within its \(end - from) packed bytes (a damaged or crafted zip); stopped"
          )
        }
        let chunk = file.read(offset, Int(min(UInt64(size), end - offset)))
        guard !chunk.isEmpty else {
          throw Failure(entry: entry, reason: "its packed bytes cannot be read")
        }
        _ = input.initialize(from: chunk)
        offset += UInt64(chunk.count)
        stream.next_in = input.baseAddress
        stream.avail_in = uInt(chunk.count)
      }
      let available = stream.avail_in
      stream.next_out = output.baseAddress
      stream.avail_out = uInt(size)
      let result = inflate(&stream, Z_NO_FLUSH)
      let produced = size - Int(stream.avail_out)
      if produced > 0 {
        checksum = crc32(checksum, output.baseAddress, uInt(produced))
        try body(Data(UnsafeBufferPointer(rebasing: output[0..<produced])))
      }
      switch result {
      case Z_STREAM_END:
        return UInt32(truncatingIfNeeded: checksum)
      case Z_OK, Z_BUF_ERROR:
        guard produced > 0 || stream.avail_in < available || stream.avail_in == 0 else {
          throw Failure(entry: entry, reason: "its deflate stream makes no progress; stopped")
        }
      default:
        throw Failure(entry: entry, reason: "its deflate stream is damaged (zlib error \(result))")
      }
    }
  }

  /// The offset, size and entry count of the central directory, from the end record (or its
  /// ZIP64 form).
  private static func centralDirectory(_ file: ZipFile) -> (
    offset: UInt64, size: UInt64, count: UInt64
  )? {
    // The end record is 22 bytes plus a comment of up to 65,535 bytes.
    let tailLength = min(file.size, 22 + 65_535)
    let tail = file.read(file.size - tailLength, Int(tailLength))
    guard tail.count >= 22 else { return nil }
    var index = tail.count - 22
    while index >= 0 {
      if tail[index] == 0x50, tail[index + 1] == 0x4B, tail[index + 2] == 0x05,
        tail[index + 3] == 0x06
      {
        break
      }
      index -= 1
    }
    guard index >= 0 else { return nil }
    var count = little(tail, index + 10, 2)
    var size = little(tail, index + 12, 4)
    var offset = little(tail, index + 16, 4)
    let endRecord = file.size - tailLength + UInt64(index)
    // A ZIP64 locator sits just before the end record.
    if count == 0xFFFF || size == 0xFFFF_FFFF || offset == 0xFFFF_FFFF, endRecord >= 20 {
      let locator = file.read(endRecord - 20, 20)
      if locator.count == 20, locator.starts(with: [0x50, 0x4B, 0x06, 0x07]) {
        let record = file.read(little(locator, 8, 8), 56)
        if record.count == 56, record.starts(with: [0x50, 0x4B, 0x06, 0x06]) {
          count = little(record, 32, 8)
          size = little(record, 40, 8)
          offset = little(record, 48, 8)
        }
      }
    }
    // Each central header takes at least 46 bytes: a count that cannot fit is a lie.
    guard count <= size / 46 + 1 else { return nil }
    return (offset, size, count)
  }

  /// Reads the ZIP64 extra field (id 1) into the fields the 32-bit header marks as too large.
  private static func applyZip64(_ extra: [UInt8], to entry: inout Entry) {
    var index = 0
    while index + 4 <= extra.count {
      let id = little(extra, index, 2)
      let length = Int(little(extra, index + 2, 2))
      let start = index + 4
      guard start + length <= extra.count else { return }
      if id == 1 {
        var at = start
        func next(_ value: inout UInt64) {
          guard value == 0xFFFF_FFFF, at + 8 <= start + length else { return }
          value = little(extra, at, 8)
          at += 8
        }
        next(&entry.uncompressedSize)
        next(&entry.compressedSize)
        next(&entry.localHeaderOffset)
        return
      }
      index = start + length
    }
  }

  private static func little(_ bytes: [UInt8], _ at: Int, _ width: Int) -> UInt64 {
    (0..<width).reduce(UInt64(0)) { $0 | UInt64(bytes[at + $1]) << (8 * UInt64($1)) }
  }
}

/// Random access to the bytes of a zip: a file, or bytes in memory (for tests and fuzzing).
package final class ZipFile {
  private let handle: FileHandle?
  private let bytes: [UInt8]
  /// The size in bytes.
  package let size: UInt64

  /// Opens the file at `path`; `nil` when it cannot be read.
  package init?(path: String) {
    guard let handle = FileHandle(forReadingAtPath: path), let size = try? handle.seekToEnd()
    else { return nil }
    self.handle = handle
    self.bytes = []
    self.size = size
  }

  /// Wraps bytes in memory.
  package init(bytes: [UInt8]) {
    self.handle = nil
    self.bytes = bytes
    self.size = UInt64(bytes.count)
  }

  /// Up to `count` bytes at `offset`; fewer at the end of the file, none past it.
  package func read(_ offset: UInt64, _ count: Int) -> [UInt8] {
    guard offset < size, count > 0 else { return [] }
    let available = Int(min(UInt64(count), size - offset))
    guard let handle else {
      let start = Int(offset)
      return Array(bytes[start..<start + available])
    }
    guard (try? handle.seek(toOffset: offset)) != nil,
      let data = try? handle.read(upToCount: available)
    else { return [] }
    return [UInt8](data)
  }
}
