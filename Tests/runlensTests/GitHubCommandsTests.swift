import Foundation
import RunLensGitHub
import Testing

/// The commands that call the GitHub API, run as the built binary against the local stand-in.
@Suite("runlens and the GitHub API")
struct GitHubCommandsTests {
  static func run(_ arguments: [String], _ environment: [String: String]) throws -> (
    status: Int32, stdout: String, stderr: String
  ) {
    try ReportCommandTests.run(arguments, environment: environment)
  }

  @Test(
    "fetch writes the merged jobs and the completed jobs' logs, and never sends the token off the API host"
  )
  func fetch() throws {
    let server = try GitHubStandIn()
    let output = server.path("run")
    let result = try Self.run(
      [
        "fetch", "--repo", "acme/widget", "--run", "100", "-o", output, "--cache-dir",
        server.path("cache"),
      ],
      server.environment())
    #expect(result.status == 0, "\(result.stderr)")
    #expect(result.stderr.contains("5 jobs, 2 logs, 2 not completed yet"))
    let jobs =
      try JSONSerialization.jsonObject(
        with: Data(contentsOf: URL(fileURLWithPath: output + "/jobs.json"))) as? [String: Any]
    #expect((jobs?["jobs"] as? [Any])?.count == 5)
    #expect(jobs?["total_count"] as? Int == 5)
    let logs = try FileManager.default.contentsOfDirectory(atPath: output + "/logs").sorted()
    #expect(logs == ["1001.log", "1002.log"])
    let build = try String(contentsOfFile: output + "/logs/1001.log", encoding: .utf8)
    #expect(build.contains("Complete job name: build"))

    let requests = try server.requests()
    // Every API request carries the headers GitHub asks for; the storage host never the token.
    for request in requests where request.host == "api" {
      #expect(request.authorization)
      #expect(request.accept == "application/vnd.github+json")
      #expect(request.version == "2022-11-28")
      #expect(request.agent?.hasPrefix("runlens/") == true)
    }
    let storage = requests.filter { $0.host == "storage" }
    #expect(storage.count == 2)
    #expect(storage.allSatisfy { !$0.authorization })
    // Both pages were read; the logs of jobs not completed (or cancelled before any step) never
    // requested.
    #expect(requests.contains { $0.path.contains("jobs?") && $0.path.contains("page=2") })
    for id in ["1003", "1004", "1005"] {
      #expect(!requests.contains { $0.path.contains("/jobs/\(id)/logs") })
    }
    #expect(!(result.stdout + result.stderr).contains("SECRET"))
    let written = try FileManager.default.subpathsOfDirectory(atPath: server.folder.path)
    for file in written where file.hasSuffix(".json") || file.hasSuffix(".log") {
      let text = try String(contentsOfFile: server.path(file), encoding: .utf8)
      #expect(!text.contains("SECRET"), "\(file)")
    }

    // A second fetch takes the logs from the cache.
    let again = try Self.run(
      [
        "fetch", "--repo", "acme/widget", "--run", "100", "-o", server.path("again"), "--cache-dir",
        server.path("cache"),
      ],
      server.environment())
    #expect(again.status == 0)
    let logRequests = try server.requests().filter { $0.path.hasSuffix("/logs") }
    #expect(logRequests.count == 2)
    #expect(FileManager.default.fileExists(atPath: server.path("again/logs/1002.log")))
  }

