import Foundation
import GRDB
import Testing

@testable import RunLens
@testable import RunLensHistory

@Suite("HistoryStore")
struct HistoryStoreTests {
  static let packageRoot = URL(fileURLWithPath: #filePath)
    .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()

  static func fixtureRun(_ number: Int) throws -> HistoryRun {
    let name = String(format: "run-%02d.json", number)
    let url = packageRoot.appendingPathComponent("Fixtures/history-3-weeks/\(name)")
    return try HistoryRun(metricsJSON: [UInt8](Data(contentsOf: url)))
  }

  static func temporaryPath() -> String {
    FileManager.default.temporaryDirectory.appendingPathComponent(
      "runlens-history-\(UUID().uuidString).sqlite"
    ).path
  }

  @Test("runs added come back equal, and adding one again changes nothing")
  func addAndReadd() throws {
    let path = Self.temporaryPath()
    defer { try? FileManager.default.removeItem(atPath: path) }
    let store = try HistoryStore(path: path)
    let runs = try (1...5).map(Self.fixtureRun)
    for run in runs { #expect(try store.add(run) == .added) }
    #expect(try store.add(runs[2]) == .alreadyStored)
    #expect(try store.count() == 5)
    #expect(try store.runs() == runs)
    // The same store opened again holds the same runs.
    #expect(try HistoryStore(path: path).runs() == runs)
  }

  @Test("a run without identity is stored once by its content")
  func contentIdentity() throws {
    let path = Self.temporaryPath()
    defer { try? FileManager.default.removeItem(atPath: path) }
    let store = try HistoryStore(path: path)
    var run = try Self.fixtureRun(1)
    run.repository = nil
    #expect(try store.add(run) == .added)
    #expect(try store.add(run) == .alreadyStored)
    run.wallMs = 1
    #expect(try store.add(run) == .added)
    #expect(try store.count() == 2)
  }

  @Test("a store made by schema v1 opens, migrates (v2 and v3) and keeps its runs")
  func previousSchema() throws {
    let path = Self.temporaryPath()
    defer { try? FileManager.default.removeItem(atPath: path) }
    let run = try Self.fixtureRun(8)
    do {
      let queue = try DatabaseQueue(path: path)
      try HistoryStore.migrator.migrate(queue, upTo: "v1")
      try queue.write { db in
        for table in [HistoryTable.runs, .jobs, .steps, .restores, .saves, .tests] {
          for full in run.rows(table, key: run.key) {
            // v1's runs table has no createdAt and url (v3 adds them).
            let row = table == .runs ? Array(full.dropLast(2)) : full
            let marks = Array(repeating: "?", count: row.count).joined(separator: ", ")
            try db.execute(
              sql: "INSERT INTO \(table.rawValue) VALUES (\(marks))",
              arguments: StatementArguments(row.map(\.databaseValue)))
          }
        }
      }
      #expect(try queue.read { try $0.tableExists("suites") } == false)
    }
    let store = try HistoryStore(path: path)
    var expected = run
    expected.suites = []
    #expect(try store.runs() == [expected])
    #expect(try store.add(run) == .alreadyStored)
    #expect(try store.integrityCheck() == "ok")
  }

  /// Options that pick different runs and periods of the fixture history.
  static let reportOptions: [HistoryReport.Options] = [
    .default, .init(branch: "main"), .init(branch: "feature/sccache"), .init(workflow: "Release"),
    .init(since: .days(7)), .init(since: .date("2026-11-16")), .init(limitBytes: 1_000_000),
  ]

  /// A run of one job started at `start` that restored and saved each of `saves` (key, size).
  static func sizedRun(_ id: Int, _ start: String, _ saves: [(String, Int64)]) throws
    -> HistoryRun
  {
    let restores = saves.map {
      #"{"step":"r","primaryKey":"\#($0.0)","outcome":"miss","durationMs":5}"#
    }
    let saved = saves.map {
      #"{"step":"s","key":"\#($0.0)","outcome":"saved","sizeBytes":\#($0.1)}"#
    }
    let text =
      #"{"schemaVersion":1,"run":{"repository":"a/b","runId":"\#(id)","runAttempt":"1","#
      + #""ref":"refs/heads/main","workflow":"CI"},"totals":{"wallMs":1000,"computeMs":1000},"#
      + #""jobs":[{"name":"build","startedAt":"\#(start)","durationMs":1000,"steps":[],"#
      + #""cache":{"restores":[\#(restores.joined(separator: ","))],"#
      + #""saves":[\#(saved.joined(separator: ","))]}}]}"#
    return try HistoryRun(metricsJSON: Array(text.utf8))
  }

  @Test(
    "sizes at the ends of Int64 (each trapped a report): negative ones do not count, sums saturate"
  )
  func extremeSizes() throws {
    let a = "famA-Linux-0123456789abcdef"
    let b = "famB-Linux-0123456789abcdef"
    let cases: [([(String, Int64)], [(String, Int64)], footprint: Int64)] = [
      ([(a, -1)], [(a, .max)], .max),
      ([(a, .max)], [(a, -2)], .max),
      ([(a, .min)], [(a, 0)], 0),
      ([(a, 0)], [(a, .max)], .max),
      ([(a, .min), (b, 100)], [(b, 1000)], 1000),
      ([(a, .max), (b, .max)], [(b, .max)], .max),
    ]
    for (first, second, footprint) in cases {
      let runs = [
        try Self.sizedRun(1, "2025-01-01T00:00:00Z", first),
        try Self.sizedRun(2, "2025-01-08T00:00:00Z", second),
      ]
      let path = Self.temporaryPath()
      defer { try? FileManager.default.removeItem(atPath: path) }
      let store = try HistoryStore(path: path)
      for run in runs { try store.add(run) }
      let options = HistoryReport.Options(since: .days(Int.max))
      let report = try store.report(options: options)
      #expect(report == HistoryReport(runs: runs, options: options))
      #expect(report.footprintBytes == footprint, "\(first) \(second)")
      #expect(report.families.allSatisfy { ($0.lastBytes ?? 0) >= 0 })
      #expect(!HistoryReportRenderer.markdown(report).isEmpty)
      #expect(!HistoryReportRenderer.html(report).isEmpty)
      #expect(!HistoryReportRenderer.json(report).isEmpty)
    }
  }

  @Test("the report read row by row from the store is the report over the stored runs")
  func streamingReport() throws {
    let path = Self.temporaryPath()
    defer { try? FileManager.default.removeItem(atPath: path) }
    let store = try HistoryStore(path: path)
    var runs = try (1...40).map(Self.fixtureRun)
    // A run without identity, and one without a start.
    var anonymous = runs[4]
    anonymous.repository = nil
    anonymous.wallMs = 1
    var undated = runs[5]
    undated.runId = "undated"
    for index in undated.jobs.indices { undated.jobs[index].startedAt = nil }
    runs += [anonymous, undated]
    for run in runs.reversed() { try store.add(run) }
    let stored = try store.runs()
    #expect(stored.count == 42)
    for options in Self.reportOptions {
      let report = try store.report(options: options)
      #expect(report == HistoryReport(runs: stored, options: options))
      #expect(report == HistoryReport(runs: runs, options: options))
    }
    let report = try store.report()
    #expect(report.runs == 41)
    #expect(report.undatedRuns == 1)
    #expect(!report.changePoints.isEmpty && !report.flakyTests.isEmpty)
  }

  @Test("rows out of run order, of unknown runs or of missing jobs read as the runs read them")
  func streamingReportOfOddRows() throws {
    let path = Self.temporaryPath()
    defer { try? FileManager.default.removeItem(atPath: path) }
    let runs = try (1...12).map(Self.fixtureRun)
    do {
      let queue = try DatabaseQueue(path: path)
      try HistoryStore.migrator.migrate(queue)
      try queue.write { db in
        func insert(_ table: HistoryTable, _ row: [HistoryCell]) throws {
          let marks = Array(repeating: "?", count: row.count).joined(separator: ", ")
          try db.execute(
            sql: "INSERT INTO \(table.rawValue) VALUES (\(marks))",
            arguments: StatementArguments(row.map(\.databaseValue)))
        }
        for run in runs { try insert(.runs, run.rows(.runs, key: run.key)[0]) }
        // Each child table's rows interleaved across runs (round robin), not run by run.
        for table in HistoryTable.allCases where table != .runs {
          let rows = runs.map { $0.rows(table, key: $0.key) }
          for index in 0..<(rows.map(\.count).max() ?? 0) {
            for run in rows.indices where index < rows[run].count {
              try insert(table, rows[run][index])
            }
          }
        }
        // A restore of a job the run does not have, and rows of a run that is not stored.
        var orphan = runs[0].rows(.restores, key: runs[0].key)[0]
        orphan[4] = .int(7)
        try insert(.restores, orphan)
        for table in HistoryTable.allCases where table != .runs {
          for row in runs[1].rows(table, key: "acme/ledger#missing#1") { try insert(table, row) }
        }
      }
    }
    let store = try HistoryStore(path: path)
    let stored = try store.runs()
    #expect(stored == runs)
    for options in Self.reportOptions {
      #expect(try store.report(options: options) == HistoryReport(runs: stored, options: options))
    }
  }

  @Test("a run's rows made at once are its rows made table by table, content hash included")
  func allRows() throws {
    var runs = try (1...6).map(Self.fixtureRun)
    runs[1].repository = nil
    runs[2].jobs = []
    for run in runs {
      let rows = run.allRows(key: run.key)
      #expect(rows.map(\.table) == HistoryTable.allCases)
      for (table, tableRows) in rows { #expect(tableRows == run.rows(table, key: run.key)) }
      #expect(rows[0].rows[0][23] == .string(run.contentHash))
    }
  }
}
