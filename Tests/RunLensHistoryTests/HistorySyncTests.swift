import Foundation
import Testing

@testable import RunLens
@testable import RunLensHistory

@Suite("HistorySync")
struct HistorySyncTests {
  static func listed(
    _ id: Int64, attempt: Int? = 1, status: String? = "completed", created: String
  ) -> WorkflowRun {
    var run = WorkflowRun(id: id)
    run.attempt = attempt
    run.status = status
    run.createdAt = LogTime(parsingISO8601: created)
    run.headBranch = "main"
    run.headSHA = "abc123"
    run.name = "CI"
    run.url = "https://github.com/o/r/actions/runs/\(id)"
    return run
  }

  @Test("--since: days count back from today, a date is itself, anything else is refused")
  func startDay() throws {
    let today = try #require(CalendarDay(parsing: "2026-12-05"))
    #expect(HistorySync.startDay("30d", today: today)?.text == "2026-11-05")
    #expect(HistorySync.startDay("0", today: today)?.text == "2026-12-05")
    #expect(HistorySync.startDay("2026-01-31", today: today)?.text == "2026-01-31")
    // More days than the range of times (it trapped) or than since 1970: 1970-01-01.
    #expect(HistorySync.startDay("999999999999999999d", today: today)?.text == "1970-01-01")
    #expect(HistorySync.startDay("30000", today: today)?.text == "1970-01-01")
    #expect(HistorySync.startDay("-3", today: today) == nil)
    #expect(HistorySync.startDay("last week", today: today) == nil)
    let query = HistorySync.listQuery(branch: "main", since: today)
    #expect(query.map(\.0) == ["status", "created", "per_page", "branch"])
    #expect(query[1].1 == ">=2026-12-05")
    #expect(HistorySync.listQuery(branch: nil, since: today).count == 3)
  }

  @Test("pending: completed runs not stored, each key once, oldest first")
  func pending() {
    let runs = [
      Self.listed(5, created: "2026-12-04T00:00:00Z"),
      Self.listed(4, status: "in_progress", created: "2026-12-03T00:00:00Z"),
      Self.listed(3, attempt: 2, created: "2026-12-02T00:00:00Z"),
      Self.listed(2, created: "2026-12-01T00:00:00Z"),
      Self.listed(5, created: "2026-12-04T00:00:00Z"),
      Self.listed(1, attempt: nil, created: "2026-11-30T00:00:00Z"),
    ]
    let result = HistorySync.pending(runs, repository: "o/r", stored: ["o/r#2#1", "o/r#3#1"])
    #expect(result.runs.map(\.id) == [1, 3, 5])
    #expect(result.stored == 1)
    #expect(HistorySync.key(of: runs[5], repository: "o/r") == "o/r#1#1")
  }

  @Test("a fetched run takes the listed run's identity, under the key sync checked")
  func identified() throws {
    let listed = Self.listed(7, attempt: 3, created: "2026-12-01T10:00:00Z")
    let run = HistorySync.identified(
      HistoryRun(sha: "old", ref: "refs/pull/1/merge", jobs: [.init(name: "build")]),
      as: listed, repository: "o/r")
    #expect(run.key == HistorySync.key(of: listed, repository: "o/r"))
    #expect(run.key == "o/r#7#3")
    #expect(run.branch == "main")
    #expect(run.sha == "abc123")
    #expect(run.workflow == "CI")
    #expect(run.createdAt == "2026-12-01T10:00:00Z")
    #expect(run.url == "https://github.com/o/r/actions/runs/7")
    #expect(run.jobs.map(\.name) == ["build"])
  }

  @Test("the creation time and page are stored and read back")
  func storesCreatedAtAndURL() throws {
    let path = FileManager.default.temporaryDirectory.appendingPathComponent(
      "runlens-sync-\(UUID().uuidString).sqlite"
    ).path
    defer { try? FileManager.default.removeItem(atPath: path) }
    var run = try HistoryStoreTests.fixtureRun(1)
    run.createdAt = "2026-12-01T10:00:00Z"
    run.url = "https://github.com/o/r/actions/runs/7"
    let store = try HistoryStore(path: path)
    try store.add(run)
    #expect(try store.runs() == [run])
  }
}