  @Test(
    "report DIR of a fetched run is the report of --repo/--run, with the jobs still running listed")
  func reportOfAFetchedRun() throws {
    let server = try GitHubStandIn()
    let environment = server.environment()
    let fetched = try Self.run(
      [
        "fetch", "--repo", "acme/widget", "--run", "100", "-o", server.path("run"), "--cache-dir",
        server.path("cache"),
      ],
      environment)
    #expect(fetched.status == 0)
    let fromFolder = try Self.run(["report", server.path("run")], environment)
    let direct = try Self.run(
      ["report", "--repo", "acme/widget", "--run", "100", "--cache-dir", server.path("cache")],
      environment)
    #expect(direct.status == 0, "\(direct.stderr)")
    #expect(fromFolder.stdout == direct.stdout)
    #expect(direct.stdout.contains("**Still running:** 2 jobs"))
    #expect(direct.stdout.contains("| report (no log) | ⏳ in progress |"))
    #expect(direct.stdout.contains("| deploy (no log) | ⏳ queued |"))
    let json = try Self.run(
      [
        "report", "--repo", "acme/widget", "--run", "100", "--format", "json", "--cache-dir",
        server.path("cache"),
      ],
      environment)
    let object = try JSONSerialization.jsonObject(with: Data(json.stdout.utf8)) as? [String: Any]
    let jobs = try #require(object?["jobs"] as? [[String: Any]])
    let states = jobs.map { "\($0["name"] ?? "") \($0["status"] ?? "-") \($0["hasLog"] ?? "-")" }
    #expect(
      states == [
        "build completed 1", "test completed 1", "report in_progress 0", "deploy queued 0",
        "lint completed 0",
      ])
  }

  @Test("report --repo removes the folder it fetched the run into, on success and on error")
  func temporaryFolderRemoved() throws {
    let server = try GitHubStandIn()
    let temporary = server.path("tmp")
    try FileManager.default.createDirectory(atPath: temporary, withIntermediateDirectories: true)
    var environment = server.environment()
    environment["TMPDIR"] = temporary
    let reported = try Self.run(
      ["report", "--repo", "acme/widget", "--run", "100", "--cache-dir", server.path("cache")],
      environment)
    #expect(reported.status == 0, "\(reported.stderr)")
    #expect(reported.stdout.contains("| build |"))
    #expect(try FileManager.default.contentsOfDirectory(atPath: temporary).isEmpty)
    // A configuration file that is not valid: an error after the fetch.
    let config = server.path("bad-runlens.json")
    try "{".write(toFile: config, atomically: true, encoding: .utf8)
    let failed = try Self.run(
      [
        "report", "--repo", "acme/widget", "--run", "100", "--cache-dir", server.path("cache"),
        "--config", config,
      ], environment)
    #expect(failed.status != 0)
    #expect(try FileManager.default.contentsOfDirectory(atPath: temporary).isEmpty)
  }

  @Test("a log that cannot be fetched is a warning, and the other jobs are still reported")
  func missingLog() throws {
    let server = try GitHubStandIn()
    let result = try Self.run(
      ["report", "--repo", "acme/gaps", "--run", "100", "--cache-dir", server.path("cache")],
      server.environment())
    #expect(result.status == 0, "\(result.stderr)")
    #expect(
      result.stderr.contains(
        "warning: job 1002 (test): no log: the log of job 1002: not found (404)"))
    #expect(result.stdout.contains("| build | ✅ success |"))
    #expect(result.stdout.contains("| test (no log) | ❌ failure |"))
  }

  @Test("--attempt reads that attempt's jobs")
  func attempt() throws {
    let server = try GitHubStandIn()
    let result = try Self.run(
      [
        "fetch", "--repo", "acme/widget", "--run", "100", "--attempt", "2", "-o",
        server.path("run"), "--cache-dir", server.path("cache"),
      ],
      server.environment())
    #expect(result.status == 0)
    #expect(result.stderr.contains("1 job, 1 log"))
    #expect(try server.requests().contains { $0.path.contains("/attempts/2/jobs") })
  }

  @Test("a job listed four times is fetched once; a cache that cannot be written loses no log")
  func repeatedJobAndBrokenCache() throws {
    let server = try GitHubStandIn()
    // The cache folder's parent is a file: no log can be kept there.
    let blocker = server.path("blocker")
    try Data("a file".utf8).write(to: URL(fileURLWithPath: blocker))
    let output = server.path("run")
    let result = try Self.run(
      [
        "fetch", "--repo", "acme/widget", "--run", "110", "-o", output, "--cache-dir",
        blocker + "/cache",
      ],
      server.environment())
    #expect(result.status == 0, "\(result.stderr)")
    #expect(result.stderr.contains("the logs are not kept in the cache"), "\(result.stderr)")
    #expect(!result.stderr.contains("no log"), "\(result.stderr)")
    #expect(try FileManager.default.contentsOfDirectory(atPath: output + "/logs") == ["1001.log"])
    let build = try String(contentsOfFile: output + "/logs/1001.log", encoding: .utf8)
    #expect(build.contains("Complete job name: build"))
    #expect(try server.requests().filter { $0.path.contains("/jobs/1001/logs") }.count == 1)
  }

  @Test(
    "failures say what to do, and never show the token",
    arguments: [
      (
        ["fetch", "--repo", "acme/widget", "--run", "100", "-o", "x"], "rejected", Int32(1),
        "the token was rejected (401)"
      ),
      (["fetch", "--repo", "acme/widget", "--run", "100", "-o", "x"], nil, Int32(64), "GH_TOKEN"),
      (
        ["fetch", "--repo", "acme/forbidden", "--run", "100", "-o", "x"], "t", Int32(1),
        "lacks `actions: read` (GitHub accepts: actions=read)"
      ),
      (
        ["fetch", "--repo", "acme/widget", "--run", "5", "-o", "x"], "t", Int32(1),
        "run 5 of acme/widget not found (404)"
      ),
      (["budget", "--repo", "acme/secondary"], "t", Int32(1), "secondary rate limit (429)"),
      // Waits of 0 s, of 10^20 s and of 1e300 s (a spin, then two traps before the headers
      // were checked): at least 1 s, none for a Retry-After that is no number of seconds, and a
      // primary limit whose reset is not a time is the 403 it is.
      (
        ["budget", "--repo", "acme/retry-zero"], "t", Int32(1),
        "asks to wait 1 s, more than the 0 s runlens waits"
      ),
      (
        ["budget", "--repo", "acme/retry-huge"], "t", Int32(1),
        "asks to wait 60 s, more than the 0 s runlens waits"
      ),
      (["budget", "--repo", "acme/reset-huge"], "t", Int32(1), "forbidden (403)"),
      // A gzip answer that unpacks to 65 MiB: stopped at 64 MiB, not held whole.
      (["budget", "--repo", "acme/bomb"], "t", Int32(1), "the answer is longer than 64 MiB"),
      // A Link loop: not a budget of the pages read.
      (["budget", "--repo", "acme/loop"], "t", Int32(1), "one already read (a loop)"),
      // `<>` is the same page (it ended the list after one page); another host is not followed.
      (["budget", "--repo", "acme/link-empty"], "t", Int32(1), "one already read (a loop)"),
      (
        ["budget", "--repo", "acme/link-away"], "t", Int32(1),
        "next page is on http://127.0.0.2:"
      ),
      // Named as sent, percent-encoded: no escape sequence or line break reaches the terminal.
      (
        ["budget", "--repo", "acme/link-escape"], "t", Int32(1),
        "next page is on https://evil%1B%5B31mX%0Ay.example, not the API host"
      ),
      // A list of more than 100 pages, each a new one.
      (["budget", "--repo", "acme/endless"], "t", Int32(1), "more than 100 pages"),
    ] as [([String], String?, Int32, String)])
  func failures(arguments: [String], token: String?, status: Int32, message: String) throws {
    let server = try GitHubStandIn()
    var arguments = arguments
    if let index = arguments.firstIndex(of: "x") { arguments[index] = server.path("out") }
    let result = try Self.run(
      arguments + (arguments[0] == "fetch" ? ["--cache-dir", server.path("cache")] : []),
      server.environment(token: token, extra: ["RUNLENS_MAX_WAIT": "0"]))
    #expect(result.status == status)
    #expect(result.stderr.contains(message), "\(result.stderr)")
    #expect(!result.stderr.contains("SECRET"))
  }

  @Test(
    "without libcurl, the commands that talk HTTP exit 1 saying how to install it; report of a file works"
  )
  func withoutLibcurl() throws {
    let server = try GitHubStandIn()
    // Retries would wait 5 s, 10 s, 20 s: without libcurl, runlens does not try again.
    let environment = server.environment(extra: [
      "RUNLENS_LIBCURL": "libcurl-runlens-missing.so.9", "RUNLENS_RETRY_DELAY": "5",
    ])
    let started = Date()
    let fetched = try Self.run(
      [
        "fetch", "--repo", "acme/widget", "--run", "100", "-o", server.path("out"), "--cache-dir",
        server.path("cache"),
      ], environment)
    #expect(fetched.status == 1)
    #expect(
      fetched.stderr.contains("cannot load libcurl, which runlens needs to talk HTTP"),
      "\(fetched.stderr)")
    #expect(fetched.stderr.contains("libcurl-runlens-missing.so.9"))
    #expect(fetched.stderr.contains("apt-get install libcurl4"))
    #expect(fetched.stderr.contains("(1 tries)"))
    #expect(Date().timeIntervalSince(started) < 5)
    #expect(try server.requests().isEmpty)
    let exported = try Self.run(
      [
        "export", "--format", "otlp-json", "--otlp-endpoint", "http://127.0.0.1:\(server.apiPort)",
        HistoryCommandTests.fixtures.appendingPathComponent("run-01.json").path,
      ], environment)
    #expect(exported.status == 1)
    #expect(exported.stderr.contains("cannot post the traces (cannot load libcurl"))
    // A report of local files never loads it.
    let report = try Self.run(["report", "Fixtures/empty/job.log"], environment)
    #expect(report.status == 0, "\(report.stderr)")
  }

  @Test("rate limits are waited out, 5xx retried, a stalled answer times out")
  func waitsAndRetries() throws {
    let server = try GitHubStandIn()
    for repository in ["acme/limited", "acme/secondary", "acme/flaky"] {
      let started = Date()
      let result = try Self.run(
        ["budget", "--repo", repository, "--as-of", "2025-12-09T00:00:00Z"], server.environment())
      #expect(result.status == 0, "\(repository): \(result.stderr)")
      #expect(result.stdout.contains("2 entries take 5.00 GB"), "\(repository)")
      if repository != "acme/flaky" { #expect(Date().timeIntervalSince(started) >= 0.9) }
    }
    let paths = try server.requests().map(\.path)
    #expect(paths.filter { $0.hasPrefix("/repos/acme/flaky/actions/caches?") }.count == 4)
    let started = Date()
    let stalled = try Self.run(
      ["budget", "--repo", "acme/stalled"],
      server.environment(extra: ["RUNLENS_HTTP_TIMEOUT": "1", "RUNLENS_RETRIES": "1"]))
    #expect(stalled.status == 1)
    #expect(stalled.stderr.contains("no answer within 1 s (2 tries)"), "\(stalled.stderr)")
    #expect(Date().timeIntervalSince(started) < 10)
  }

  @Test("budget --repo reads every page of the caches")
  func budget() throws {
    let server = try GitHubStandIn()
    let result = try Self.run(
      ["budget", "--repo", "acme/widget", "--as-of", "2025-12-09T00:00:00Z", "--format", "json"],
      server.environment())
    #expect(result.status == 0, "\(result.stderr)")
    #expect(result.stdout.contains("cargo-main-a") && result.stdout.contains("cargo-pr-b"))
    #expect(try server.requests().filter { $0.path.contains("/actions/caches") }.count == 2)
  }

  @Test("comment updates the marked comment, posts otherwise, and only warns on a fork")
  func comment() throws {
    let server = try GitHubStandIn()
    let file = server.path("comment.md")
    try "<!-- runlens:ci -->\n## report\n".write(toFile: file, atomically: true, encoding: .utf8)
    let updated = try Self.run(
      ["comment", "--repo", "acme/widget", "--pr", "5", file], server.environment())
    #expect(updated.status == 0, "\(updated.stderr)")
    #expect(updated.stdout == "https://github.com/acme/widget/pull/5#issuecomment-77\n")
    let posted = try Self.run(
      ["comment", "--repo", "acme/widget", "--pr", "6", file], server.environment())
    #expect(posted.stdout == "https://github.com/acme/widget/pull/6#issuecomment-901\n")
    let requests = try server.requests()
    #expect(
      requests.contains {
        $0.method == "PATCH" && $0.path == "/repos/acme/widget/issues/comments/77"
      })
    #expect(
      requests.contains { $0.method == "POST" && $0.path == "/repos/acme/widget/issues/6/comments" }
    )
    // The list's second page (where #5's marked comment is) was read.
    #expect(
      requests.contains {
        $0.path.hasPrefix("/repos/acme/widget/issues/5/comments?") && $0.path.contains("page=2")
      })
    let fork = try Self.run(
      ["comment", "--repo", "acme/fork", "--pr", "6", file], server.environment())
    #expect(fork.status == 0)
    #expect(fork.stderr.contains("the token is read-only"))
    let strict = try Self.run(
      ["comment", "--repo", "acme/fork", "--pr", "6", "--strict", file], server.environment())
    #expect(strict.status == 1)
    // A marked comment deleted since the list was read (404), or one whose update is refused
    // (403): a new comment instead, not an error or a read-only warning.
    for number in [8, 9] {
      let replaced = try Self.run(
        ["comment", "--repo", "acme/widget", "--pr", "\(number)", file], server.environment())
      #expect(replaced.status == 0, "\(replaced.stderr)")
      #expect(
        replaced.stdout.hasPrefix("https://github.com/acme/widget/pull/\(number)#issuecomment-9"))
      #expect(!replaced.stderr.contains("read-only"), "\(replaced.stderr)")
      #expect(
        try server.requests().contains {
          $0.method == "POST" && $0.path == "/repos/acme/widget/issues/\(number)/comments"
        })
    }
    // Only the token's own marked comment is updated: a person's comment that starts with the
    // marker is left alone, whatever its age (#10, #11), and so is another app's (#12); a
    // user's token (GraphQL's viewer) updates that user's, the workflow's token
    // github-actions[bot]'s.
    for (number, token, patched) in [
      (10, "test-token-SECRET", 105), (11, "test-token-SECRET", nil), (12, "user-alice", 125),
      (12, "test-token-SECRET", 120),
    ] {
      let result = try Self.run(
        ["comment", "--repo", "acme/widget", "--pr", "\(number)", file],
        server.environment(token: token))
      #expect(result.status == 0, "\(result.stderr)")
      let writes = try server.requests().filter {
        $0.method != "GET" && ($0.path.hasSuffix("/\(number)/comments") || $0.method == "PATCH")
      }
      if let patched {
        #expect(result.stdout.hasSuffix("/pull/\(number)#issuecomment-\(patched)\n"))
        #expect(writes.last?.path == "/repos/acme/widget/issues/comments/\(patched)")
      } else {
        #expect(writes.last?.method == "POST", "\(writes)")
      }
      #expect(
        !writes.contains { ["/100", "/110", "/118"].contains($0.path.suffix(4)) }, "\(writes)")
    }
    #expect(try server.requests().contains { $0.method == "POST" && $0.path == "/graphql" })
    // No marked comment: no question of whose it is (#6 was posted to above, so use #7).
    let before = try server.requests().filter { $0.path == "/graphql" }.count
    let unmarkedPR = try Self.run(
      ["comment", "--repo", "acme/widget", "--pr", "7", file], server.environment())
    #expect(unmarkedPR.status == 0, "\(unmarkedPR.stderr)")
    #expect(
      try server.requests().contains {
        $0.method == "POST" && $0.path == "/repos/acme/widget/issues/7/comments"
      })
    #expect(try server.requests().filter { $0.path == "/graphql" }.count == before)
    // GraphQL's rate limit (200 with a RATE_LIMIT error) is waited out like the REST API's.
    let limited = try Self.run(
      ["comment", "--repo", "acme/widget", "--pr", "5", file],
      server.environment(token: "graphql-limited"))
    #expect(limited.status == 0, "\(limited.stderr)")
    #expect(limited.stdout.hasSuffix("/pull/5#issuecomment-77\n"), "\(limited.stdout)")
    #expect(try server.requests().filter { $0.path == "/graphql" }.count == before + 2)
    // A 403 from GraphQL is an error of its own, not a read-only token's warning.
    let refused = try Self.run(
      ["comment", "--repo", "acme/widget", "--pr", "5", file],
      server.environment(token: "graphql-forbidden"))
    #expect(refused.status == 1)
    #expect(!refused.stderr.contains("read-only"), "\(refused.stderr)")
    #expect(
      refused.stderr.contains(
        "POST /graphql: cannot tell whose comments are the token's: GitHub answered 403: "
          + "Resource not accessible by integration"), "\(refused.stderr)")
    // A GraphQL error is an error, not a guess.
    let unknown = try Self.run(
      ["comment", "--repo", "acme/widget", "--pr", "5", file],
      server.environment(token: "graphql-error"))
    #expect(unknown.status == 1)
    #expect(
      unknown.stderr.contains(
        "POST /graphql: cannot tell whose comments are the token's: GraphQL error: Something "
          + "went wrong"), "\(unknown.stderr)")
    try "no marker\n".write(toFile: file, atomically: true, encoding: .utf8)
    let unmarked = try Self.run(
      ["comment", "--repo", "acme/widget", "--pr", "6", file], server.environment())
    #expect(unmarked.status == 64)
  }

  @Test("report --steps-context gives the job's own cache outcome and its finished steps' times")
  func stepsContext() throws {
    let server = try GitHubStandIn()
    let steps = server.path("steps.json")
    try """
    {
      "cargo": {
        "outputs": {
          "cache-hit": "false",
          "cache-primary-key": "cargo-Linux-abc",
          "cache-matched-key": "cargo-Linux-"
        },
        "outcome": "success",
        "conclusion": "success"
      },
      "checkout": {
        "outputs": {},
        "outcome": "success",
        "conclusion": "success"
      }
    }
    """.write(toFile: steps, atomically: true, encoding: .utf8)
    let result = try Self.run(
      [
        "report", "--repo", "acme/widget", "--run", "100", "--steps-context", steps, "--format",
        "json", "--cache-dir", server.path("cache"),
      ],
      server.environment(extra: ["GITHUB_JOB": "report"]))
    #expect(result.status == 0, "\(result.stderr)")
    let object = try JSONSerialization.jsonObject(with: Data(result.stdout.utf8)) as? [String: Any]
    let jobs = try #require(object?["jobs"] as? [[String: Any]])
    let report = try #require(jobs.first { $0["name"] as? String == "report" })
    let restores = (report["cache"] as? [String: Any])?["restores"] as? [[String: Any]]
    #expect(restores?.count == 1)
    #expect(restores?.first?["outcome"] as? String == "fallback-hit")
    #expect(restores?.first?["restoredKey"] as? String == "cargo-Linux-")
    let stepTimes = (report["steps"] as? [[String: Any]])?.map {
      "\($0["name"] ?? "") \($0["durationMs"] ?? "-")"
    }
    #expect(stepTimes?.prefix(2) == ["Set up job 2000", "Restore cache 7000"])

    // Without the API: the steps context alone, the job named after GITHUB_JOB.
    let alone = try Self.run(
      ["report", "--steps-context", steps], server.environment(extra: ["GITHUB_JOB": "build"]))
    #expect(alone.status == 0, "\(alone.stderr)")
    #expect(alone.stdout.contains("### build"))
    #expect(alone.stdout.contains("**Still running:** 1 job"))
    #expect(alone.stdout.contains("fallback hit"))
  }
}

