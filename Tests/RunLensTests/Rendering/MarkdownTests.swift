import Testing

@testable import RunLens

@Suite("Markdown escaping and formatting")
struct MarkdownTests {
  @Test("text from the input cannot break a table, run HTML, render math or mention anyone")
  func textEscaping() {
    let escaped = Markdown.text("a|b `c` <script>alert(1)</script> @octocat $x$ *y* [z](u)\nnext")
    #expect(!escaped.contains("|"))
    #expect(!escaped.contains("<"))
    #expect(!escaped.contains("`"))
    #expect(!escaped.contains("$"))
    #expect(!escaped.contains("*"))
    #expect(!escaped.contains("\n"))
    #expect(escaped.contains("@&#8203;octocat"))
    #expect(Markdown.text("actions/checkout@v4") == "actions/checkout@v4")
  }

  @Test("code keeps text readable and inert, even a closing code fence")
  func codeEscaping() {
    let code = Markdown.code("key|with`tick```@user<b>")
    #expect(code.hasPrefix("<code>") && code.hasSuffix("</code>"))
    #expect(
      code.dropFirst(6).dropLast(7).allSatisfy { $0 != "|" && $0 != "`" && $0 != "<" && $0 != "@" })
  }

  @Test(
    "durations read as people write them",
    arguments: [
      (nil, "—"), (0, "0 ms"), (999, "999 ms"), (1000, "1.0 s"), (14_349, "14.3 s"),
      (59_949, "59.9 s"),
      (59_950, "1m 0s"), (119_457, "1m 59s"), (3_599_499, "59m 59s"), (3_600_000, "1h 00m"),
      (7_530_000, "2h 06m"),
    ] as [(Int64?, String)])
  func durations(milliseconds: Int64?, expected: String) {
    #expect(Markdown.duration(milliseconds.map { .milliseconds($0) }) == expected)
  }

  @Test(
    "sizes use decimal units everywhere, and never overflow",
    arguments: [
      (nil, "—"), (512, "512 B"), (999, "999 B"), (1536, "1.54 kB"), (1_047_529_213, "1.05 GB"),
      (10_109_745_056, "10.1 GB"), (999_499_999, "999 MB"), (999_500_000, "1000 MB"),
      (-5, "-5 B"), (9_000_000_000_000_000_000, "9000 PB"), (Int64.max, "9223 PB"),
    ] as [(Int64?, String)])
  func sizes(bytes: Int64?, expected: String) {
    #expect(Markdown.bytes(bytes) == expected)
  }

  @Test(
    "binary sizes, for the budget's second reading of a limit",
    arguments: [
      (1536, "1.50 KiB"), (1_047_529_213, "999 MiB"), (10_109_745_056, "9.42 GiB"),
      (Int64.max, "8192 PiB"),
    ] as [(Int64, String)])
  func binarySizes(bytes: Int64, expected: String) {
    #expect(Markdown.binaryBytes(bytes) == expected)
  }

  @Test(
    "times read as dates in UTC",
    arguments: [
      ("2025-10-04T14:04:53.4985942Z", "2025-10-04 14:04 UTC"),
      ("2025-10-04T16:04:53+02:00", "2025-10-04 14:04 UTC"),
      ("1969-12-31T23:59:59.5Z", "1969-12-31 23:59 UTC"),
      ("2024-02-29T00:00:00Z", "2024-02-29 00:00 UTC"),
    ])
  func dates(text: String, expected: String) throws {
    let time = try #require(LogTime(parsingISO8601: text))
    #expect(Markdown.dateTime(time) == expected)
  }

  @Test(
    "percentages",
    arguments: [(nil, "—"), (1.0, "100%"), (0.5, "50%"), (2.0 / 3.0, "66.7%"), (0.0, "0%")]
      as [(Double?, String)])
  func percentages(value: Double?, expected: String) {
    #expect(Markdown.percent(value) == expected)
  }
}

@Suite("MarkdownSummary")
struct MarkdownSummaryTests {
  /// A run of `jobs` jobs with `restores` restores each, all with long keys.
  static func bigReport(jobs: Int, restores: Int) -> RunReport {
    let job = { (index: Int) in
      JobRun(
        name: "job \(index) | <b>@team</b>",
        startedAt: LogTime(parsing: "2025-10-04T14:00:00Z"),
        completedAt: LogTime(parsing: "2025-10-04T14:10:00Z"),
        steps: (0..<30).map {
          Step(name: "Run step \($0)", kind: .script, duration: .seconds(20), line: $0 + 1)
        },
        restores: (0..<restores).map {
          CacheRestore(
            step: "Run actions/cache@v4", action: "actions/cache",
            primaryKey: "Linux-cargo-\(index)-\($0)-" + String(repeating: "f", count: 64),
            outcome: .miss, line: 1)
        })
    }
    return RunReport(jobs: (0..<jobs).map(job))
  }

