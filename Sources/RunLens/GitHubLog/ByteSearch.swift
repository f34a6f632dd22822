// memchr, memcmp and the math functions, from the platform's C library through Foundation.
import Foundation

/// Byte-level search helpers for the log reader's hot path.
///
/// They wrap `memchr` and `memmem`, which the C library vectorises, so that the reader looks
/// at most bytes only inside those calls.
enum ByteSearch {
  /// The first index of `byte` in `buffer[from..<to]`, or `to`.
  ///
  /// The corresponding C function is `memchr`.
  @inline(__always)
  static func index(
    of byte: UInt8, in buffer: UnsafeBufferPointer<UInt8>, from: Int, to: Int
  ) -> Int {
    guard from < to, let base = buffer.baseAddress else { return to }
    guard let found = memchr(base + from, Int32(byte), to - from) else { return to }
    return base.distance(to: found.assumingMemoryBound(to: UInt8.self))
  }

  /// Whether any of the eight bytes of `word` may need a JSON escape.
  ///
  /// The bytes that do are controls, `"`, `\\` and DEL. It may flag a word that needs none
  /// (the caller then tests its bytes), and never misses one.
  @inline(__always)
  static func mayNeedJSONEscape(_ word: UInt64) -> Bool {
    hasByteBelow(word, 0x20) || hasByte(word, 0x22) || hasByte(word, 0x5C) || hasByte(word, 0x7F)
  }

  /// Whether a byte of `word` equals `byte` (the zero-byte test on `word ^ pattern`).
  @inline(__always)
  static func hasByte(_ word: UInt64, _ byte: UInt8) -> Bool {
    let x = word ^ (0x0101_0101_0101_0101 &* UInt64(byte))
    return (x &- 0x0101_0101_0101_0101) & ~x & 0x8080_8080_8080_8080 != 0
  }

  /// Whether a byte of `word` is below `limit` (at most 128): the borrow of a subtraction
  /// reaches the high bit of such a byte, and bytes of 0x80 and above are masked out.
  @inline(__always)
  static func hasByteBelow(_ word: UInt64, _ limit: UInt8) -> Bool {
    (word &- 0x0101_0101_0101_0101 &* UInt64(limit)) & ~word & 0x8080_8080_8080_8080 != 0
  }

  /// The first index where `needle` starts in `buffer[from..<to]`, or `to`.
  ///
  /// Candidates are found with `memchr` on the needle's byte at `anchor` (choose its rarest
  /// byte: most bytes of a log are then skipped inside `memchr`) and checked with `memcmp`.
  @inline(__always)
  static func index(
    of needle: UnsafeBufferPointer<UInt8>, anchor: Int = 0, in buffer: UnsafeBufferPointer<UInt8>,
    from: Int, to: Int
  ) -> Int {
    let length = needle.count
    guard length > 0, to - from >= length, let base = buffer.baseAddress,
      let needleBase = needle.baseAddress
    else { return to }
    let anchorByte = needleBase[anchor]
    var position = from + anchor
    let lastStart = to - length
    while position <= lastStart + anchor {
      let found = index(of: anchorByte, in: buffer, from: position, to: lastStart + anchor + 1)
      if found > lastStart + anchor { return to }
      let start = found - anchor
      if memcmp(base + start, needleBase, length) == 0 { return start }
      position = found + 1
    }
    return to
  }

  /// The first eight bytes of `bytes` as a little-endian word, or `nil` for a shorter buffer.
  ///
  /// A rule compares this word with the heads of its lines (``word(_:)``) before any search:
  /// one load and a compare reject a line.
  @inline(__always)
  static func head(_ bytes: UnsafeBufferPointer<UInt8>) -> UInt64? {
    guard bytes.count >= 8, let base = bytes.baseAddress else { return nil }
    return UInt64(littleEndian: UnsafeRawPointer(base).loadUnaligned(as: UInt64.self))
  }

  /// The word ``head(_:)`` gives for a message that starts with `text` (at most eight bytes),
  /// with zeros after a shorter text; the rules hold these as literals, checked by tests.
  static func word(_ text: StaticString) -> UInt64 {
    var word: UInt64 = 0
    for offset in 0..<min(text.utf8CodeUnitCount, 8) {
      word |= UInt64(text.utf8Start[offset]) << (8 * UInt64(offset))
    }
    return word
  }

