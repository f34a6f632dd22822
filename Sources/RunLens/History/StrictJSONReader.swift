/// A pull reader of JSON text that takes only what it is sure of, for decoding documents of a
/// known shape without `JSONDecoder`'s boxing.
///
/// It reads objects member by member and leaves out members nobody asks for, checking their
/// syntax all the same. Anything it is not sure of (a number with an exponent
/// or a fraction where an integer is wanted, a key met twice, text that is not UTF-8, nesting
/// deeper than 64) stops it with ``Unsure``; the caller then decodes with `JSONDecoder`,
/// whose answer (a value or an error) stands. So whatever it returns is what `JSONDecoder`
/// returns for the same text.
struct StrictJSONReader {
  /// The reader met something it does not take.
  struct Unsure: Error {}

  /// A member's key: where its bytes lie in the text, or its bytes when it has escapes.
  struct Key {
    /// The bytes between the quotes.
    var range: Range<Int>
    /// The key's UTF-8 bytes, when it is written with escapes.
    var unescaped: [UInt8]?
  }

  private let bytes: UnsafeBufferPointer<UInt8>
  private var offset = 0
  private var depth = 0

  /// A reader at the start of `bytes`.
  init(_ bytes: UnsafeBufferPointer<UInt8>) {
    self.bytes = bytes
  }

  /// Whether `key` is `name` (an ASCII key).
  func key(_ key: Key, is name: StaticString) -> Bool {
    if let unescaped = key.unescaped {
      return unescaped.elementsEqual(
        UnsafeBufferPointer(start: name.utf8Start, count: name.utf8CodeUnitCount))
    }
    guard key.range.count == name.utf8CodeUnitCount else { return false }
    let start = name.utf8Start
    var index = 0
    for offset in key.range {
      if bytes[offset] != start[index] { return false }
      index += 1
    }
    return true
  }

  private mutating func skipSpace() {
    while offset < bytes.count {
      switch bytes[offset] {
      case 0x20, 0x09, 0x0A, 0x0D: offset += 1
      default: return
      }
    }
  }

  private mutating func peek() -> UInt8? {
    skipSpace()
    return offset < bytes.count ? bytes[offset] : nil
  }

  private mutating func expect(_ byte: UInt8) throws(Unsure) {
    guard peek() == byte else { throw Unsure() }
    offset += 1
  }

  /// Checks that nothing but white space follows the document.
  mutating func end() throws(Unsure) {
    if peek() != nil { throw Unsure() }
  }

  /// Whether the next value is `null`, which is then read.
  mutating func null() throws(Unsure) -> Bool {
    guard peek() == UInt8(ascii: "n") else { return false }
    try literal("null")
    return true
  }

  private mutating func literal(_ text: StaticString) throws(Unsure) {
    let count = text.utf8CodeUnitCount
    guard bytes.count - offset >= count else { throw Unsure() }
    for index in 0..<count where bytes[offset + index] != text.utf8Start[index] {
      throw Unsure()
    }
    offset += count
  }

  /// Whether a container was just begun and its first element is still to come.
  private var started = false
  /// Whether a container just begun was empty (its end is read).
  private var ended = false

  private mutating func enter() throws(Unsure) {
    depth += 1
    if depth > 64 { throw Unsure() }
  }

  /// Reads the opening byte of a container and, when it is empty, its closing byte.
  private mutating func begin(_ open: UInt8, _ close: UInt8) throws(Unsure) {
    try expect(open)
    try enter()
    if peek() == close {
      offset += 1
      depth -= 1
      ended = true
    } else {
      started = true
    }
  }

  /// Whether another element follows (its `,` is read), or the container ended (its `close`
  /// is read).
  private mutating func next(_ close: UInt8) throws(Unsure) -> Bool {
    if ended {
      ended = false
      return false
    }
    if started {
      started = false
      return true
    }
    guard let byte = peek() else { throw Unsure() }
    offset += 1
    if byte == close {
      depth -= 1
      return false
    }
    guard byte == UInt8(ascii: ",") else { throw Unsure() }
    return true
  }

  /// Reads `{`; then call ``nextKey()`` until it returns `nil`.
  mutating func beginObject() throws(Unsure) {
    try begin(UInt8(ascii: "{"), UInt8(ascii: "}"))
  }