  @Test("a small report is rendered whole, ending with one newline")
  func small() {
    let text = MarkdownSummary.render(Self.bigReport(jobs: 1, restores: 2))
    #expect(!text.contains("shortened"))
    #expect(text.hasSuffix("|\n\n</details>\n") || text.hasSuffix("\n") && !text.hasSuffix("\n\n"))
    #expect(text.contains("job 0 &#124; &#60;b&#62;@&#8203;team&#60;/b&#62;"))
  }

  @Test(
    "an oversized report degrades visibly and never cuts a table",
    arguments: [4_000, 60_000, 1_000_000])
  func budget(budget: Int) {
    let report = Self.bigReport(jobs: 300, restores: 40)
    let text = MarkdownSummary.render(report, options: .init(byteBudget: budget))
    #expect(text.utf8.count <= budget)
    #expect(text.contains("[!NOTE]") || text.contains("[!WARNING]"))
    // Every table row is complete: it starts and ends with a bar.
    for line in text.split(separator: "\n") where line.hasPrefix("|") {
      #expect(line.hasSuffix("|"))
    }
  }
}

extension MarkdownSummaryTests {
  @Test(
    "a rendering stopped at the budget picks the level of detail a whole rendering would",
    arguments: [4_000, 60_000, 400_000, 1_000_000])
  func stoppedAtBudget(budget: Int) {
    let report = Self.bigReport(jobs: 120, restores: 12)
    let facts = MarkdownSummary.Facts(report)
    // Each level rendered whole (no budget to stop at), the first that fits.
    let unlimited = MarkdownSummary.Options(byteBudget: .max)
    let whole = MarkdownSummary.Detail.allCases.lazy.map {
      MarkdownSummary.finished(
        MarkdownSummary.render(report, options: unlimited, detail: $0, facts: facts))
    }
    let expected = whole.first { Markdown.size($0) <= budget }
    let text = MarkdownSummary.render(report, options: .init(byteBudget: budget))
    if let expected {
      #expect(text == expected)
    } else {
      #expect(text.contains("| Job |"))
    }
    #expect(Markdown.size(whole.first ?? "") > 400_000)
  }
}

/// Regressions from the fuzzing campaign (issue 13): formatters take any number.
@Suite("Markdown formatters at the limits")
struct MarkdownLimitTests {
  @Test(
    "byte counts up to Int64.max format without overflowing",
    arguments: [
      (Int64(9_000_000_000_000_000_000), "9000 PB", "7994 PiB"),
      (Int64.max, "9223 PB", "8192 PiB"),
      (1_000_000_000_000_000_000, "1000 PB", "888 PiB"),
      (1_047_529_213, "1.05 GB", "999 MiB"),
    ] as [(Int64, String, String)])
  func bytes(count: Int64, decimal: String, binary: String) {
    #expect(Markdown.bytes(count) == decimal)
    #expect(Markdown.binaryBytes(count) == binary)
  }

  @Test("durations at the ends of Int64 format", arguments: [Int64.max, Int64.min, Int64.min + 1])
  func durations(nanoseconds: Int64) {
    #expect(!Markdown.duration(.nanoseconds(nanoseconds)).isEmpty)
    #expect(!Markdown.duration(.seconds(nanoseconds)).isEmpty)
  }

  @Test(
    "a share that is not finite gives a bar of 10 blocks and no percentage",
    arguments: [Double.nan, .infinity, -.infinity])
  func bar(share: Double) {
    #expect(Markdown.bar(share).count == 10)
    #expect(Markdown.percent(share) == "—")
  }

  @Test("JSON numbers of any size format", arguments: [1e300, -1e300, 9.3e14, .nan])
  func json(value: Double) {
    #expect(!JSONValue.format(value).isEmpty)
  }

  @Test("a job shorter than a millisecond has a step table with shares")
  func submillisecondJob() throws {
    let path = "Fixtures/fuzz-log-submillisecond/input.log"
    let job = JobRun(parsingLog: try Golden.bytes(path), source: path)
    #expect(job.duration == .nanoseconds(300_000))
    let markdown = MarkdownSummary.render(RunReport(jobs: [job]))
    #expect(markdown.contains("Share of job"))
    #expect(markdown.contains("100%"))
  }

  @Test("a cache of 9·10^18 bytes in a log renders in Markdown and JSON")
  func hugeCacheSize() throws {
    let path = "Fixtures/fuzz-log-cache-size/input.log"
    let job = JobRun(parsingLog: try Golden.bytes(path), source: path)
    #expect(job.restores.first?.sizeBytes == 9_000_000_000_000_000_000)
    let report = RunReport(jobs: [job])
    #expect(MarkdownSummary.render(report).contains("9000 PB"))
    #expect(MetricsJSON.render(report).contains("9000000000000000000"))
  }
}
