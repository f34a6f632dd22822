/// A strict check that text is one JSON document (RFC 8259), without building it.
///
/// The harnesses check every JSON text they render. `JSONSerialization` did this at about a
/// fifth of the cost of a whole execution, building a dictionary of every value only to throw
/// it away; this walks the grammar once over the bytes and allocates nothing. It is at least
/// as strict: exactly one value with optional whitespace around it, no trailing commas, no
/// leading zeros, no control characters in strings, only the escapes RFC 8259 lists (a `\u`
/// with four hex digits, surrogates only in pairs, as `JSONSerialization` demands), and nesting
/// no deeper than `JSONSerialization` allows (512).
struct JSONCheck {
  /// The most nested arrays and objects.
  static let maximumDepth = 512

  private let bytes: UnsafeBufferPointer<UInt8>
  private var index = 0

  private init(_ bytes: UnsafeBufferPointer<UInt8>) { self.bytes = bytes }

  /// Whether `text` has a comma before a `}` or `]` (whitespace between), outside strings:
  /// JSON that RFC 8259 does not allow but `JSONSerialization` takes.
  static func hasTrailingComma(_ text: String) -> Bool {
    var inString = false
    var escaped = false
    var afterComma = false
    for byte in text.utf8 {
      if inString {
        if escaped {
          escaped = false
        } else if byte == UInt8(ascii: "\\") {
          escaped = true
        } else if byte == UInt8(ascii: "\"") {
          inString = false
        }
        continue
      }
      switch byte {
      case UInt8(ascii: "\""):
        inString = true
        afterComma = false
      case UInt8(ascii: ","): afterComma = true
      case UInt8(ascii: "}"), UInt8(ascii: "]"): if afterComma { return true }
      case 0x20, 0x0A, 0x0D, 0x09: break
      default: afterComma = false
      }
    }
    return false
  }

  /// Whether `text` is exactly one JSON value.
  static func isValid(_ text: String) -> Bool {
    var text = text
    return text.withUTF8 { bytes in
      var check = JSONCheck(bytes)
      check.skipWhitespace()
      guard check.value(depth: 0) else { return false }
      check.skipWhitespace()
      return check.index == bytes.count
    }
  }

  private var current: UInt8? { index < bytes.count ? bytes[index] : nil }

  private mutating func skipWhitespace() {
    while let byte = current, byte == 0x20 || byte == 0x0A || byte == 0x0D || byte == 0x09 {
      index += 1
    }
  }

  /// Consumes `literal` when the bytes at the index spell it.
  private mutating func literal(_ text: StaticString) -> Bool {
    let count = text.utf8CodeUnitCount
    guard index + count <= bytes.count else { return false }
    for offset in 0..<count where bytes[index + offset] != text.utf8Start[offset] {
      return false
    }
    index += count
    return true
  }

  private mutating func value(depth: Int) -> Bool {
    switch current {
    case UInt8(ascii: "{"): return object(depth: depth + 1)
    case UInt8(ascii: "["): return array(depth: depth + 1)
    case UInt8(ascii: "\""): return string()
    case UInt8(ascii: "t"): return literal("true")
    case UInt8(ascii: "f"): return literal("false")
    case UInt8(ascii: "n"): return literal("null")
    case .some(let byte) where byte == UInt8(ascii: "-") || isDigit(byte): return number()
    default: return false
    }
  }

  private mutating func object(depth: Int) -> Bool {
    guard depth <= Self.maximumDepth else { return false }
    index += 1
    skipWhitespace()
    if current == UInt8(ascii: "}") {
      index += 1
      return true
    }
    while true {
      guard current == UInt8(ascii: "\""), string() else { return false }
      skipWhitespace()
      guard current == UInt8(ascii: ":") else { return false }
      index += 1
      skipWhitespace()
      guard value(depth: depth) else { return false }
      skipWhitespace()
      switch current {
      case UInt8(ascii: ","):
        index += 1
        skipWhitespace()
      case UInt8(ascii: "}"):
        index += 1
        return true
      default: return false
      }
    }
  }

