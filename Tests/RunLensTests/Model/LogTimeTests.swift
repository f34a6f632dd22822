import Testing

@testable import RunLens

@Suite("LogTime")
struct LogTimeTests {
  @Test("parses runner timestamps to nanoseconds since the epoch")
  func parse() throws {
    let time = try #require(LogTime(parsing: "2025-10-04T14:02:06.4955923Z"))
    #expect(time.nanosecondsSinceEpoch == 1_759_586_526_495_592_300)
    #expect(LogTime(parsing: "1970-01-01T00:00:00Z")?.nanosecondsSinceEpoch == 0)
    #expect(
      LogTime(parsing: "2024-02-29T23:59:59.999999999Z")?.nanosecondsSinceEpoch
        == 1_709_251_199_999_999_999)
  }

  @Test(
    "rejects other shapes",
    arguments: [
      "2025-10-04 14:02:06Z", "2025-10-04T14:02:06", "2025-13-04T14:02:06Z",
      "2025-10-04T14:02:06.Z",
      "x025-10-04T14:02:06Z", "2025-10-04T14:02:06.1234567890Z",
    ])
  func reject(text: String) {
    #expect(LogTime(parsing: text) == nil)
  }

  @Test("durations round to milliseconds half away from zero")
  func milliseconds() {
    #expect(Duration.nanoseconds(1_499_999).milliseconds == 1)
    #expect(Duration.nanoseconds(1_500_000).milliseconds == 2)
    #expect(Duration.nanoseconds(-1_500_000).milliseconds == -2)
    #expect(Duration.seconds(300).milliseconds == 300_000)
  }
}

@Suite("LogTime fast path")
struct LogTimeFastPathTests {
  @Test(
    "the eight-byte test agrees with the general one on runner timestamps and near misses",
    arguments: [
      "2025-10-04T14:02:06.4955923Z x", "2025-10-04T14:02:06.4955923Z ",
      "2025-10-04T14:02:06.495592Z x",
      "2025-10-04T14:02:06.4955923Zx", "2025-10-04T14:02:06,4955923Z x",
      "2025-10-04 14:02:06.4955923Z x",
      "2025-1a-04T14:02:06.4955923Z x", "2025-10-04T14:02:06.495592:Z x",
      "2025-10-04T14:02:06.4955923z x",
      "\u{FFFD}025-10-04T14:02:06.4955923Z x", "2025-10-04T14:02:06.12345678Z x",
      "just some build output line",
    ])
  func agrees(text: String) {
    let bytes = Array(text.utf8)
    bytes.withUnsafeBufferPointer { buffer in
      let fast = LogTime.timestampLength(buffer, requireTrailingSpace: true)
      let general = LogTime.generalTimestampLength(buffer, requireTrailingSpace: true)
      #expect(fast == general)
    }
  }

  @Test("the sixteen-byte test agrees with the eight-byte one on every one-byte change")
  func vectorAgreesWithWords() {
    let timestamp = Array("2025-10-04T14:02:06.4955923Z ".utf8)
    // Each byte replaced by every value: the digits, the separators, their neighbours, all.
    var disagreements: [String] = []
    var accepted = 0
    for index in timestamp.indices {
      for value in 0...255 {
        var bytes = timestamp
        bytes[index] = UInt8(value)
        bytes.withUnsafeBufferPointer { buffer in
          let base = buffer.baseAddress.unsafelyUnwrapped
          let vector = LogTime.isRunnerTimestamp(base)
          if vector { accepted += 1 }
          if vector != LogTime.isRunnerTimestampByWords(base) {
            disagreements.append("byte \(index) = \(value)")
          }
        }
      }
    }
    #expect(disagreements.isEmpty, "\(disagreements)")
    // Each of the 21 digit positions takes ten values, each of the 8 separators one.
    #expect(accepted == 21 * 10 + 8)
  }
}

/// Regressions from the fuzzing campaign (issue 13): times are untrusted input.
@Suite("LogTime range")
struct LogTimeRangeTests {
  @Test(
    "a time outside what Int64 nanoseconds hold is not a time",
    arguments: [
      "9999-01-01T00:00:00Z", "2262-04-11T23:47:16.854775808Z", "1677-09-21T00:12:43.145224191Z",
      "0000-01-01T00:00:00Z",
    ])
  func outOfRange(text: String) {
    #expect(LogTime(parsing: text) == nil)
    #expect(LogTime(parsingISO8601: text) == nil)
  }

  @Test("the last and first instants that fit still parse")
  func edges() {
    #expect(
      LogTime(parsing: "2262-04-11T23:47:16.854775807Z")?.nanosecondsSinceEpoch == Int64.max)
    #expect(
      LogTime(parsing: "1677-09-21T00:12:43.145224192Z")?.nanosecondsSinceEpoch == Int64.min)
  }

  @Test("durations between times centuries apart saturate")
  func saturatingDuration() throws {
    let early = try #require(LogTime(parsing: "1700-01-01T00:00:00Z"))
    let late = try #require(LogTime(parsing: "2026-12-05T00:00:00Z"))
    #expect(early.duration(to: late) == .nanoseconds(Int64.max))
    #expect(late.duration(to: early) == .nanoseconds(Int64.min))
    #expect(late.duration(to: early).milliseconds < 0)
  }

  @Test("a log dated 9999 is read with a warning naming each line, and renders")
  func farFutureLog() throws {
    let path = "Fixtures/fuzz-log-year-9999/input.log"
    let job = JobRun(parsingLog: try Golden.bytes(path), source: path)
    #expect(job.startedAt == nil)
    let warnings = job.diagnostics.filter { $0.message.contains("outside the years 1677 to 2262") }
    #expect(warnings.map(\.line) == [1, 3])
    #expect(warnings.allSatisfy { $0.source == path })
    let report = RunReport(jobs: [job])
    #expect(MarkdownSummary.render(report).contains("9999-01-01T00:00:00.0000000Z"))
    #expect(!MetricsJSON.render(report).isEmpty)
  }
}
