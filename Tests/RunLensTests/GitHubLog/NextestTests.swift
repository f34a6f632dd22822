import Foundation
import Testing

@testable import RunLens

@Suite("nextest human output in a log")
struct NextestTests {
  @Test(
    "summary grammar",
    arguments: [
      (
        "Summary [   0.021s] 14 tests run: 12 passed (1 slow, 1 flaky), 1 failed, 1 timed out, 177 skipped",
        [14, 12, 1, 2, 0, 177], 21
      ),
      ("Summary [   1.487s] 18 tests run: 18 passed, 0 skipped", [18, 18, 0, 0, 0, 0], 1487),
      (
        "Summary [   3.000s] 10/14 tests run: 7 passed, 2 failed, 1 exec failed, 0 skipped",
        [10, 7, 0, 2, 1, 0], 3000
      ),
      ("Summary [   0.500s] 1 test run: 1 passed, 0 skipped", [1, 1, 0, 0, 0, 0], 500),
    ] as [(String, [Int], Int64)])
  func summary(line: String, counts: [Int], milliseconds: Int64) throws {
    let summary = try #require(Nextest.summary(line))
    #expect(
      [
        summary.run, summary.passed, summary.flaky, summary.failed, summary.execFailed,
        summary.skipped,
      ] == counts)
    #expect(summary.duration?.milliseconds == milliseconds)
  }

  @Test(
    "a job's tests come from nextest's summary and final status list when there is no JUnit file")
  func fromLog() throws {
    let log = Parsing.timestamped(
      """
      ##[group]Run cargo nextest run
      \u{1B}[36;1mcargo nextest run\u{1B}[0m
      shell: /usr/bin/bash -e {0}
      ##[endgroup]
              PASS [   0.005s] (1/4) core tests::a
              FAIL [   0.010s] (2/4) core tests::b
        TRY 1 FAIL [   0.003s] (───) core tests::c
        TRY 2 PASS [   0.002s] (3/4) core tests::c
              PASS [   0.005s] (4/4) core tests::d
      ────────────
           Summary [   0.021s] 4 tests run: 3 passed (1 flaky), 1 failed, 2 skipped
         FLAKY 2/3 [   0.002s] (3/4) core tests::c
              FAIL [   0.010s] (2/4) core tests::b
      error: test run failed
      """)
    let job = Parsing.job(log)
    let tests = try #require(job.tests)
    #expect(tests.source == .nextestLog)
    let counts: [Int] = [
      tests.total, tests.passed, tests.failed, tests.errors, tests.skipped, tests.flaky,
    ]
    #expect(counts == [6, 3, 1, 0, 2, 1])
    #expect(tests.failures.map(\.name) == ["tests::b"])
    #expect(tests.flakyTests.map { "\($0.name) \($0.attempts)" } == ["tests::c 2"])
    #expect(RunReport(jobs: [job]).tests?.total == 6)
  }
}

@Suite("Tests in the Markdown summary")
struct TestsMarkdownTests {
  @Test("hostile names and messages stay inert")
  func hostile() {
    let failure = TestSummary.Failure(
      suite: "crate|x", name: "`name` <script>alert(1)</script> @team | $x$", outcome: .failed,
      message: "boom ``` </details> @octocat", failureType: nil, attempts: 1, isFlaky: false,
      details: "line one\n```\n</pre></details><script>x</script>\n@octocat", output: "out\n\n",
      cutBytes: 0)
    var tests = TestSummary(source: .junit)
    tests.total = 1
    tests.failed = 1
    tests.failures = [failure]
    let text = MarkdownSummary.render(RunReport(jobs: [], junit: tests))
    #expect(!text.contains("<script>"))
    #expect(!text.contains("@team"))
    #expect(!text.contains("@octocat"))
    #expect(!text.contains("</pre></details>"))
    #expect(
      text.components(separatedBy: "<pre>").count == text.components(separatedBy: "</pre>").count)
    #expect(
      text.components(separatedBy: "<details>").count
        == text.components(separatedBy: "</details>").count)
  }
}

/// Regressions from the fuzzing campaign (issue 13): nextest's numbers are untrusted.
@Suite("nextest numbers at the limits")
struct NextestLimitTests {
  @Test(
    "a time that does not fit in nanoseconds is no time",
    arguments: ["inf", "1e300", "nan", "-inf"])
  func time(seconds: String) throws {
    let summary = try #require(
      Nextest.summary("Summary [ \(seconds)s] 1 test run: 1 passed, 0 skipped"))
    #expect(summary.duration == nil)
    #expect(summary.passed == 1)
  }

  @Test("counts past a billion are not counts, so sums of jobs never overflow")
  func counts() {
    let huge = "9223372036854775807"
    #expect(Nextest.summary("Summary [ 1.0s] \(huge) tests run: 1 passed, 0 skipped") == nil)
    let summary = Nextest.summary(
      "Summary [ 1.0s] 2 tests run: \(huge) passed, \(huge) failed, \(huge) failed, 0 skipped")
    #expect(summary?.passed == 0)
    #expect(summary?.failed == 0)
    #expect(Nextest.statusLine("FLAKY \(huge)/3 [   0.002s] crate tests::name")?.attempts == 1)
  }
}
