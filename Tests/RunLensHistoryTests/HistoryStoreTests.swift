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
}
