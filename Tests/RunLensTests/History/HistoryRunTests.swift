import Foundation
import Testing

@testable import RunLens

@Suite("HistoryRun")
struct HistoryRunTests {
  static func fixtureRun(_ number: Int) throws -> HistoryRun {
    let name = number < 10 ? "run-0\(number).json" : "run-\(number).json"
    return try HistoryRun(metricsJSON: Golden.bytes("Fixtures/history-3-weeks/\(name)"))
  }

  @Test("a metrics document becomes a run with its identity, jobs, cache and tests")
  func metrics() throws {
    let run = try Self.fixtureRun(3)
    #expect(run.key == "acme/ledger#5003#1")
    #expect(run.branch == "main")
    #expect(run.startedAt == "2026-11-03T08:00:00.0000000Z")
    #expect(run.jobs.map(\.name) == ["build", "test"])
    #expect(run.jobs[0].steps.count == 8)
    #expect(run.restores.map(\.outcome) == ["exact-hit", "exact-hit", "exact-hit", "miss"])
    #expect(
      run.restores.map(\.family) == [
        "cargo-registry-Linux-", "cargo-target-Linux-", "cargo-registry-Linux-", "sccache-Linux-",
      ])
    #expect(
      run.tests.filter { $0.outcome == "flaky" }.map(\.name) == ["sync::tests::lock_contention"])
    // The slowest list adds passing tests with their times; a flaky one keeps its outcome.
    let lock = try #require(run.tests.first { $0.name == "sync::tests::lock_contention" })
    #expect(lock.durationMs == 17)
    #expect(run.suites.map(\.name) == ["ledger-core", "ledger-core::integration"])
  }

  @Test("rows reassemble into the same run")
  func roundTrip() throws {
    for number in [1, 17, 30] {
      let run = try Self.fixtureRun(number)
      var tables: [HistoryTable: [[HistoryCell]]] = [:]
      for table in HistoryTable.allCases {
        let rows = run.rows(table, key: run.key)
        #expect(rows.allSatisfy { $0.count == table.columns.count })
        tables[table] = rows.reversed()
      }
      #expect(HistoryRun.assemble(tables) == [run])
    }
  }

  @Test("a run without identity is keyed by a content hash that ignores nothing it keeps")
  func contentKey() throws {
    var run = try Self.fixtureRun(1)
    run.repository = nil
    run.runId = nil
    let key = run.key
    #expect(key.hasPrefix("content:"))
    #expect(run.key == key)
    run.jobs[0].steps[0].durationMs = 1
    #expect(run.key != key)
  }

  @Test(
    "key families drop trailing hash parts",
    arguments: [
      ("cargo-Linux-3f9a1c07be52d4e8", "cargo-Linux-"),
      ("nix-v3-deps-3f9a1c07be52d4e8-8c21e4f06a9b7d13", "nix-v3-deps-"),
      ("node-cache-Linux-npm", "node-cache-Linux-npm"),
      ("deadbeef00", "deadbeef00"),
    ])
  func family(key: String, family: String) {
    #expect(HistoryRun.family(ofKey: key) == family)
  }

  @Test("a document that is not metrics is refused with a message")
  func notMetrics() {
    #expect(throws: HistoryRun.ParseError.self) { try HistoryRun(metricsJSON: Array("[]".utf8)) }
    #expect(throws: HistoryRun.ParseError.self) {
      try HistoryRun(metricsJSON: Array(#"{"schemaVersion": 9}"#.utf8))
    }
  }

  @Test("a report without a job is not a run")
  func emptyReport() {
    let report = RunAssembly().build(targets: Configuration().targets)
    #expect(
      throws: HistoryRun.ParseError(message: "not a run: no job log or runlens metrics JSON in it")
    ) {
      try HistoryRun(report: report)
    }
  }
}