@Suite("GitHub client parts")
struct GitHubClientPartsTests {
  @Test("the Link header's next page, as given")
  func link() {
    let header =
      #"<https://api.github.com/repositories/1/actions/caches?page=2>; rel="next", <https://api.github.com/repositories/1/actions/caches?page=5>; rel="last""#
    #expect(
      LinkHeader.next(header) == "https://api.github.com/repositories/1/actions/caches?page=2")
    #expect(LinkHeader.next(#"<https://x/?page=1>; rel="first""#) == nil)
    #expect(LinkHeader.next(nil) == nil)
    // The empty reference (this page again; the client follows it as one), and a relative one.
    #expect(LinkHeader.next(#"<>; rel="next""#) == "")
    #expect(LinkHeader.next(#"</r?page=2>; rel="prev next""#) == "/r?page=2")
    // A comma or semicolon in a target, or in a quoted parameter, is part of it.
    #expect(
      LinkHeader.next(#"<https://x/?b=a,c;d>; rel="prev", <https://x/?b=a,c;e>; rel=NEXT"#)
        == "https://x/?b=a,c;e")
    #expect(
      LinkHeader.next(#"<https://x/1>; title="a, \"b\"; rel=next", <https://x/2>; rel="next""#)
        == "https://x/2")
    #expect(LinkHeader.next(#"<https://x/1>; rel="last""#) == nil)
    // Tabs around a value; only the first rel counts; a stray `<` before a target.
    #expect(LinkHeader.next("<a>; rel=\tnext\t, <b>; rel=last") == "a")
    #expect(LinkHeader.next("<a>; rel=last; rel=next, <b>; rel=next") == "b")
    #expect(LinkHeader.next("<a; rel=next, <b>; rel=next") == "b")
  }

  @Test("the connection from the environment; the token only for the API host")
  func connection() throws {
    let connection = try GitHubConnection(environment: [
      "GITHUB_TOKEN": "t", "GH_TOKEN": "", "GITHUB_API_URL": "https://ghe.example/api/v3/",
    ])
    #expect(connection.token == "t")
    #expect(connection.baseURL.absoluteString == "https://ghe.example/api/v3")
    #expect(connection.url("/repos/o/r")?.absoluteString == "https://ghe.example/api/v3/repos/o/r")
    #expect(connection.isAPIHost(URL(string: "https://ghe.example:443/x")!))
    #expect(!connection.isAPIHost(URL(string: "https://storage.example/x")!))
    #expect(!connection.isAPIHost(URL(string: "http://ghe.example/x")!))
    #expect(throws: GitHubError.self) { try GitHubConnection(environment: [:]) }
  }
}

