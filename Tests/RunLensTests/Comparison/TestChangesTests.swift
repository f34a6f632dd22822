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
        Self.summary(failing: ["a", "b"], total: 10), nil, Self.summary(failing: ["c"], total: 9),
      ],
      candidate: Self.summary(failing: ["b", "c", "d"], total: 11))
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
}
