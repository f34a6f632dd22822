import Foundation
import Testing

@testable import RunLens

@Suite("TestChanges")
struct TestChangesTests {
  static func summary(failing: [String], total: Int) -> TestSummary {
    var summary = TestSummary(source: .junit)
    summary.total = total
    summary.failed = failing.count
    summary.passed = total - failing.count
    summary.failures = failing.map {
      TestSummary.Failure(
        suite: "S", name: $0, outcome: .failed, message: nil, failureType: nil, attempts: 1,
        isFlaky: false, details: nil, output: nil, cutBytes: 0)
    }
    return summary
  }

  @Test("newly failing, fixed and still failing against the newest baseline run")
  func changes() {
    let changes = TestChanges(
      baseline: [
        TestChangesTests.summary(failing: ["a", "b"], total: 10), nil,
        TestChangesTests.summary(failing: ["c"], total: 9),
      ],
      candidate: TestChangesTests.summary(failing: ["b", "c", "d"], total: 11))
    #expect(changes.newlyFailing.map(\.name) == ["d"])
    #expect(changes.fixed.map(\.name) == ["a"])
    #expect(changes.stillFailing.map(\.name) == ["b"])
    #expect(changes.baseline?.total == 10)
    #expect(changes.candidate?.failed == 3)
    let text = changes.markdown()
    #expect(text.contains("| Tests | 10 | 11 | +1 |"))
    #expect(text.contains("**❌ Newly failing (1):** <code>S d</code>"))
    #expect(TestChanges(baseline: [], candidate: nil).markdown().isEmpty)
  }
}

@Suite("TestChanges: added and removed tests")
struct AddedRemovedTests {
  static func summary(_ names: [String: [String]]?, failing: [String] = []) -> TestSummary {
    var summary = TestChangesTests.summary(
      failing: failing, total: names?.values.map(\.count).reduce(0, +) ?? 0)
    summary.testNames = names
    return summary
  }

  @Test("added and removed against the newest baseline run whose names are known")
  func addedRemoved() {
    let changes = TestChanges(
      baselineRuns: [
        ("newest.json", Self.summary(nil)),
        ("older.json", Self.summary(["S": ["a", "b", "old"], "Gone": ["x"]])),
      ],
      candidate: Self.summary(["S": ["a", "b", "new"], "Fresh": ["y"]]))
    #expect(changes.namesBaseline == "older.json")
    #expect(changes.added.map { "\($0.suite) \($0.name)" } == ["Fresh y", "S new"])
    #expect(changes.removed.map { "\($0.suite) \($0.name)" } == ["Gone x", "S old"])
    #expect(changes.namesNotToldBecause == nil)
    let text = changes.markdown()
    #expect(text.contains("**➕ Added (2):** <code>Fresh y</code>, <code>S new</code>"))
    #expect(text.contains("**➖ Removed (2):** <code>Gone x</code>, <code>S old</code>"))
    #expect(
      text.contains(
        "Added and removed tests are against <code>older.json</code>, the newest baseline run"))
  }

  @Test("a renamed test is one added and one removed")
  func renamed() {
    let changes = TestChanges(
      baseline: [Self.summary(["S": ["a", "before"]])],
      candidate: Self.summary(["S": ["a", "after"]]))
    #expect(changes.added == [.init(suite: "S", name: "after")])
    #expect(changes.removed == [.init(suite: "S", name: "before")])
  }

  @Test("the same name in another suite is another test")
  func suites() {
    let changes = TestChanges(
      baseline: [Self.summary(["A": ["t"]])], candidate: Self.summary(["B": ["t"]]))
    #expect(changes.added == [.init(suite: "B", name: "t")])
    #expect(changes.removed == [.init(suite: "A", name: "t")])
  }

  @Test("unknown names on either side: not told, and the reason is said")
  func unknown() {
    let noCandidate = TestChanges(
      baseline: [Self.summary(["S": ["a"]])], candidate: Self.summary(nil))
    #expect(noCandidate.added.isEmpty && noCandidate.removed.isEmpty)
    #expect(noCandidate.namesBaseline == nil)
    #expect(noCandidate.namesNotToldBecause?.hasPrefix("the candidate's test names") == true)
    var tooMany = Self.summary(nil)
    tooMany.testNamesNotKeptBecause = "more than 100,000 tests"
    let noBaseline = TestChanges(baseline: [tooMany], candidate: Self.summary(["S": ["a"]]))
    #expect(noBaseline.namesNotToldBecause?.contains("more than 100,000 tests") == true)
    #expect(noBaseline.markdown().contains("Added and removed tests are not told: "))
    var nextest = TestSummary(source: .nextestLog)
    nextest.total = 3
    let fromLog = TestChanges(baseline: [nextest], candidate: nextest)
    #expect(fromLog.namesNotToldBecause?.contains("nextest's log") == true)
    // No test results on either side: nothing to say.
    #expect(TestChanges(baseline: [nil], candidate: nil).namesNotToldBecause == nil)
  }

  @Test("long lists are cut with the count of the rest")
  func capped() {
    let names = (0..<60).map { "t\($0 < 10 ? "0" : "")\($0)" }
    let changes = TestChanges(
      baseline: [Self.summary(["S": []])], candidate: Self.summary(["S": names]))
    let text = changes.markdown(limit: 50)
    #expect(text.contains("<code>S t49</code>, and 10 more"))
    #expect(!text.contains("t50"))
  }

  @Test("names survive the metrics JSON round trip; a file without them means not known")
  func roundTrip() throws {
    let xml = """
      <testsuites><testsuite name="calc"><testcase name="add"/><testcase name="a &amp; b"/>\
      <testcase name="add"/></testsuite><testsuite name="io"><testcase name="read">\
      <failure message="boom"/></testcase></testsuite></testsuites>
      """
    let (summary, _) = TestSummary.parsing(junit: [("junit.xml", Array(xml.utf8))])
    #expect(summary.testNames == ["calc": ["a & b", "add"], "io": ["read"]])
    let report = RunReport(jobs: [], junit: summary)
    let json = MetricsJSON.render(report)
    let sample = try RunSample(metricsJSON: Array(json.utf8), source: "m.json")
    #expect(sample.tests?.testNames == summary.testNames)
    #expect(sample.tests?.failures.map(\.name) == ["read"])
    #expect(sample == RunSample(report: report, source: "m.json"))
    // An older metrics file: no `names` member.
    let old = json.replacingOccurrences(
      of: #"    "names": {"#, with: #"    "oldNames": {"#)
    let oldSample = try RunSample(metricsJSON: Array(old.utf8), source: "old.json")
    #expect(oldSample.tests != nil)
    #expect(oldSample.tests?.testNames == nil)
  }

  @Test("past 100,000 tests no names are kept, and the summary says why")
  func cap() {
    var builder = TestSummaryBuilder()
    for index in 0...TestSummaryBuilder.maximumNamed {
      builder.add(TestCaseResult(suite: "S", name: "t\(index)", outcome: .passed))
    }
    let summary = builder.build()
    #expect(summary.total == TestSummaryBuilder.maximumNamed + 1)
    #expect(summary.testNames == nil)
    #expect(summary.testNamesNotKeptBecause?.contains("100,000") == true)
    var small = TestSummaryBuilder()
    small.add(TestCaseResult(suite: "S", name: "only", outcome: .passed))
    #expect(small.build().testNames == ["S": ["only"]])
    #expect(small.build().testNamesNotKeptBecause == nil)
  }
}