  private mutating func array(depth: Int) -> Bool {
    guard depth <= Self.maximumDepth else { return false }
    index += 1
    skipWhitespace()
    if current == UInt8(ascii: "]") {
      index += 1
      return true
    }
    while true {
      guard value(depth: depth) else { return false }
      skipWhitespace()
      switch current {
      case UInt8(ascii: ","):
        index += 1
        skipWhitespace()
      case UInt8(ascii: "]"):
        index += 1
        return true
      default: return false
      }
    }
  }

  /// A string; the text came from a Swift `String`, so its bytes are valid UTF-8.
  private mutating func string() -> Bool {
    index += 1
    while index < bytes.count {
      let byte = bytes[index]
      index += 1
      // Most bytes are plain text: one comparison each.
      if byte >= 0x20, byte != UInt8(ascii: "\""), byte != UInt8(ascii: "\\") { continue }
      switch byte {
      case UInt8(ascii: "\""): return true
      case 0x00..<0x20: return false
      case UInt8(ascii: "\\"):
        guard let escaped = current else { return false }
        index += 1
        switch escaped {
        case UInt8(ascii: "\""), UInt8(ascii: "\\"), UInt8(ascii: "/"), UInt8(ascii: "b"),
          UInt8(ascii: "f"), UInt8(ascii: "n"), UInt8(ascii: "r"), UInt8(ascii: "t"):
          continue
        case UInt8(ascii: "u"):
          // A UTF-16 code unit: a high surrogate must be followed by an escaped low one, and a
          // low one cannot stand alone (JSONSerialization rejects both; the grammar does not).
          guard let unit = hexUnit() else { return false }
          if (0xDC00...0xDFFF).contains(unit) { return false }
          if (0xD800...0xDBFF).contains(unit) {
            guard index + 1 < bytes.count, bytes[index] == UInt8(ascii: "\\"),
              bytes[index + 1] == UInt8(ascii: "u")
            else { return false }
            index += 2
            guard let low = hexUnit(), (0xDC00...0xDFFF).contains(low) else { return false }
          }
        default: return false
        }
      default: continue
      }
    }
    return false
  }

  /// The four hex digits of a `\u` escape, as a number.
  private mutating func hexUnit() -> Int? {
    var unit = 0
    for _ in 0..<4 {
      guard let hex = current, isHexDigit(hex) else { return nil }
      index += 1
      unit = unit << 4 | Int(hex <= UInt8(ascii: "9") ? hex - UInt8(ascii: "0") : (hex | 0x20) - 87)
    }
    return unit
  }

  /// A number: `-? (0 | [1-9][0-9]*) (. [0-9]+)? ([eE] [+-]? [0-9]+)?`.
  private mutating func number() -> Bool {
    let start = index
    guard numberGrammar() else { return false }
    // JSONSerialization also rejects a number no Double can hold (`1E+500`).
    let text = String(decoding: UnsafeBufferPointer(rebasing: bytes[start..<index]), as: UTF8.self)
    return Double(text)?.isFinite ?? false
  }

  /// Consumes a number's characters; whether they follow the grammar.
  private mutating func numberGrammar() -> Bool {
    if current == UInt8(ascii: "-") { index += 1 }
    guard let first = current, isDigit(first) else { return false }
    index += 1
    if first != UInt8(ascii: "0") { digits() }
    if current == UInt8(ascii: ".") {
      index += 1
      guard let digit = current, isDigit(digit) else { return false }
      digits()
    }
    if current == UInt8(ascii: "e") || current == UInt8(ascii: "E") {
      index += 1
      if current == UInt8(ascii: "+") || current == UInt8(ascii: "-") { index += 1 }
      guard let digit = current, isDigit(digit) else { return false }
      digits()
    }
    return true
  }

  private mutating func digits() {
    while let byte = current, isDigit(byte) { index += 1 }
  }

  private func isDigit(_ byte: UInt8) -> Bool {
    byte >= UInt8(ascii: "0") && byte <= UInt8(ascii: "9")
  }

  private func isHexDigit(_ byte: UInt8) -> Bool {
    isDigit(byte) || ((byte | 0x20) >= UInt8(ascii: "a") && (byte | 0x20) <= UInt8(ascii: "f"))
  }
}
