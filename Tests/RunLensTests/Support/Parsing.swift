@testable import RunLens

/// Helpers that run the streaming readers the way the CLI does, with a chosen chunk size.
enum Parsing {
  /// The events of a log fed in chunks of `chunkSize` bytes (the whole input when `nil`).
  static func events(_ bytes: [UInt8], chunkSize: Int?, source: String? = nil) -> [LogEvent] {
    var parser = GitHubLogParser(source: source)
    var events: [LogEvent] = []
    if let chunkSize {
      var offset = 0
      while offset < bytes.count {
        let end = min(offset + chunkSize, bytes.count)
        events += parser.feed(bytes[offset..<end])
        offset = end
      }
    } else {
      events += parser.feed(bytes)
    }
    return events + parser.finish()
  }

  /// The events of a JUnit file fed in chunks of `chunkSize` bytes (whole when `nil`).
  static func junitEvents(_ bytes: [UInt8], chunkSize: Int?, source: String? = nil) -> [JUnitEvent]
  {
    var parser = JUnitParser(source: source)
    var events: [JUnitEvent] = []
    var offset = 0
    let size = chunkSize ?? max(1, bytes.count)
    while offset < bytes.count {
      let end = min(offset + size, bytes.count)
      events += parser.feed(bytes[offset..<end])
      offset = end
    }
    return events + parser.finish()
  }

  /// A test summary of one JUnit document given as text.
  static func tests(_ xml: String) -> (TestSummary, [Diagnostic]) {
    TestSummary.parsing(junit: [("junit.xml", Array(xml.utf8))])
  }

  /// A job built from a log fed whole.
  static func job(_ text: String, source: String? = nil) -> JobRun {
    JobRun(parsingLog: Array(text.utf8), source: source, fallbackName: "job")
  }

  /// Prefixes every line of `text` with an increasing runner timestamp (one second apart,
  /// starting at 2025-10-04T14:00:00), except lines that start with `|` (continuation lines,
  /// written without the bar).
  static func timestamped(_ text: String, start: Int = 0) -> String {
    var second = start
    return text.split(separator: "\n", omittingEmptySubsequences: false).map { line -> String in
      if line.hasPrefix("|") { return String(line.dropFirst()) }
      defer { second += 1 }
      let minute = second / 60
      let rest = second % 60
      return
        "2025-10-04T14:\(minute < 10 ? "0" : "")\(minute):\(rest < 10 ? "0" : "")\(rest).0000000Z \(line)"
    }.joined(separator: "\n")
  }
}