  /// The next member's key, with its `:` read, or `nil` after the object's `}`.
  ///
  /// A key that is not ASCII stops the reader: `JSONDecoder` matches keys as Swift strings,
  /// which holds canonically equivalent text equal (`"primary\u212Aey"`, with U+212A KELVIN
  /// SIGN, is its `primaryKey`), and byte comparison would not.
  mutating func nextKey() throws(Unsure) -> Key? {
    guard try next(UInt8(ascii: "}")) else { return nil }
    let (range, escaped) = try stringRange()
    try expect(UInt8(ascii: ":"))
    let key = Key(range: range, unescaped: escaped ? Array(try unescape(range).utf8) : nil)
    if let unescaped = key.unescaped {
      guard unescaped.allSatisfy({ $0 < 0x80 }) else { throw Unsure() }
    } else {
      for offset in range where bytes[offset] >= 0x80 { throw Unsure() }
    }
    return key
  }

  /// Reads `[`; then call ``nextElement()`` before each element until it returns `false`.
  mutating func beginArray() throws(Unsure) {
    try begin(UInt8(ascii: "["), UInt8(ascii: "]"))
  }

  /// Whether another element follows (its `,` is read), or the array ended (its `]` is read).
  mutating func nextElement() throws(Unsure) -> Bool {
    try next(UInt8(ascii: "]"))
  }

  /// Throws when `bit` is set in `seen` (a key met twice), then sets it.
  static func once(_ seen: inout UInt32, _ bit: UInt32) throws(Unsure) {
    guard seen & bit == 0 else { throw Unsure() }
    seen |= bit
  }

  /// A string or `null`.
  mutating func optionalString() throws(Unsure) -> String? {
    try null() ? nil : string()
  }

  /// An integer or `null`.
  mutating func optionalInt64() throws(Unsure) -> Int64? {
    try null() ? nil : int64()
  }

  /// A boolean or `null`.
  mutating func optionalBool() throws(Unsure) -> Bool? {
    try null() ? nil : bool()
  }

  /// An array of elements `element` reads, or `null`.
  mutating func optionalArray<Element>(
    _ element: (inout StrictJSONReader) throws(Unsure) -> Element
  ) throws(Unsure) -> [Element]? {
    if try null() { return nil }
    var elements: [Element] = []
    try beginArray()
    while try nextElement() { elements.append(try element(&self)) }
    return elements
  }

  /// A string value.
  mutating func string() throws(Unsure) -> String {
    let (range, escaped) = try stringRange()
    if escaped { return try unescape(range) }
    return String(decoding: UnsafeBufferPointer(rebasing: bytes[range]), as: UTF8.self)
  }

  /// Reads a string: where its text lies between the quotes, and whether it has escapes (its
  /// UTF-8 is checked when it has none).
  private mutating func stringRange() throws(Unsure) -> (Range<Int>, escaped: Bool) {
    guard peek() == UInt8(ascii: "\"") else { throw Unsure() }
    offset += 1
    let start = offset
    var escaped = false
    while offset < bytes.count {
      let byte = bytes[offset]
      if byte == UInt8(ascii: "\"") { break }
      if byte < 0x20 { throw Unsure() }
      if byte == UInt8(ascii: "\\") {
        escaped = true
        offset += 2
      } else {
        offset += 1
      }
    }
    guard offset < bytes.count else { throw Unsure() }
    let range = start..<offset
    offset += 1
    if !escaped { try validateUTF8(range) }
    return (range, escaped)
  }

  /// The text of a string with escapes.
  private func unescape(_ range: Range<Int>) throws(Unsure) -> String {
    var output: [UInt8] = []
    output.reserveCapacity(range.count)
    var index = range.lowerBound
    while index < range.upperBound {
      let byte = bytes[index]
      guard byte == UInt8(ascii: "\\") else {
        output.append(byte)
        index += 1
        continue
      }
      guard index + 1 < range.upperBound else { throw Unsure() }
      let escape = bytes[index + 1]
      index += 2
      switch escape {
      case UInt8(ascii: "\""), UInt8(ascii: "\\"), UInt8(ascii: "/"): output.append(escape)
      case UInt8(ascii: "b"): output.append(0x08)
      case UInt8(ascii: "f"): output.append(0x0C)
      case UInt8(ascii: "n"): output.append(0x0A)
      case UInt8(ascii: "r"): output.append(0x0D)
      case UInt8(ascii: "t"): output.append(0x09)
      case UInt8(ascii: "u"):
        var scalar = try hex4(index, range)
        index += 4
        if (0xD800..<0xDC00).contains(scalar) {
          // A high surrogate needs its low one.
          guard index + 6 <= range.upperBound, bytes[index] == UInt8(ascii: "\\"),
            bytes[index + 1] == UInt8(ascii: "u")
          else { throw Unsure() }
          let low = try hex4(index + 2, range)
          guard (0xDC00..<0xE000).contains(low) else { throw Unsure() }
          scalar = 0x10000 + ((scalar - 0xD800) << 10) + (low - 0xDC00)
          index += 6
        } else if (0xDC00..<0xE000).contains(scalar) || scalar == 0 {
          throw Unsure()
        }
        guard let unicode = Unicode.Scalar(scalar) else { throw Unsure() }
        output.append(contentsOf: String(Character(unicode)).utf8)
      default: throw Unsure()
      }
    }
    guard let text = String(validating: output, as: UTF8.self) else { throw Unsure() }
    return text
  }

