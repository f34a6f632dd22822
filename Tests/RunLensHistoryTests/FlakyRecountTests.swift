import Foundation
import Testing

@testable import RunLens

/// The flaky-test figures of ``HistoryReport`` against a count made the plain way, test by
/// test over every run, on random histories.
extension SplitMix: RandomNumberGenerator {}

@Suite("Flaky tests recount")
struct FlakyRecountTests {
  /// A test's figures: runs, flaky runs, failed runs, flips and pairs.
  struct Figures: Hashable {
    var runs = 0
    var flaky = 0
    var failed = 0
    var flips = 0
    var pairs = 0
  }

  /// The figures of every test that failed or was flaky at least once, counted test by test.
  static func plainCount(_ runs: [HistoryRun]) -> [String: Figures] {
    let ordered = runs.sorted {
      ($0.startedAtMs ?? 0, $0.key) < ($1.startedAtMs ?? 0, $1.key)
    }
    let names = Set(runs.flatMap { $0.tests.map { "\($0.suite)/\($0.name)" } })
    var result: [String: Figures] = [:]
    for name in names {
      var figures = Figures()
      var last: [String: Bool] = [:]
      for run in ordered {
        let named = run.tests.filter { "\($0.suite)/\($0.name)" == name }
        let suite = String(name.prefix { $0 != "/" })
        guard !named.isEmpty || run.suites.contains(where: { $0.name == suite }) else { continue }
        let failing = named.contains { $0.outcome != "passed" }
        if named.contains(where: { $0.outcome == "failed" }) {
          figures.failed += 1
        } else if named.contains(where: { $0.outcome == "flaky" }) {
          figures.flaky += 1
        }
        figures.runs += 1
        let branch = run.branch ?? ""
        if let previous = last[branch] {
          figures.pairs += 1
          if previous != failing { figures.flips += 1 }
        }
        last[branch] = failing
      }
      if figures.flaky + figures.failed > 0 { result[name] = figures }
    }
    return result
  }

  @Test("the report's runs, flaky and failed runs and flip rates are the plain count's")
  func randomHistories() {
    var random = SplitMix(seed: 2026)
    func pick<T>(_ values: [T]) -> T { values[Int(random.next() % UInt64(values.count))] }
    for history in 0..<30 {
      var runs: [HistoryRun] = []
      for index in 0..<(5 + history) {
        var run = HistoryRun(
          repository: "a/b", runId: "\(index)", ref: "refs/heads/\(pick(["main", "dev", "x"]))")
        let hour = String(format: "%02d", index % 24)
        run.jobs = [
          HistoryRun.Job(name: "test", startedAt: "2026-11-0\(1 + index / 24)T\(hour):00:00Z")
        ]
        for suite in ["a", "b", "c"] where random.next() % 3 != 0 {
          run.suites.append(.init(name: suite, total: 1, passed: 1, failed: 0))
        }
        // Tests named without their suite's row too, and the same test twice in one run.
        for _ in 0..<(random.next() % 6) {
          run.tests.append(
            .init(
              suite: pick(["a", "b", "c"]), name: pick(["t1", "t2", "t3"]),
              outcome: pick(["passed", "failed", "flaky", "flaky", "failed"])))
        }
        runs.append(run)
      }
      let expected = Self.plainCount(runs)
      #expect(!expected.isEmpty)
      let report = HistoryReport(
        runs: runs.shuffled(using: &random), options: .init(since: .days(Int.max)))
      var got: [String: Figures] = [:]
      for test in report.flakyTests {
        let name = "\(test.suite)/\(test.name)"
        // Flips and pairs are not in the report, only their ratio.
        let plain = expected[name] ?? Figures(flips: -1, pairs: -1)
        got[name] = Figures(
          runs: test.runs, flaky: test.flakyRuns, failed: test.failedRuns, flips: plain.flips,
          pairs: plain.pairs)
        let rate = plain.pairs > 0 ? Double(plain.flips) / Double(plain.pairs) : 0
        #expect(test.flipRate == rate, "history \(history): \(name)")
      }
      #expect(got == expected, "history \(history)")
    }
  }
}
