/// A point in time as a GitHub Actions log line writes it.
///
/// The runner prefixes each line with `DateTime.UtcNow.ToString("O")`, for example
/// `2025-10-04T14:02:06.4955923Z`: seven fractional digits (100 ns ticks) and a literal `Z`.
/// `LogTime` keeps the text exactly as written (reports echo it) and the instant as
/// nanoseconds since 1970-01-01T00:00:00Z (durations are computed from it).
///
/// The instant is an `Int64`, so a time can be from 1677-09-21T00:12:43.145224192Z to
/// 2262-04-11T23:47:16.854775807Z; text outside that range (`9999-01-01T…`) is not a time
/// (the parsing initializers fail), and durations between two times saturate.
public struct LogTime: Sendable, Hashable, Codable, Comparable {
  /// The timestamp text as it stood in the log, without the trailing space.
  public var text: String
  /// Nanoseconds since the Unix epoch, UTC.
  public var nanosecondsSinceEpoch: Int64

  /// Creates a time from its text and its instant.
  ///
  /// - Parameters:
  ///   - text: The ISO 8601 text.
  ///   - nanosecondsSinceEpoch: The same instant in nanoseconds since the Unix epoch.
  public init(text: String, nanosecondsSinceEpoch: Int64) {
    self.text = text
    self.nanosecondsSinceEpoch = nanosecondsSinceEpoch
  }

  /// Parses an ISO 8601 UTC timestamp of the form `YYYY-MM-DDTHH:MM:SS[.f{1,9}]Z`.
  ///
  /// The initializer fails when `text` is not of that form.
  ///
  /// - Parameter text: The timestamp text.
  public init?(parsing text: String) {
    var utf8 = Array(text.utf8)
    guard
      let parsed = utf8.withUnsafeMutableBufferPointer({ buffer in
        LogTime.parsePrefix(UnsafeBufferPointer(buffer), requireTrailingSpace: false)
      }), parsed.length == utf8.count
    else { return nil }
    self = parsed.time
  }

  /// Orders times by instant.
  public static func < (lhs: LogTime, rhs: LogTime) -> Bool {
    lhs.nanosecondsSinceEpoch < rhs.nanosecondsSinceEpoch
  }

  /// The duration from `self` to `later`.
  ///
  /// - Parameter later: The end of the interval.
  /// - Returns: The elapsed time; negative when `later` is earlier. Two times more than about
  ///   292 years apart give the largest (or smallest) duration an `Int64` of nanoseconds holds.
  public func duration(to later: LogTime) -> Duration {
    .nanoseconds(later.nanosecondsSinceEpoch.saturatingSubtracting(nanosecondsSinceEpoch))
  }

  /// Parses a timestamp at the start of `bytes`.
  ///
  /// Accepts 1 to 9 fractional digits (or none) and requires the `Z`; with
  /// `requireTrailingSpace` the timestamp must be followed by one space, as in log lines.
  ///
  /// - Returns: The time and the number of bytes it occupies, including the trailing space
  ///   when one was required; `nil` when the text is not a timestamp or its instant does not
  ///   fit in an `Int64` of nanoseconds (after 2262-04-11 or before 1677-09-21).
  static func parsePrefix(
    _ bytes: UnsafeBufferPointer<UInt8>,
    requireTrailingSpace: Bool
  ) -> (time: LogTime, length: Int)? {
    guard let length = timestampLength(bytes, requireTrailingSpace: requireTrailingSpace)
    else { return nil }
    func number(_ from: Int, _ count: Int) -> Int64 {
      var value: Int64 = 0
      for index in from..<(from + count) { value = value * 10 + Int64(bytes[index] &- 48) }
      return value
    }
    let year = number(0, 4)
    let month = number(5, 2)
    let day = number(8, 2)
    let hour = number(11, 2)
    let minute = number(14, 2)
    let second = number(17, 2)
    guard (1...12).contains(month), (1...31).contains(day), hour < 24, minute < 60, second < 61
    else { return nil }
    var fraction: Int64 = 0
    var digits = 0
    var index = 19
    if bytes[index] == UInt8(ascii: ".") {
      index += 1
      while bytes[index] != UInt8(ascii: "Z") {
        fraction = fraction * 10 + Int64(bytes[index] &- 48)
        digits += 1
        index += 1
      }
    }
    while digits < 9 {
      fraction *= 10
      digits += 1
    }
    // Four-digit years keep the day and second counts small; only the nanoseconds can
    // overflow, past 2262-04-11 or before 1677-09-21.
    let days = daysFromCivil(year: year, month: month, day: day)
    var seconds = ((days * 24 + hour) * 60 + minute) * 60 + second
    // Before 1970 the fraction is added to a negative whole: borrow a second so that the
    // first instants of the range (1677-09-21T00:12:43.145224192Z) do not overflow.
    if seconds < 0, fraction > 0 {
      seconds += 1
      fraction -= 1_000_000_000
    }
    let (whole, wholeOverflow) = seconds.multipliedReportingOverflow(by: 1_000_000_000)
    let (nanoseconds, overflow) = whole.addingReportingOverflow(fraction)
    guard !wholeOverflow, !overflow else { return nil }
    var textLength = length
    if textLength > 0, bytes[textLength - 1] == UInt8(ascii: " ") { textLength -= 1 }
    let text = String(decoding: UnsafeBufferPointer(rebasing: bytes[0..<textLength]), as: UTF8.self)
    return (LogTime(text: text, nanosecondsSinceEpoch: nanoseconds), length)
  }

