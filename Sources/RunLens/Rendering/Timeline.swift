/// Renders a run as Mermaid gantt charts.
///
/// The first chart shows the run's jobs; the second the slowest job's steps, with its cache
/// restore and save steps marked. GitHub renders Mermaid in job summaries and comments, and
/// people read a timeline faster than a table.
enum Timeline {
  /// The most bars in one chart.
  static let maximumBars = 60

  /// What the bar colours mean, in every chart (Mermaid's default theme).
  static let legend =
    "*Bars: red (crit) = failed or cancelled, blue (active) = cache restore, "
    + "grey (done) = cache save.*\n\n"

  /// The charts, or an empty string when the run has no times.
  ///
  /// Times are written as local times of a fixed day with no zone (`2000-01-01 00:12:34` for
  /// 12m 34s after the start), which Mermaid reads and prints in the viewer's zone, so the
  /// axis shows the same offsets in every time zone; it shows hours and minutes when the
  /// chart spans an hour or more.
  static func render(_ report: RunReport) -> String {
    let timed = report.jobs.filter { $0.startedAt != nil && $0.completedAt != nil }
    guard let origin = timed.compactMap(\.startedAt).min(),
      let last = timed.compactMap(\.completedAt).max()
    else { return "" }
    var out = header("Jobs", span: offset(last, origin), section: "Jobs")
    let moreJobs = timed.count - min(timed.count, maximumBars)
    for (index, job) in timed.prefix(maximumBars).enumerated() {
      guard let start = job.startedAt, let end = job.completedAt else { continue }
      let tag = failed(job.conclusion) ? "crit, " : ""
      out += bar(
        label(job.name), id: "j\(index)", tag: tag, offset(start, origin), offset(end, origin))
    }
    out += "```\n\n"
    if moreJobs > 0 {
      out +=
        "*The chart shows the first \(maximumBars) jobs; \(moreJobs) more are in the table.*\n\n"
    }
    guard let slowest = timed.max(by: { ($0.duration ?? .zero) < ($1.duration ?? .zero) }),
      let jobStart = slowest.startedAt
    else { return out + legend }
    let restoreLines = Set(slowest.restores.map(\.line))
    let saveLines = Set(slowest.saves.map(\.line))
    out += header(
      "Steps of \(label(slowest.name).dropFirst(2))",
      span: slowest.duration.map { $0.milliseconds } ?? 0, section: "Steps")
    for (index, step) in slowest.steps.prefix(maximumBars).enumerated() {
      guard let start = step.startedAt, let duration = step.duration else { continue }
      let from = offset(start, jobStart)
      let tag =
        failed(step.conclusion)
        ? "crit, "
        : restoreLines.contains(step.line)
          ? "active, " : saveLines.contains(step.line) ? "done, " : ""
      out += bar(
        label(step.name), id: "s\(index)", tag: tag, from,
        from.saturatingAdding(duration.milliseconds))
    }
    out += "```\n\n"
    if slowest.steps.count > maximumBars {
      out += "*The chart shows the first \(maximumBars) of \(slowest.steps.count) steps.*\n\n"
    }
    return out + legend
  }

  private static func failed(_ conclusion: String?) -> Bool {
    conclusion == "failure" || conclusion == "cancelled" || conclusion == "timed_out"
  }

  /// A chart's opening lines; the axis shows hours and minutes when `span` (milliseconds) is
  /// an hour or more.
  private static func header(_ title: String, span: Int64, section: String) -> String {
    let hours = span >= 3_600_000
    var out = "```mermaid\ngantt\n  title \(title) (\(hours ? "hours:minutes" : "minutes:seconds")"
    out += " from the start)\n  dateFormat YYYY-MM-DD HH:mm:ss\n"
    out += "  axisFormat \(hours ? "%H:%M" : "%M:%S")\n  section \(section)\n"
    return out
  }

  /// One bar from `from` to `to` milliseconds after the start, at least a second long.
  private static func bar(_ label: String, id: String, tag: String, _ from: Int64, _ to: Int64)
    -> String
  {
    let start = max(0, from) / 1000
    let end = max(start + 1, max(0, to).saturatingAdding(500) / 1000)
    return "  \(label) :\(tag)\(id), \(clock(start)), \(clock(end))\n"
  }

  /// Seconds after the start as a local time of 2000-01-01 (days past the first carry on).
  static func clock(_ seconds: Int64) -> String {
    let capped = min(seconds, 27 * 86_400)
    let day = 1 + capped / 86_400
    let rest = capped % 86_400
    func two(_ value: Int64) -> String { value < 10 ? "0\(value)" : "\(value)" }
    return "2000-01-\(two(day)) \(two(rest / 3600)):\(two(rest / 60 % 60)):\(two(rest % 60))"
  }

  private static func offset(_ time: LogTime, _ origin: LogTime) -> Int64 {
    origin.duration(to: time).milliseconds
  }

  /// A task name Mermaid accepts: no `:`, `;`, `#` or line breaks, at most 60 characters, and
  /// a leading `·` so that no name reads as a gantt keyword (`title`, `section`, `call`, `click`,
  /// `excludes`, a date…).
  static func label(_ name: String) -> String {
    // Most names are short and have none of those characters: every one of them is ASCII, and
    // at most 60 bytes are at most 60 characters, so the name is used as it is.
    if name.utf8.count <= 60, !name.utf8.contains(where: breaksLabel) {
      let trimmed = name.trimmedWhitespace()
      return "· " + (trimmed.isEmpty ? "step" : trimmed)
    }
    var text = ""
    for character in name.prefix(60) {
      switch character {
      case ":", ";", "#", "\n", "\r", "%", "`", "<", ">", "{", "}", "\"": text.append(" ")
      default: text.append(character)
      }
    }
    let trimmed = text.trimmedWhitespace()
    return "· " + (trimmed.isEmpty ? "step" : trimmed)
  }

  /// Whether `byte` is one of the characters ``label(_:)`` replaces with a space.
  private static func breaksLabel(_ byte: UInt8) -> Bool {
    switch byte {
    case UInt8(ascii: ":"), UInt8(ascii: ";"), UInt8(ascii: "#"), UInt8(ascii: "\n"),
      UInt8(ascii: "\r"), UInt8(ascii: "%"), UInt8(ascii: "`"), UInt8(ascii: "<"),
      UInt8(ascii: ">"), UInt8(ascii: "{"), UInt8(ascii: "}"), UInt8(ascii: "\""):
      true
    default: false
    }
  }
}