  private func hex4(_ index: Int, _ range: Range<Int>) throws(Unsure) -> UInt32 {
    guard index + 4 <= range.upperBound else { throw Unsure() }
    var value: UInt32 = 0
    for byte in bytes[index..<(index + 4)] {
      let digit: UInt8
      switch byte {
      case UInt8(ascii: "0")...UInt8(ascii: "9"): digit = byte - UInt8(ascii: "0")
      case UInt8(ascii: "a")...UInt8(ascii: "f"): digit = byte - UInt8(ascii: "a") + 10
      case UInt8(ascii: "A")...UInt8(ascii: "F"): digit = byte - UInt8(ascii: "A") + 10
      default: throw Unsure()
      }
      value = value << 4 | UInt32(digit)
    }
    return value
  }

  private func validateUTF8(_ range: Range<Int>) throws(Unsure) {
    for offset in range where bytes[offset] >= 0x80 {
      guard String(validating: bytes[range], as: UTF8.self) != nil else { throw Unsure() }
      return
    }
  }

  /// An integer value without fraction or exponent that fits in 64 bits (not `-0`).
  mutating func int64() throws(Unsure) -> Int64 {
    guard let byte = peek() else { throw Unsure() }
    let negative = byte == UInt8(ascii: "-")
    if negative { offset += 1 }
    let start = offset
    var value: Int64 = 0
    while offset < bytes.count, (UInt8(ascii: "0")...UInt8(ascii: "9")).contains(bytes[offset]) {
      let digit = Int64(bytes[offset] - UInt8(ascii: "0"))
      let (times, overflow) = value.multipliedReportingOverflow(by: 10)
      let (sum, overflow2) =
        negative ? times.subtractingReportingOverflow(digit) : times.addingReportingOverflow(digit)
      guard !overflow, !overflow2 else { throw Unsure() }
      value = sum
      offset += 1
    }
    let count = offset - start
    // No digits, a leading zero, `-0`, or a fraction or exponent after the digits.
    guard count > 0, bytes[start] != UInt8(ascii: "0") || (count == 1 && !negative) else {
      throw Unsure()
    }
    if offset < bytes.count {
      switch bytes[offset] {
      case UInt8(ascii: "."), UInt8(ascii: "e"), UInt8(ascii: "E"): throw Unsure()
      default: break
      }
    }
    return value
  }

  /// A boolean value.
  mutating func bool() throws(Unsure) -> Bool {
    switch peek() {
    case UInt8(ascii: "t"):
      try literal("true")
      return true
    case UInt8(ascii: "f"):
      try literal("false")
      return false
    default: throw Unsure()
    }
  }

  /// Reads past the next value, whatever it is, checking its syntax.
  mutating func skipValue() throws(Unsure) {
    switch peek() {
    case UInt8(ascii: "{"):
      try beginObject()
      while try nextKey() != nil { try skipValue() }
    case UInt8(ascii: "["):
      try beginArray()
      while try nextElement() { try skipValue() }
    case UInt8(ascii: "\""):
      let (range, escaped) = try stringRange()
      if escaped { _ = try unescape(range) }
    case UInt8(ascii: "t"), UInt8(ascii: "f"): _ = try bool()
    case UInt8(ascii: "n"): try literal("null")
    default: try skipNumber()
    }
  }

  /// Reads past a number: `-?(0|[1-9][0-9]*)(\.[0-9]+)?`, at most 32 bytes (no exponent).
  private mutating func skipNumber() throws(Unsure) {
    let start = offset
    if offset < bytes.count, bytes[offset] == UInt8(ascii: "-") { offset += 1 }
    let integer = digits()
    guard integer > 0, bytes[offset - integer] != UInt8(ascii: "0") || integer == 1 else {
      throw Unsure()
    }
    if offset < bytes.count, bytes[offset] == UInt8(ascii: ".") {
      offset += 1
      guard digits() > 0 else { throw Unsure() }
    }
    if offset < bytes.count,
      bytes[offset] == UInt8(ascii: "e") || bytes[offset] == UInt8(ascii: "E")
    {
      throw Unsure()
    }
    guard offset - start <= 32 else { throw Unsure() }
  }

  private mutating func digits() -> Int {
    let start = offset
    while offset < bytes.count, (UInt8(ascii: "0")...UInt8(ascii: "9")).contains(bytes[offset]) {
      offset += 1
    }
    return offset - start
  }
}