@Suite("TestLocation")
struct TestLocationTests {
  @Test(
    "a Rust panic's and a runner's location",
    arguments: [
      ("thread 't' panicked at tests/x.rs:42:5:\nboom", "tests/x.rs 42 5"),
      ("see https://example.com:8080/a.b", "none"),
      ("at app/test_a.py:12", "app/test_a.py 12 -"),
      ("assertion failed (src/lib.rs:7)", "src/lib.rs 7 -"),
    ])
  func location(_ text: String, expected: String) {
    let found = TestLocation(searching: text).map {
      "\($0.file) \($0.line) \($0.column.map(String.init) ?? "-")"
    }
    #expect((found ?? "none") == expected)
  }

  @Test("the byte pre-test rejects only texts that name no location")
  func preTest() {
    // Texts built from the pieces a location is made of, and pieces that are not: every text
    // with a location passes the pre-test.
    let pieces = [
      ":", "1", "+", "-", "0", "a.rs", " ", "\n", "\r\n", "(", ")", "x", ".", ",", "é", "\u{301}",
      "\u{600}", "http", "٣", "12", "9",
    ]
    var generator = SeededGenerator(seed: 16)
    var found = 0
    for _ in 0..<20_000 {
      // Random pieces around a location-like core (`a.rs:12` or `a.rs:+3:4`, its pieces
      // sometimes changed), so that some texts name a location and some nearly do.
      func some(_ count: Int) -> String {
        (0..<Int.random(in: 0...count, using: &generator)).map { _ in
          pieces.randomElement(using: &generator)!
        }.joined()
      }
      let digits = ["12", "9", "+3", "1", "40", "7"]
      let line = digits[Int.random(in: digits.indices, using: &generator)]
      let column = digits[Int.random(in: digits.indices, using: &generator)]
      let core = ["a.rs", ":", line, ":", column].prefix(Int.random(in: 0...5, using: &generator))
        .map { Bool.random(using: &generator) ? $0 : some(2) }.joined()
      let text = some(4) + core + some(4)
      if let location = TestLocation(searching: text) {
        found += 1
        #expect(TestLocation.mayName(text), "\(text.debugDescription) -> \(location)")
      }
    }
    #expect(found > 100)
    #expect(!TestLocation.mayName("no location: here, at 12 or a.rs:x"))
    #expect(TestLocation.mayName("a.rs:+3"))
    #expect(TestLocation.mayName("x (a.rs:9)"))
  }
}