  /// Checks the shape of a timestamp at the start of `bytes` without decoding it.
  ///
  /// This is the per-line test of the log reader, so it only compares bytes.
  ///
  /// - Returns: The length of the timestamp (plus its trailing space when required), or `nil`.
  @inline(__always)
  static func timestampLength(
    _ bytes: UnsafeBufferPointer<UInt8>,
    requireTrailingSpace: Bool
  ) -> Int? {
    let count = bytes.count
    if requireTrailingSpace, count >= 29, let base = bytes.baseAddress, isRunnerTimestamp(base) {
      return 29
    }
    return generalTimestampLength(bytes, requireTrailingSpace: requireTrailingSpace)
  }

  /// Whether `base` starts with `YYYY-MM-DDTHH:MM:SS.fffffffZ ` (the runner's own form, seven
  /// fractional digits and a space), tested sixteen bytes at a time.
  ///
  /// Bytes 0–15 and 13–28 are loaded as two vectors. A byte passes when it minus its lane's
  /// offset is below its lane's limit: offset `0` (0x30) and limit 10 for a digit, the
  /// separator itself and limit 1 for a separator. So each half is one subtraction and one
  /// unsigned compare. ``isRunnerTimestampByWords(_:)`` is the same test eight bytes at a
  /// time; a test compares the two.
  /// - Precondition: 29 bytes are readable at `base`.
  @inline(__always)
  static func isRunnerTimestamp(_ base: UnsafePointer<UInt8>) -> Bool {
    let raw = UnsafeRawPointer(base)
    let low = raw.loadUnaligned(as: SIMD16<UInt8>.self)
    let high = raw.loadUnaligned(fromByteOffset: 13, as: SIMD16<UInt8>.self)
    // "YYYY-MM-DDTHH:MM" and ":MM:SS.fffffffZ ".
    let lowOffset = SIMD16<UInt8>(
      0x30, 0x30, 0x30, 0x30, 0x2D, 0x30, 0x30, 0x2D, 0x30, 0x30, 0x54, 0x30, 0x30, 0x3A, 0x30,
      0x30)
    let lowLimit = SIMD16<UInt8>(10, 10, 10, 10, 1, 10, 10, 1, 10, 10, 1, 10, 10, 1, 10, 10)
    let highOffset = SIMD16<UInt8>(
      0x3A, 0x30, 0x30, 0x3A, 0x30, 0x30, 0x2E, 0x30, 0x30, 0x30, 0x30, 0x30, 0x30, 0x30, 0x5A,
      0x20)
    let highLimit = SIMD16<UInt8>(1, 10, 10, 1, 10, 10, 1, 10, 10, 10, 10, 10, 10, 10, 1, 1)
    let passes = ((low &- lowOffset) .< lowLimit) .& ((high &- highOffset) .< highLimit)
    // Every lane all ones, read as two words (`all(_:)` is a call that reduces lane by lane).
    let words = unsafeBitCast(passes, to: SIMD2<UInt64>.self)
    return words[0] & words[1] == .max
  }

