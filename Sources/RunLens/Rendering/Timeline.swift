/// Renders a run as Mermaid gantt charts.
///
/// The first chart shows the run's jobs; the second the slowest job's steps, with its cache
/// restore and save steps marked. GitHub renders Mermaid in job summaries and comments, and
/// people read a timeline faster than a table.
enum Timeline {
  /// The most bars in one chart.
  static let maximumBars = 60

  /// The charts, or an empty string when the run has no times.
  static func render(_ report: RunReport) -> String {
    let timed = report.jobs.filter { $0.startedAt != nil && $0.completedAt != nil }
    guard let origin = timed.compactMap(\.startedAt).min() else { return "" }
    var out = "```mermaid\ngantt\n  title Jobs (minutes:seconds from the run's start)\n"
    out += "  dateFormat x\n  axisFormat %M:%S\n  section Jobs\n"
    let moreJobs = timed.count - min(timed.count, maximumBars)
    for (index, job) in timed.prefix(maximumBars).enumerated() {
      guard let start = job.startedAt, let end = job.completedAt else { continue }
      let tag = job.conclusion == "failure" ? "crit, " : ""
      out +=
        "  \(label(job.name)) :\(tag)j\(index), \(offset(start, origin)), \(max(offset(end, origin), offset(start, origin) + 1))\n"
    }
    out += "```\n\n"
    if moreJobs > 0 {
      out +=
        "*The chart shows the first \(maximumBars) jobs; \(moreJobs) more are in the table.*\n\n"
    }
    guard let slowest = timed.max(by: { ($0.duration ?? .zero) < ($1.duration ?? .zero) }),
      let jobStart = slowest.startedAt
    else { return out }
    let restoreLines = Set(slowest.restores.map(\.line))
    let saveLines = Set(slowest.saves.map(\.line))
    out +=
      "```mermaid\ngantt\n  title Steps of \(label(slowest.name).dropFirst(2)) (cache restores: crit, saves: active)\n"
    out += "  dateFormat x\n  axisFormat %M:%S\n  section Steps\n"
    for (index, step) in slowest.steps.prefix(maximumBars).enumerated() {
      guard let start = step.startedAt, let duration = step.duration else { continue }
      let from = offset(start, jobStart)
      let to = max(from.saturatingAdding(1), from.saturatingAdding(duration.milliseconds))
      let tag =
        restoreLines.contains(step.line)
        ? "crit, " : saveLines.contains(step.line) ? "active, " : ""
      out += "  \(label(step.name)) :\(tag)s\(index), \(from), \(to)\n"
    }
    out += "```\n\n"
    if slowest.steps.count > maximumBars {
      out += "*The chart shows the first \(maximumBars) of \(slowest.steps.count) steps.*\n\n"
    }
    return out
  }

  private static func offset(_ time: LogTime, _ origin: LogTime) -> Int64 {
    origin.duration(to: time).milliseconds
  }

  /// A task name Mermaid accepts: no `:`, `;`, `#` or line breaks, at most 60 characters, and
  /// a leading `·` so that no name reads as a gantt keyword (`title`, `section`, `call`, `click`,
  /// `excludes`, a date…).
  static func label(_ name: String) -> String {
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
}
