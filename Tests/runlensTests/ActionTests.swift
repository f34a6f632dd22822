import Foundation
import Testing

/// `action.yml`'s steps run as the runner runs them (`Tests/GitHubStandIn/run_action.py`),
/// against the local GitHub stand-in, with the binary restored from the simulated cache.
@Suite("the GitHub Action")
struct ActionTests {
  /// Runs the action; returns the runner's exit status and its JSON result.
  static func run(event: String, pullRequest: Int? = nil, inputs: [String: String] = [:])
    throws -> (status: Int32, result: [String: Any], server: GitHubStandIn)
  {
    let server = try GitHubStandIn()
    var github: [String: Any] = [
      "repository": "acme/widget", "run_id": 100, "run_attempt": 1, "event_name": event,
      "base_ref": event == "pull_request" ? "main" : "", "action_ref": "v1",
      "token": "test-token-SECRET",
    ]
    if let pullRequest { github["event"] = ["pull_request": ["number": pullRequest]] }
    let process = Process()
    process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
    let root = ReportCommandTests.packageRoot
    process.arguments = [
      "python3", root.appendingPathComponent("Tests/GitHubStandIn/run_action.py").path,
      "--action", root.appendingPathComponent("action.yml").path,
      "--github",
      String(decoding: try JSONSerialization.data(withJSONObject: github), as: UTF8.self),
      "--inputs",
      String(
        decoding: try JSONSerialization.data(
          withJSONObject: inputs.merging(["token": "test-token-SECRET"]) { $1 }), as: UTF8.self),
      "--work", server.path("work"),
      "--seed-binary", ReportCommandTests.binary.path,
    ]
    var environment = server.environment(token: nil)
    environment["XDG_CACHE_HOME"] = server.path("xdg")
    process.environment = environment
    let out = Pipe()
    process.standardOutput = out
    process.standardError = FileHandle.nullDevice
    process.standardInput = FileHandle.nullDevice
    try process.run()
    let data = out.fileHandleForReading.readDataToEndOfFile()
    process.waitUntilExit()
    let result = try JSONSerialization.jsonObject(with: data) as? [String: Any] ?? [:]
    return (process.terminationStatus, result, server)
  }

  @Test("on push: the binary from the cache, the report in the summary, annotations, outputs")
  func push() throws {
    let (status, result, server) = try Self.run(event: "push")
    defer { withExtendedLifetime(server) {} }
    #expect(status == 0)
    let steps = (result["steps"] as? [[String: Any]])?.map {
      "\($0["id"] ?? "") \($0["outcome"] ?? "")"
    }
    #expect(
      steps == [
        "binary success", "restore success", "build skipped", "__step3 skipped", "report success",
        "compare skipped",
      ])
    let keys = result["cacheKeys"] as? [String]
    #expect(keys?.count == 1)
    #expect(keys?.first?.hasPrefix("runlens-Linux-X64-v1-") == true)
    let summary = result["summary"] as? String ?? ""
    #expect(summary.contains("## runlens · cache and step report"))
    #expect(summary.contains("**Still running:** 2 jobs"))
    let outputs = result["outputs"] as? [String: String] ?? [:]
    #expect(outputs["hit-rate"] == "1.0")
    let metrics = try #require(outputs["metrics-path"])
    #expect(FileManager.default.fileExists(atPath: metrics))
    #expect(outputs["comment-url"] == "")
    let stdout = result["stdout"] as? String ?? ""
    #expect(
      stdout.contains(
        "::error title=runlens%3A logsift parse%3A%3Atests%3A%3Atimestamps failed::"))
    #expect(!stdout.contains("SECRET") && !summary.contains("SECRET"))
  }

  @Test("with a JUnit file: failing tests annotated at their file and line, 10 at most")
  func junitAnnotations() throws {
    let junit = ReportCommandTests.packageRoot.appendingPathComponent(
      "Fixtures/junit-file-line-annotations/junit.xml")
    let (status, result, server) = try Self.run(event: "push", inputs: ["junit": junit.path])
    defer { withExtendedLifetime(server) {} }
    #expect(status == 0)
    let lines = (result["stdout"] as? String ?? "").split(separator: "\n").map(String.init)
    #expect(
      lines.contains(
        "::error file=tests/Unit/CartTest.php,line=29,title=runlens%3A checkout test_workspace_path failed::Failed asserting that 16.0 matches expected 19.0."
      ))
    #expect(lines.filter { $0.hasPrefix("::error ") }.count == 10)
    #expect(
      lines.contains {
        $0.hasPrefix("::notice title=runlens%3A failing tests not annotated::2 more failing tests")
      })
  }

  @Test("on pull_request: compared with the base branch, and the comment posted")
  func pullRequest() throws {
    let (status, result, server) = try Self.run(event: "pull_request", pullRequest: 6)
    #expect(status == 0)
    let outputs = result["outputs"] as? [String: String] ?? [:]
    #expect(outputs["comment-url"] == "https://github.com/acme/widget/pull/6#issuecomment-901")
    let comparison = try String(
      contentsOfFile: try #require(outputs["comparison-path"]), encoding: .utf8)
    #expect(comparison.hasPrefix("<!-- runlens:comparison -->"))
    #expect(comparison.contains("**Baseline (3):**"))
    let requests = try server.requests()
    #expect(requests.contains { $0.path.contains("/actions/workflows/7/runs?branch=main") })
    #expect(
      requests.contains { $0.method == "POST" && $0.path == "/repos/acme/widget/issues/6/comments" }
    )
  }
}
