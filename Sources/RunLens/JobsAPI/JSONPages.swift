/// Splits `gh api --paginate` output, JSON values written back to back with no separator, into
/// the single values.
enum JSONPages {
  /// The top-level JSON values of `bytes`, in order; one value gives one document, text that is
  /// not JSON comes back whole for the decoder to reject.
  ///
  /// The scan tracks strings (with escapes) and bracket depth only; each part is still decoded
  /// by `JSONDecoder`, which judges its validity.
  static func split(_ bytes: [UInt8]) -> [[UInt8]] {
    var parts: [[UInt8]] = []
    var depth = 0
    var inString = false
    var escaped = false
    var start: Int?
    for (index, byte) in bytes.enumerated() {
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
      case UInt8(ascii: "{"), UInt8(ascii: "["):
        if depth == 0 { start = index }
        depth += 1
      case UInt8(ascii: "}"), UInt8(ascii: "]"):
        depth -= 1
        if depth == 0, let from = start {
          parts.append(Array(bytes[from...index]))
          start = nil
        } else if depth < 0 {
          return [bytes]
        }
      case UInt8(ascii: " "), UInt8(ascii: "\n"), UInt8(ascii: "\r"), UInt8(ascii: "\t"):
        break
      default:
        if depth == 0 { return [bytes] }
      }
    }
    return parts.count > 1 && depth == 0 ? parts : [bytes]
  }
}
