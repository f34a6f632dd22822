@testable import RunLens

/// Helpers that run the streaming readers the way the CLI does, with a chosen chunk size.
enum Parsing {
  /// `bytes` cut into pieces of `size` bytes (at least 1), the last one shorter: the reads of
  /// a stream, for the tests that a reader gives the same result at every chunk size.
  static func chunks(_ bytes: [UInt8], size: Int) -> [ArraySlice<UInt8>] {
    let size = max(1, size)
    return stride(from: 0, to: bytes.count, by: size).map {
      bytes[$0..<min($0 + size, bytes.count)]
    }
  }

  /// The events of a log fed in chunks of `chunkSize` bytes (the whole input when `nil`).
  static func events(_ bytes: [UInt8], chunkSize: Int?, source: String? = nil) -> [LogEvent] {
    var parser = GitHubLogParser(source: source)
    var events: [LogEvent] = []
    if let chunkSize {
      for chunk in chunks(bytes, size: chunkSize) {
        events += parser.feed(chunk)
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
    for chunk in chunks(bytes, size: chunkSize ?? bytes.count) {
      events += parser.feed(chunk)
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