  /// Whether `array` holds the bytes of `bytes`.
  ///
  /// The corresponding C function is `memcmp`.
  @inline(__always)
  static func equal(_ array: [UInt8], _ bytes: UnsafeBufferPointer<UInt8>) -> Bool {
    guard array.count == bytes.count else { return false }
    guard let base = bytes.baseAddress else { return true }
    return array.withUnsafeBufferPointer { stored in
      guard let start = stored.baseAddress else { return false }
      return memcmp(start, base, bytes.count) == 0
    }
  }

  /// Whether `left` sorts before `right` byte by byte (a shorter prefix first), as
  /// `lexicographicallyPrecedes` would say, with one `memcmp` instead of a loop over elements.
  @inline(__always)
  static func precedes(_ left: UnsafeBufferPointer<UInt8>, _ right: UnsafeBufferPointer<UInt8>)
    -> Bool
  {
    let common = min(left.count, right.count)
    if common > 0, let a = left.baseAddress, let b = right.baseAddress {
      let order = memcmp(a, b, common)
      if order != 0 { return order < 0 }
    }
    return left.count < right.count
  }

  /// Whether `left` and `right` hold the same bytes.
  @inline(__always)
  static func equal(_ left: UnsafeBufferPointer<UInt8>, _ right: UnsafeBufferPointer<UInt8>)
    -> Bool
  {
    guard left.count == right.count else { return false }
    guard left.count > 0, let a = left.baseAddress, let b = right.baseAddress else { return true }
    return memcmp(a, b, left.count) == 0
  }

  /// Whether `bytes` starts with `prefix`.
  @inline(__always)
  static func hasPrefix(_ bytes: UnsafeBufferPointer<UInt8>, _ prefix: StaticString) -> Bool {
    let count = prefix.utf8CodeUnitCount
    guard bytes.count >= count, let base = bytes.baseAddress else { return false }
    return memcmp(base, prefix.utf8Start, count) == 0
  }

  /// Whether `bytes` and `other` hold the same bytes (`memcmp`, not a loop per element: gh's
  /// reader compares the job and step columns of every line).
  @inline(__always)
  static func equal(_ bytes: UnsafeBufferPointer<UInt8>, _ other: [UInt8]) -> Bool {
    guard bytes.count == other.count else { return false }
    guard let base = bytes.baseAddress else { return true }
    return other.withUnsafeBufferPointer { other in
      other.baseAddress.map { memcmp(base, $0, bytes.count) == 0 } ?? true
    }
  }

  /// Whether `bytes` ends with `suffix`.
  @inline(__always)
  static func hasSuffix(_ bytes: UnsafeBufferPointer<UInt8>, _ suffix: StaticString) -> Bool {
    let count = suffix.utf8CodeUnitCount
    guard bytes.count >= count, let base = bytes.baseAddress else { return false }
    return memcmp(base + bytes.count - count, suffix.utf8Start, count) == 0
  }

  /// Whether `text` contains `needle`, compared as UTF-8 bytes (much cheaper than
  /// `String.contains`, which compares characters).
  static func contains(_ text: String, _ needle: StaticString) -> Bool {
    var text = text
    return text.withUTF8 { firstIndex(of: needle, in: $0) != nil }
  }

  /// The first index where `needle` starts in `bytes`, or `nil`.
  static func firstIndex(of needle: StaticString, in bytes: UnsafeBufferPointer<UInt8>) -> Int? {
    let found = index(
      of: UnsafeBufferPointer(start: needle.utf8Start, count: needle.utf8CodeUnitCount),
      in: bytes, from: 0, to: bytes.count)
    return found == bytes.count ? nil : found
  }
}

extension UnsafeBufferPointer where Element == UInt8 {
  /// The bytes from `start` to the end.
  @inline(__always)
  func dropping(_ start: Int) -> UnsafeBufferPointer<UInt8> {
    UnsafeBufferPointer(rebasing: self[Swift.min(start, count)...])
  }

  /// The bytes from `start` up to `end`.
  @inline(__always)
  func slice(_ start: Int, _ end: Int) -> UnsafeBufferPointer<UInt8> {
    UnsafeBufferPointer(rebasing: self[Swift.min(start, count)..<Swift.min(end, count)])
  }

  /// The bytes without leading and trailing spaces and tabs.
  func trimmingSpaces() -> UnsafeBufferPointer<UInt8> {
    var start = 0
    var end = count
    while start < end, self[start] == 0x20 || self[start] == 0x09 { start += 1 }
    while end > start, self[end - 1] == 0x20 || self[end - 1] == 0x09 { end -= 1 }
    return slice(start, end)
  }

  /// The bytes decoded as UTF-8, invalid sequences replaced by U+FFFD.
  var string: String { String(decoding: self, as: UTF8.self) }
}