  /// ``isRunnerTimestamp(_:)`` eight bytes at a time, for the test that compares them.
  ///
  /// Each word is checked twice: its high nibbles (`3` for a digit, the exact byte for a
  /// separator), then its digits plus 6 (a byte from `0x30` to `0x39` stays below `0x40`).
  /// - Precondition: 29 bytes are readable at `base`.
  @inline(__always)
  static func isRunnerTimestampByWords(_ base: UnsafePointer<UInt8>) -> Bool {
    let raw = UnsafeRawPointer(base)
    @inline(__always) func word(_ offset: Int) -> UInt64 {
      UInt64(littleEndian: raw.loadUnaligned(fromByteOffset: offset, as: UInt64.self))
    }
    @inline(__always) func mismatch(
      _ word: UInt64, _ mask: UInt64, _ value: UInt64, _ add: UInt64, _ digits: UInt64,
      _ high: UInt64
    ) -> UInt64 {
      ((word & mask) ^ value) | (((word &+ add) & digits) ^ high)
    }
    // "YYYY-MM-", "DDTHH:MM", ":SS.ffff", bytes 21...28 "ffffffZ ".
    let difference =
      mismatch(
        word(0), 0xFFF0_F0FF_F0F0_F0F0, 0x2D30_302D_3030_3030, 0x0006_0600_0606_0606,
        0x00F0_F000_F0F0_F0F0, 0x0030_3000_3030_3030)
      | mismatch(
        word(8), 0xF0F0_FFF0_F0FF_F0F0, 0x3030_3A30_3054_3030, 0x0606_0006_0600_0606,
        0xF0F0_00F0_F000_F0F0, 0x3030_0030_3000_3030)
      | mismatch(
        word(16), 0xF0F0_F0F0_FFF0_F0FF, 0x3030_3030_2E30_303A, 0x0606_0606_0006_0600,
        0xF0F0_F0F0_00F0_F000, 0x3030_3030_0030_3000)
      | mismatch(
        word(21), 0xFFFF_F0F0_F0F0_F0F0, 0x205A_3030_3030_3030, 0x0000_0606_0606_0606,
        0x0000_F0F0_F0F0_F0F0, 0x0000_3030_3030_3030)
    return difference == 0
  }

  /// The timestamp test for every accepted form (1 to 9 fractional digits, or none).
  static func generalTimestampLength(
    _ bytes: UnsafeBufferPointer<UInt8>,
    requireTrailingSpace: Bool
  ) -> Int? {
    let count = bytes.count
    guard count >= 20 else { return nil }
    @inline(__always) func isDigit(_ byte: UInt8) -> Bool { byte &- 48 < 10 }
    guard bytes[4] == UInt8(ascii: "-"), bytes[7] == UInt8(ascii: "-"),
      bytes[10] == UInt8(ascii: "T"), bytes[13] == UInt8(ascii: ":"),
      bytes[16] == UInt8(ascii: ":"),
      isDigit(bytes[0]), isDigit(bytes[1]), isDigit(bytes[2]), isDigit(bytes[3]),
      isDigit(bytes[5]), isDigit(bytes[6]), isDigit(bytes[8]), isDigit(bytes[9]),
      isDigit(bytes[11]), isDigit(bytes[12]), isDigit(bytes[14]), isDigit(bytes[15]),
      isDigit(bytes[17]), isDigit(bytes[18])
    else { return nil }
    var index = 19
    if bytes[index] == UInt8(ascii: ".") {
      index += 1
      let fractionStart = index
      while index < count, isDigit(bytes[index]), index - fractionStart < 9 { index += 1 }
      guard index > fractionStart else { return nil }
    }
    guard index < count, bytes[index] == UInt8(ascii: "Z") else { return nil }
    index += 1
    if requireTrailingSpace, index < count {
      // An empty output line may lose its trailing space; accept the bare timestamp.
      guard bytes[index] == UInt8(ascii: " ") else { return nil }
      index += 1
    }
    return index
  }

  /// Days since 1970-01-01 of a proleptic Gregorian date (Howard Hinnant's algorithm).
  package static func daysFromCivil(year: Int64, month: Int64, day: Int64) -> Int64 {
    let y = month <= 2 ? year - 1 : year
    let era = (y >= 0 ? y : y - 399) / 400
    let yearOfEra = y - era * 400
    let monthIndex = month > 2 ? month - 3 : month + 9
    let dayOfYear = (153 * monthIndex + 2) / 5 + day - 1
    let dayOfEra = yearOfEra * 365 + yearOfEra / 4 - yearOfEra / 100 + dayOfYear
    return era * 146_097 + dayOfEra - 719_468
  }
}
