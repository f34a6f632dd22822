package import Foundation
import ZIPFoundation

/// Reads a zip that has lost its end (a cut download): without a central directory, its
/// entries are found from their local headers, one after the other, and the last one may be
/// incomplete.
package struct CutZipReader {
  /// An entry found from its local header.
  package struct Entry {
    package var path: String
    package var method: UInt16
    package var dataOffset: UInt64
    /// The packed size; for the cut last entry, what is left of the file.
    package var compressedSize: UInt64
    package var isCut: Bool
  }

  private let file: ZipFile
  private var fileSize: UInt64 { file.size }

  package init?(path: String) {
    guard let file = ZipFile(path: path) else { return nil }
    self.file = file
  }

  /// Reads a zip held in memory (for tests and fuzzing).
  package init(bytes: [UInt8]) {
    self.file = ZipFile(bytes: bytes)
  }

  private func read(_ offset: UInt64, _ count: Int) -> [UInt8] {
    file.read(offset, count)
  }

  private static func little(_ bytes: [UInt8], _ at: Int, _ width: Int) -> UInt64 {
    (0..<width).reduce(UInt64(0)) { $0 | UInt64(bytes[at + $1]) << (8 * UInt64($1)) }
  }

  /// The entries from the start of the file up to where it is cut.
  package func entries() -> [Entry] {
    var entries: [Entry] = []
    var offset: UInt64 = 0
    while offset + 30 <= fileSize {
      let header = read(offset, 30)
      guard header.count == 30, header.starts(with: [0x50, 0x4B, 0x03, 0x04]) else { break }
      let flags = Self.little(header, 6, 2)
      let method = UInt16(Self.little(header, 8, 2))
      var packed = Self.little(header, 18, 4)
      let nameLength = Int(Self.little(header, 26, 2))
      let extraLength = Int(Self.little(header, 28, 2))
      let path = String(decoding: read(offset + 30, nameLength), as: UTF8.self)
      let dataOffset = offset + 30 + UInt64(nameLength + extraLength)
      guard dataOffset <= fileSize else { break }
      var next: UInt64
      if flags & 8 != 0 {
        // Sizes follow the data in a descriptor: find its signature.
        guard let descriptor = find([0x50, 0x4B, 0x07, 0x08], from: dataOffset) else {
          entries.append(
            Entry(
              path: path, method: method, dataOffset: dataOffset,
              compressedSize: fileSize - dataOffset, isCut: true))
          break
        }
        packed = descriptor - dataOffset
        next = descriptor + 16
      } else {
        next = dataOffset + packed
      }
      let isCut = dataOffset + packed > fileSize
      entries.append(
        Entry(
          path: path, method: method, dataOffset: dataOffset,
          compressedSize: min(packed, fileSize - min(dataOffset, fileSize)), isCut: isCut))
      if isCut { break }
      if next <= offset { break }
      offset = next
    }
    return entries
  }

  /// The first offset of `signature` at or after `start`.
  private func find(_ signature: [UInt8], from start: UInt64) -> UInt64? {
    var offset = start
    while offset < fileSize {
      let window = read(offset, 1 << 20)
      guard window.count >= signature.count else { return nil }
      var index = 0
      while index + signature.count <= window.count {
        if window[index] == signature[0],
          Array(window[index..<index + signature.count]) == signature
        {
          return offset + UInt64(index)
        }
        index += 1
      }
      offset += UInt64(window.count - signature.count + 1)
    }
    return nil
  }

  /// Unpacks an entry in chunks; a cut entry ends with an error after its readable part.
  package func extract(_ entry: Entry, _ body: (Data) throws -> Void) throws {
    let end = entry.dataOffset + entry.compressedSize
    switch entry.method {
    case 0:
      var offset = entry.dataOffset
      while offset < end {
        let chunk = read(offset, Int(min(1 << 16, end - offset)))
        guard !chunk.isEmpty else { break }
        try body(Data(chunk))
        offset += UInt64(chunk.count)
      }
    case 8:
      // Bounded by the entry's packed size (see ZipEntryReader); small chunks keep what a cut
      // entry loses at its end small.
      _ = try ZipEntryReader.inflateEntry(
        file, entry: entry.path, from: entry.dataOffset, to: end, bufferSize: 4096, body)
    default:
      throw CocoaError(.fileReadUnknown)
    }
    if entry.isCut { throw CocoaError(.fileReadCorruptFile) }
  }
}