@Suite("runlens compare with the GitHub API")
struct GitHubCompareTests {
  @Test("--baseline-branch picks the last successful runs of the workflow, and names them")
  func baselineBranch() throws {
    let server = try GitHubStandIn()
    let result = try GitHubCommandsTests.run(
      [
        "compare", "--repo", "acme/widget", "--candidate-run", "100", "--baseline-branch", "main",
        "--baseline-runs", "2", "--format", "json", "--cache-dir", server.path("cache"),
      ], server.environment())
    #expect(result.status == 0, "\(result.stderr)")
    let object = try JSONSerialization.jsonObject(with: Data(result.stdout.utf8)) as? [String: Any]
    let baseline = (object?["baseline"] as? [String: Any])?["sources"] as? [[String: Any]]
    #expect(baseline?.compactMap { $0["runId"] as? Int } == [92, 91])
    #expect(baseline?.first?["url"] as? String == "https://github.com/acme/widget/actions/runs/92")
    #expect(baseline?.first?["createdAt"] as? String == "2025-12-07T10:00:00Z")
    let candidate = (object?["candidate"] as? [String: Any])?["sources"] as? [[String: Any]]
    #expect(candidate?.first?["runId"] as? Int == 100)
    #expect((candidate?.first?["sha"] as? String)?.count == 40)
    let tests = try #require(object?["tests"] as? [String: Any])
    let failing = tests["newlyFailing"] as? [[String: String]]
    #expect(failing == [["suite": "logsift", "name": "parse::tests::timestamps"]])
    #expect((tests["candidate"] as? [String: Int])?["failed"] == 1)
    #expect((tests["baseline"] as? [String: Int])?["failed"] == 0)
    let requests = try server.requests()
    let list = try #require(requests.first { $0.path.contains("/actions/workflows/7/runs") })
    #expect(list.path.contains("branch=main") && list.path.contains("status=success"))
    // The failed run 89 is not among the baseline, so its jobs were never read.
    #expect(!requests.contains { $0.path.contains("/runs/89") })
  }

  @Test("--baseline-run names the baseline; the Markdown is a comment with the runs linked")
  func namedBaseline() throws {
    let server = try GitHubStandIn()
    let result = try GitHubCommandsTests.run(
      [
        "compare", "--repo", "acme/widget", "--candidate-run", "100", "--baseline-run", "90",
        "--baseline-run", "91", "--cache-dir", server.path("cache"),
      ], server.environment())
    #expect(result.status == 0, "\(result.stderr)")
    #expect(result.stdout.hasPrefix("<!-- runlens:comparison -->\n"))
    #expect(
      result.stdout.contains(
        "**❌ Newly failing (1):** <code>logsift parse::tests::timestamps</code>"))
    #expect(result.stdout.contains("- run [90](https://github.com/acme/widget/actions/runs/90)"))
    #expect(result.stdout.contains("**Baseline (2):**"))
    let usage = try GitHubCommandsTests.run(
      ["compare", "--repo", "acme/widget", "--candidate-run", "100"], server.environment())
    #expect(usage.status == 64)
  }
}
