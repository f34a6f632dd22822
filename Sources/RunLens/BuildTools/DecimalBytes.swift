/// Reads the numbers and words of a build tool's summary line from its bytes, with the results
/// `Double(String)` and `String.split` give, but without making a `String`.
///
/// cargo's `Finished … in 1m 02s` and Nix's `(45.2 MiB download, 180.0 MiB unpacked)` were
/// read through `String` and `Substring`, about ten thousand instructions a line. These read
/// ASCII text in place; a caller hands text with any byte of 0x80 or above to its `String`
/// reading (where a character can span a space), so the results never differ.
enum DecimalBytes {
  /// `10^k` for `k` in `0...15`, exact as `Double`s.
  private static let powersOfTen: [Double] = (0...15).map { exponent in
    var value = 1.0
    for _ in 0..<exponent { value *= 10 }
    return value
  }

  /// The value of `bytes` as `Double(String)` reads it.
  ///
  /// Digits with at most one `.` between them (`12`, `4.56`) and at most 15 digits are read
  /// here: the digits as an integer below 2^53 divided by a power of ten below 10^22 is the
  /// correctly rounded value (Clinger's fast path), as `strtod` gives it. Any other text goes
  /// to `Double(String)`.
  static func double(_ bytes: UnsafeBufferPointer<UInt8>) -> Double? {
    var mantissa: UInt64 = 0
    var digits = 0
    var fractionDigits = 0
    var sawPoint = false
    var plain = !bytes.isEmpty
    for byte in bytes {
      if byte == UInt8(ascii: ".") {
        guard !sawPoint, digits > 0 else {
          plain = false
          break
        }
        sawPoint = true
        continue
      }
      let digit = byte &- UInt8(ascii: "0")
      guard digit < 10, digits < 15 else {
        plain = false
        break
      }
      mantissa = mantissa * 10 + UInt64(digit)
      digits += 1
      if sawPoint { fractionDigits += 1 }
    }
    if plain, !(sawPoint && fractionDigits == 0) {
      return Double(mantissa) / powersOfTen[fractionDigits]
    }
    return Double(String(decoding: bytes, as: UTF8.self))
  }

  /// Whether every byte of `bytes` is ASCII (below 0x80), eight at a time.
  static func isASCII(_ bytes: UnsafeBufferPointer<UInt8>) -> Bool {
    guard let base = bytes.baseAddress else { return true }
    var index = 0
    while index + 8 <= bytes.count {
      let word = UnsafeRawPointer(base).loadUnaligned(fromByteOffset: index, as: UInt64.self)
      if word & 0x8080_8080_8080_8080 != 0 { return false }
      index += 8
    }
    while index < bytes.count {
      if base[index] >= 0x80 { return false }
      index += 1
    }
    return true
  }

  /// The words of `bytes` between `separator`s, empty ones left out: `String.split` on ASCII
  /// text, as ranges, at most `limit` of them (and whether there were more).
  static func words(
    _ bytes: UnsafeBufferPointer<UInt8>, separator: UInt8, limit: Int
  ) -> (words: [Range<Int>], more: Bool) {
    var words: [Range<Int>] = []
    var index = 0
    while index < bytes.count {
      while index < bytes.count, bytes[index] == separator { index += 1 }
      guard index < bytes.count else { break }
      if words.count == limit { return (words, true) }
      let start = index
      while index < bytes.count, bytes[index] != separator { index += 1 }
      words.append(start..<index)
    }
    return (words, false)
  }

  /// Whether `bytes` holds exactly the ASCII text `text`.
  static func equals(_ bytes: UnsafeBufferPointer<UInt8>, _ text: StaticString) -> Bool {
    bytes.count == text.utf8CodeUnitCount && ByteSearch.hasPrefix(bytes, text)
  }

  /// Whether the ASCII text `text` occurs in `bytes`, upper-case letters of `bytes` read as
  /// lower case (`text` is lower case).
  ///
  /// Starts are skipped eight at a time while none of their bytes is `text`'s first byte in
  /// either case (a step's command is hundreds of bytes, and each step's is searched twice).
  static func containsLowercased(_ bytes: UnsafeBufferPointer<UInt8>, _ text: StaticString) -> Bool
  {
    let count = text.utf8CodeUnitCount
    guard count > 0, bytes.count >= count, let base = bytes.baseAddress else { return false }
    let needle = UnsafeBufferPointer(start: text.utf8Start, count: count)
    let first = needle[0]
    // `| 0x20` on every byte makes only `first`'s upper case equal to a lower-case `first`.
    let fold: UInt64 = first &- UInt8(ascii: "a") < 26 ? 0x2020_2020_2020_2020 : 0
    var start = 0
    while start <= bytes.count - count {
      if start + 8 <= bytes.count,
        !ByteSearch.hasByte(
          UnsafeRawPointer(base).loadUnaligned(fromByteOffset: start, as: UInt64.self) | fold,
          first)
      {
        start += 8
        continue
      }
      var index = 0
      while index < count {
        var byte = bytes[start + index]
        if byte &- UInt8(ascii: "A") < 26 { byte |= 0x20 }
        guard byte == needle[index] else { break }
        index += 1
      }
      if index == count { return true }
      start += 1
    }
    return false
  }

  /// Whether `text` contains `needle` (lower case ASCII), its ASCII letters compared without
  /// case and other characters as they are.
  ///
  /// This is `text.lowercased().contains(needle)` but for two kinds of text no step name or
  /// action holds: a letter of the needle followed by a combining mark, and the few other
  /// characters that lower-case to an ASCII letter (the Kelvin sign). Non-ASCII text once
  /// took `lowercased()` and a `Character` search: 100,000 instructions for a step name cut
  /// with `…`, 2% of the parse of 40 job logs.
  static func mentions(_ text: String, _ needle: StaticString) -> Bool {
    var copy = text
    return copy.withUTF8 { containsLowercased($0, needle) }
  }
}
