import ArgumentParser
import Foundation
import Testing

@testable import RunLens
@testable import RunLensHistory
@testable import runlens

/// `runlens history sync` against the local stand-in API (workflow ci.yml: runs 300–305).
@Suite("runlens history sync")
struct HistorySyncTests {
  static func sync(_ server: GitHubStandIn, db: String, _ extra: [String]) throws -> (
    status: Int32, stdout: String, stderr: String
  ) {
    try ReportCommandTests.run(
      [
        "history", "sync", "--db", db, "--repo", "acme/widget", "--workflow", "ci.yml",
        "--cache-dir", server.path("cache"),
      ] + extra, environment: server.environment())
  }

  @Test("options: --repo and --workflow are needed, --since takes a date or days")
  func parsing() throws {
    let sync = try HistoryCommand.Sync.parse(["--repo", "a/b", "--workflow", "ci.yml"])
    #expect(sync.since == "30d")
    #expect(sync.store.db == HistoryStore.defaultPath)
    #expect(throws: (any Error).self) { try HistoryCommand.Sync.parse(["--repo", "a/b"]) }
    #expect(throws: (any Error).self) {
      try HistoryCommand.Sync.parse(["--repo", "a", "--workflow", "ci.yml"])
    }
    #expect(throws: (any Error).self) {
      try HistoryCommand.Sync.parse(["--repo", "a/b", "--workflow", "ci.yml", "--since", "soon"])
    }
  }

  @Test(
    "sync adds every completed run, reads every page, goes on past a run that fails, and adds nothing the second time"
  )
  func syncTwice() throws {
    let server = try GitHubStandIn()
    let db = server.path("history.sqlite")
    let first = try Self.sync(server, db: db, ["--since", "2025-11-01"])
    // Run 303's jobs answer 500: reported, the other four are added, and the exit code is 1.
    #expect(first.status == 1, "\(first.stderr)")
    #expect(first.stderr.contains("error: run 303:"), "\(first.stderr)")
    #expect(first.stderr.contains("4 added, 0 already stored, 1 failed"), "\(first.stderr)")
    let store = try HistoryStore(path: db)
    #expect(
      try store.keys() == [
        "acme/widget#300#1", "acme/widget#301#2", "acme/widget#302#1", "acme/widget#304#1",
      ])
    let runs = try store.runs()
    let run = try #require(runs.first { $0.runId == "302" })
    #expect(run.branch == "feature")
    #expect(run.workflow == "CI")
    #expect(run.sha == String(repeating: "0", count: 37) + "12e")
    #expect(run.createdAt == "2025-12-02T08:00:00Z")
    #expect(run.url == "https://github.com/acme/widget/actions/runs/302")
    #expect(run.jobs.map(\.name) == ["build"])
    #expect(runs.first { $0.runId == "301" }?.runAttempt == "2")

    let requests = try server.requests().filter { $0.host == "api" }
    let listing = requests.filter { $0.path.contains("/actions/workflows/ci.yml/runs") }
    #expect(listing.count == 3)
    #expect(listing[0].path.contains("status=completed"))
    #expect(listing[0].path.contains("created=%3E%3D2025-11-01"))
    #expect(listing[2].path.contains("page=3"))

    let second = try Self.sync(server, db: db, ["--since", "2025-11-01"])
    #expect(second.status == 1)
    #expect(second.stderr.contains("0 added, 4 already stored, 1 failed"), "\(second.stderr)")
    // Stored runs are not fetched again: only run 303's jobs are asked for a second time.
    let again = try server.requests().filter { $0.host == "api" }.dropFirst(requests.count)
    let jobs = again.filter { $0.path.contains("/jobs") }
    #expect(!jobs.isEmpty)
    #expect(jobs.allSatisfy { $0.path.contains("/runs/303/") })
    #expect(try HistoryStore(path: db).count() == 4)
  }

  @Test("--branch and --since pick the runs; the report filters them by branch and workflow")
  func filters() throws {
    let server = try GitHubStandIn()
    let db = server.path("history.sqlite")
    let result = try Self.sync(server, db: db, ["--branch", "main", "--since", "2025-12-01"])
    #expect(result.stderr.contains("2 added, 0 already stored, 1 failed"), "\(result.stderr)")
    #expect(try HistoryStore(path: db).keys() == ["acme/widget#301#2", "acme/widget#304#1"])
    let listing = try server.requests().filter { $0.path.contains("/workflows/ci.yml/runs") }
    #expect(listing.first?.path.contains("branch=main") == true)

    let feature = try Self.sync(server, db: db, ["--branch", "feature", "--since", "2025-11-01"])
    #expect(feature.status == 0, "\(feature.stderr)")
    #expect(feature.stderr.contains("1 added, 0 already stored, 0 failed"), "\(feature.stderr)")
    for (filter, count) in [
      (["--branch", "main"], 2), (["--branch", "feature"], 1), (["--workflow", "CI"], 3),
      (["--workflow", "Other"], 0),
    ] {
      let report = try ReportCommandTests.run(
        ["history", "report", "--db", db, "--format", "json"] + filter)
      #expect(report.status == 0, "\(report.stderr)")
      let object = try JSONSerialization.jsonObject(with: Data(report.stdout.utf8))
      #expect((object as? [String: Any])?["runs"] as? Int == count, "\(filter)")
    }
  }
}
