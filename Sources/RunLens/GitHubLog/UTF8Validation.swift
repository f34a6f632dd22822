/// Whether bytes are well-formed UTF-8, without the standard library's generic validation.
///
/// `String(validating:as:)` is generic and not specialized for a buffer of bytes: each call
/// instantiates type metadata and costs about a thousand instructions even for a short ASCII
/// value, and the log reader decodes a value from every build-tool line it reads (a crate's
/// name and version, a Nix store path): 3.4% of the parse of the fixtures-mix log. This test
/// is Unicode's table of well-formed byte sequences (Table 3-7), with ASCII runs taken eight
/// bytes at a time; a test compares it with the standard library's on every sequence of up
/// to two bytes and on the boundary bytes of longer ones.
enum UTF8Validation {
  /// Whether `bytes` is well-formed UTF-8 (an empty buffer is).
  static func isValid(_ bytes: UnsafeBufferPointer<UInt8>) -> Bool {
    guard let base = bytes.baseAddress else { return true }
    let count = bytes.count
    var index = 0
    while index < count {
      while index + 8 <= count,
        UnsafeRawPointer(base + index).loadUnaligned(as: UInt64.self) & 0x8080_8080_8080_8080
          == 0
      {
        index += 8
      }
      guard index < count else { return true }
      let lead = base[index]
      if lead < 0x80 {
        index += 1
        continue
      }
      // The length of the sequence and the range of its second byte; the bytes after the
      // second are 0x80...0xBF.
      let length: Int
      var low: UInt8 = 0x80
      var high: UInt8 = 0xBF
      switch lead {
      case 0xC2...0xDF:
        length = 2
      case 0xE0...0xEF:
        length = 3
        if lead == 0xE0 { low = 0xA0 }  // no overlong form
        if lead == 0xED { high = 0x9F }  // no surrogate
      case 0xF0...0xF4:
        length = 4
        if lead == 0xF0 { low = 0x90 }  // no overlong form
        if lead == 0xF4 { high = 0x8F }  // nothing past U+10FFFF
      default:
        // A continuation byte without a lead, 0xC0 and 0xC1 (overlong), 0xF5 and above.
        return false
      }
      guard count - index >= length else { return false }
      let second = base[index + 1]
      guard second >= low, second <= high else { return false }
      var next = index + 2
      while next < index + length {
        guard base[next] & 0xC0 == 0x80 else { return false }
        next += 1
      }
      index += length
    }
    return true
  }
}
