/// Escaping and number formatting shared by the Markdown renderers.
///
/// Everything taken from an input goes through ``text(_:)`` or ``code(_:)``: test names hold
/// `|`, backticks, `<script>`, `$math$` and `@mentions`, and none of them may break a table,
/// run HTML, render math or ping anyone. All formatting is locale-independent.
package enum Markdown {
  /// Plain text that is safe in a paragraph or a table cell.
  ///
  /// Markdown and HTML punctuation become numeric character references, line breaks become
  /// spaces, and an `@` that could start a mention (one not preceded by a letter, digit or
  /// `_`, as in `@octocat` but not `checkout@v4`) is followed by a zero-width space.
  package static func text(_ value: String) -> String {
    escape(value, mode: .text)
  }

  /// Text shown as code (`<code>…</code>`), safe in a table cell.
  package static func code(_ value: String) -> String {
    "<code>" + escape(value, mode: .code) + "</code>"
  }

  /// Where escaped text goes.
  enum Mode {
    /// A paragraph or table cell.
    case text
    /// Inside `<code>`.
    case code
    /// Inside `<pre>`: line breaks kept, only `&`, `<`, `>` and `@` escaped.
    case pre
  }

  /// For each byte, whether ``escape(_:mode:)`` may replace it: one table for `<pre>` text,
  /// one for the other modes.
  private static let attention: (pre: [Bool], other: [Bool]) = {
    var pre = [Bool](repeating: false, count: 256)
    for byte in 0..<0x20 where byte != 0x0A && byte != 0x09 { pre[byte] = true }
    for byte in [0x7F, 0x26, 0x3C, 0x3E, 0x40] { pre[byte] = true }
    var other = pre
    other[0x0A] = true
    other[0x09] = true
    for byte in Array("\"'|*_`\\[]~$#!{}".utf8) { other[Int(byte)] = true }
    return (pre, other)
  }()

  /// Escapes `value` byte by byte: every character that needs it is ASCII, so runs of other
  /// bytes are skipped by a table lookup and copied whole.
  static func escape(_ value: String, mode: Mode) -> String {
    var output: [UInt8] = []
    guard escape(value, mode: mode, into: &output) else { return value }
    return String(decoding: output, as: UTF8.self)
  }

  /// Appends `value`, escaped, to `output`.
  ///
  /// - Returns: Whether anything was replaced (when not, `output` holds `value`'s bytes).
  @discardableResult
  static func escape(_ value: String, mode: Mode, into output: inout [UInt8]) -> Bool {
    var value = value
    let table = mode == .pre ? attention.pre : attention.other
    return value.withUTF8 { bytes in
      table.withUnsafeBufferPointer { table in
        var replaced = false
        var runStart = 0
        var index = 0
        while index < bytes.count {
          let byte = bytes[index]
          guard table[Int(byte)] else {
            index += 1
            continue
          }
          let previous = index > 0 ? bytes[index - 1] : 0x20
          index += 1
          let replacement: StaticString?
          switch byte {
          case 0x0A, 0x09:
            replacement = mode == .pre ? nil : " "
          case 0x0D:
            replacement = mode == .pre ? "" : " "
          case 0x00..<0x20, 0x7F:
            replacement = "\u{FFFD}"
          case UInt8(ascii: "&"):
            replacement = mode == .pre ? "&amp;" : "&#38;"
          case UInt8(ascii: "<"):
            replacement = mode == .pre ? "&lt;" : "&#60;"
          case UInt8(ascii: ">"):
            replacement = mode == .pre ? "&gt;" : "&#62;"
          case UInt8(ascii: "@"):
            switch mode {
            case .code, .pre: replacement = "&#64;"
            case .text:
              let wordBefore =
                previous >= 0x80 || (previous | 0x20) &- 0x61 < 26 || previous &- 0x30 < 10
                || previous == 0x5F
              replacement = wordBefore ? nil : "@&#8203;"
            }
          default:
            // The Markdown punctuation of the `other` table: `&#NN;`.
            output.append(contentsOf: UnsafeBufferPointer(rebasing: bytes[runStart..<index - 1]))
            output.append(contentsOf: [0x26, 0x23])
            if byte >= 100 { output.append(0x30 + byte / 100) }
            output.append(contentsOf: [0x30 + byte / 10 % 10, 0x30 + byte % 10, 0x3B])
            runStart = index
            replaced = true
            continue
          }
          guard let replacement else { continue }
          output.append(contentsOf: UnsafeBufferPointer(rebasing: bytes[runStart..<index - 1]))
          output.append(
            contentsOf: UnsafeBufferPointer(
              start: replacement.utf8Start, count: replacement.utf8CodeUnitCount))
          runStart = index
          replaced = true
        }
        output.append(contentsOf: UnsafeBufferPointer(rebasing: bytes[runStart..<bytes.count]))
        return replaced
      }
    }
  }

  /// A duration as people read it: `850 ms`, `14.3 s`, `1m 59s`, `1h 02m`; `—` when unknown.
  package static func duration(_ duration: Duration?) -> String {
    guard let duration else { return "—" }
    let milliseconds = duration.milliseconds
    if milliseconds < 0 {
      return "−" + Markdown.duration(.milliseconds(Int64(0).saturatingSubtracting(milliseconds)))
    }
    // Rounding below adds up to 500 ms: keep the sums in range.
    guard milliseconds < Int64.max / 2 else { return "\(Int64.max / 3_600_000)h 00m" }
    if milliseconds < 1000 { return "\(milliseconds) ms" }
    if milliseconds < 60_000 {
      let tenths = (milliseconds + 50) / 100
      if tenths < 600 { return "\(tenths / 10).\(tenths % 10) s" }
    }
    let seconds = (milliseconds + 500) / 1000
    if seconds < 3600 { return "\(seconds / 60)m \(seconds % 60)s" }
    let minutes = (seconds + 30) / 60
    let rest = minutes % 60
    return "\(minutes / 60)h \(rest < 10 ? "0" : "")\(rest)m"
  }

  /// A byte count in decimal units, the one unit system of every report (GitHub states cache
  /// sizes and its cache limit in them): `999 B`, `1.0 kB`, `2.9 GB`; `—` when unknown.
  package static func bytes(_ bytes: Int64?) -> String {
    guard let bytes else { return "—" }
    return scaled(
      bytes,
      units: [
        (1_000_000_000_000_000, "PB"), (1_000_000_000_000, "TB"), (1_000_000_000, "GB"),
        (1_000_000, "MB"), (1000, "kB"),
      ])
  }

  /// A byte count in binary units, for the one place where both readings of a limit matter
  /// (the cache budget's `10 GB (9.3 GiB)`).
  package static func binaryBytes(_ bytes: Int64) -> String {
    scaled(
      bytes,
      units: [
        (1 << 50, "PiB"), (1 << 40, "TiB"), (1 << 30, "GiB"), (1 << 20, "MiB"), (1 << 10, "KiB"),
      ])
  }

  /// `bytes` in the largest unit it reaches, to three significant digits (`1.05 GB`,
  /// `10.1 GB`, `999 MB`), rounded half up; no arithmetic overflows whatever the count.
  private static func scaled(_ bytes: Int64, units: [(Int64, String)]) -> String {
    for (size, name) in units where bytes >= size {
      let whole = bytes / size
      let rest = bytes % size
      if whole < 10 {
        let hundredths = whole * 100 + (rest * 100 + size / 2) / size
        if hundredths < 1000 {
          let fraction = hundredths % 100
          return "\(hundredths / 100).\(fraction < 10 ? "0" : "")\(fraction) \(name)"
        }
      }
      if whole < 100 {
        let tenths = whole * 10 + (rest * 10 + size / 2) / size
        if tenths < 1000 { return "\(tenths / 10).\(tenths % 10) \(name)" }
      }
      return "\(whole + (rest >= size - rest ? 1 : 0)) \(name)"
    }
    return "\(bytes) B"
  }

  /// A time as a person reads it, in UTC to the minute: `2025-10-04 14:04 UTC`.
  package static func dateTime(_ time: LogTime) -> String {
    func floorDivision(_ value: Int64, _ divisor: Int64) -> Int64 {
      value / divisor - (value % divisor < 0 ? 1 : 0)
    }
    let seconds = floorDivision(time.nanosecondsSinceEpoch, 1_000_000_000)
    let days = floorDivision(seconds, 86_400)
    let minuteOfDay = (seconds - days * 86_400) / 60
    let (year, month, day) = CalendarDay(days: days).civil
    func two(_ value: Int64) -> String { value < 10 ? "0\(value)" : "\(value)" }
    return "\(year)-\(two(month))-\(two(day)) \(two(minuteOfDay / 60)):\(two(minuteOfDay % 60)) UTC"
  }

  /// `1 entry`, `2 entries`.
  static func count(_ value: Int, _ singular: String, _ plural: String) -> String {
    "\(value) \(value == 1 ? singular : plural)"
  }

  /// A fraction as a percentage: `100%`, `66.7%`; `—` when unknown.
  package static func percent(_ value: Double?) -> String {
    guard let value, value.isFinite, abs(value) < 1e12 else { return "—" }
    let tenths = Int64((value * 1000).rounded())
    let sign = tenths < 0 ? "−" : ""
    let magnitude = abs(tenths)
    return sign
      + (magnitude % 10 == 0 ? "\(magnitude / 10)%" : "\(magnitude / 10).\(magnitude % 10)%")
  }

  /// A bar of up to `width` blocks for a share from 0 to 1; a share that is not a number is
  /// an empty bar.
  static func bar(_ share: Double, width: Int = 10) -> String {
    let scaled = (share * Double(width)).rounded()
    let blocks = scaled.isNaN ? 0 : Int(max(0, min(Double(width), scaled)))
    return String(repeating: "█", count: blocks) + String(repeating: "░", count: width - blocks)
  }

  /// The UTF-8 size of `text`.
  static func size(_ text: String) -> Int { text.utf8.count }
}
