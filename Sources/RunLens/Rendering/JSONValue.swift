/// A JSON document built in memory and written deterministically.
///
/// runlens writes its own JSON rather than using `JSONEncoder` so that the contract is exact:
/// keys sorted, unknown values written as `null` (never left out), integers without a
/// fraction, two-space indentation, LF line ends and no escaped slashes, on every platform.
public enum JSONValue: Sendable, Hashable {
  /// `null`.
  case null
  /// `true` or `false`.
  case bool(Bool)
  /// An integer.
  case int(Int64)
  /// A number with a fraction, written with at most four decimals.
  case double(Double)
  /// A string.
  case string(String)
  /// An array.
  case array([JSONValue])
  /// An object; keys are written sorted.
  case object([String: JSONValue])

  /// The value, or `null` when `value` is `nil`.
  static func optional<T>(_ value: T?, _ wrap: (T) -> JSONValue) -> JSONValue {
    value.map(wrap) ?? .null
  }

  /// The document as pretty-printed text ending with a newline.
  public func render() -> String {
    var output = ""
    write(to: &output, indent: 0)
    output.append("\n")
    return output
  }

  private func write(to output: inout String, indent: Int) {
    switch self {
    case .null: output.append("null")
    case .bool(let value): output.append(value ? "true" : "false")
    case .int(let value): output.append(String(value))
    case .double(let value): output.append(Self.format(value))
    case .string(let value): Self.writeString(value, to: &output)
    case .array(let values):
      guard !values.isEmpty else {
        output.append("[]")
        return
      }
      output.append("[\n")
      for (index, value) in values.enumerated() {
        output.append(String(repeating: " ", count: indent + 2))
        value.write(to: &output, indent: indent + 2)
        output.append(index + 1 < values.count ? ",\n" : "\n")
      }
      output.append(String(repeating: " ", count: indent) + "]")
    case .object(let members):
      guard !members.isEmpty else {
        output.append("{}")
        return
      }
      output.append("{\n")
      let keys = members.keys.sorted { Array($0.utf8).lexicographicallyPrecedes(Array($1.utf8)) }
      for (index, key) in keys.enumerated() {
        output.append(String(repeating: " ", count: indent + 2))
        Self.writeString(key, to: &output)
        output.append(": ")
        members[key, default: .null].write(to: &output, indent: indent + 2)
        output.append(index + 1 < keys.count ? ",\n" : "\n")
      }
      output.append(String(repeating: " ", count: indent) + "}")
    }
  }

  /// A number rounded to four decimals, written without locale and without exponent.
  static func format(_ value: Double) -> String {
    guard value.isFinite else { return "null" }
    let scaled = (value * 10_000).rounded()
    let negative = scaled < 0
    let magnitude = Int64(abs(scaled))
    let whole = magnitude / 10_000
    var fraction = String(magnitude % 10_000)
    fraction = String(repeating: "0", count: 4 - fraction.count) + fraction
    while fraction.count > 1, fraction.hasSuffix("0") { fraction.removeLast() }
    return (negative ? "-" : "") + String(whole) + "." + fraction
  }

  private static func writeString(_ value: String, to output: inout String) {
    output.append("\"")
    for scalar in value.unicodeScalars {
      switch scalar {
      case "\"": output.append("\\\"")
      case "\\": output.append("\\\\")
      case "\n": output.append("\\n")
      case "\r": output.append("\\r")
      case "\t": output.append("\\t")
      case let control where control.value < 0x20 || control.value == 0x7F:
        let hex = String(control.value, radix: 16)
        output.append("\\u" + String(repeating: "0", count: 4 - hex.count) + hex)
      default: output.unicodeScalars.append(scalar)
      }
    }
    output.append("\"")
  }
}
