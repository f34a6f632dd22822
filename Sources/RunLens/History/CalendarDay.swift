/// A day of the proleptic Gregorian calendar in UTC, with its ISO 8601 week.
///
/// Written out (days from civil, as in Howard Hinnant's `chrono` algorithms) so that the
/// history's periods do not depend on a locale, a time zone or Foundation's calendar.
package struct CalendarDay: Sendable, Hashable, Comparable {
  /// Days since 1970-01-01.
  package var daysSinceEpoch: Int64

  /// The day that holds an instant.
  ///
  /// - Parameter milliseconds: Milliseconds since the Unix epoch.
  package init(milliseconds: Int64) {
    let day: Int64 = 86_400_000
    // Rounded down, without negating (which traps for Int64.min).
    daysSinceEpoch = milliseconds >= 0 ? milliseconds / day : (milliseconds + 1) / day - 1
  }

  /// The day of a date.
  package init(year: Int64, month: Int64, day: Int64) {
    let y = month <= 2 ? year - 1 : year
    let era = (y >= 0 ? y : y - 399) / 400
    let yearOfEra = y - era * 400
    let dayOfYear = (153 * (month > 2 ? month - 3 : month + 9) + 2) / 5 + day - 1
    let dayOfEra = yearOfEra * 365 + yearOfEra / 4 - yearOfEra / 100 + dayOfYear
    daysSinceEpoch = era * 146_097 + dayOfEra - 719_468
  }

  /// Parses `YYYY-MM-DD`; fails on anything else.
  package init?(parsing text: String) {
    let parts = text.split(separator: "-", omittingEmptySubsequences: false)
    guard parts.count == 3, parts[0].count == 4, parts[1].count == 2, parts[2].count == 2,
      let year = Int64(parts[0]), let month = Int64(parts[1]), let day = Int64(parts[2]),
      (1...12).contains(month), (1...31).contains(day)
    else { return nil }
    self.init(year: year, month: month, day: day)
  }

  /// Midnight at the start of the day, in milliseconds since the Unix epoch.
  package var milliseconds: Int64 { daysSinceEpoch * 86_400_000 }

  /// Year, month (1–12) and day (1–31).
  package var civil: (year: Int64, month: Int64, day: Int64) {
    let z = daysSinceEpoch + 719_468
    let era = (z >= 0 ? z : z - 146_096) / 146_097
    let dayOfEra = z - era * 146_097
    let yearOfEra = (dayOfEra - dayOfEra / 1460 + dayOfEra / 36524 - dayOfEra / 146_096) / 365
    let dayOfYear = dayOfEra - (365 * yearOfEra + yearOfEra / 4 - yearOfEra / 100)
    let mp = (5 * dayOfYear + 2) / 153
    let day = dayOfYear - (153 * mp + 2) / 5 + 1
    let month = mp < 10 ? mp + 3 : mp - 9
    return (yearOfEra + era * 400 + (month <= 2 ? 1 : 0), month, day)
  }

  /// 1 for Monday through 7 for Sunday.
  package var isoWeekday: Int64 {
    let weekday = (daysSinceEpoch + 3) % 7  // 1970-01-01 was a Thursday.
    return (weekday < 0 ? weekday + 7 : weekday) + 1
  }

  /// The ISO 8601 week-based year and week number.
  package var isoWeek: (year: Int64, week: Int64) {
    let thursday = CalendarDay(days: daysSinceEpoch - isoWeekday + 4)
    let year = thursday.civil.year
    let first = CalendarDay(year: year, month: 1, day: 1)
    return (year, (thursday.daysSinceEpoch - first.daysSinceEpoch) / 7 + 1)
  }

  /// `YYYY-MM-DD`.
  package var text: String {
    let (year, month, day) = civil
    return "\(year)-\(Self.two(month))-\(Self.two(day))"
  }

  /// `YYYY-Www`, the ISO week.
  package var weekText: String {
    let (year, week) = isoWeek
    return "\(year)-W\(Self.two(week))"
  }

  /// The day `days` after 1970-01-01 (before it when negative).
  package init(days: Int64) {
    daysSinceEpoch = days
  }

  private static func two(_ value: Int64) -> String { value < 10 ? "0\(value)" : "\(value)" }

  /// Orders days in time.
  package static func < (lhs: CalendarDay, rhs: CalendarDay) -> Bool {
    lhs.daysSinceEpoch < rhs.daysSinceEpoch
  }
}
