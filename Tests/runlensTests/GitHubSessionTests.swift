import Foundation
import RunLens
import Testing

@testable import RunLensGitHub

/// The GitHub orchestration the commands call, without a server: arguments, errors, the
/// fetch summary, the baseline query, the comment's upsert decision and the comparison JSON.
@Suite("RunLensGitHub decisions")
struct GitHubSessionTests {
  static let environment = ["GH_TOKEN": "t0ken", "GITHUB_API_URL": "http://127.0.0.1:9"]

  @Test(
    "OWNER/REPO is checked",
    arguments: [
      ("acme/widget", true), ("a-b_c.d/e.f", true), ("acme", false), ("acme/", false),
      ("/widget", false), ("a/b/c", false), ("acme/wid get", false), ("acme/w?x", false),
    ])
  func repository(_ name: String, valid: Bool) {
    let problem = GitHubSession.repositoryProblem(name)
    #expect((problem == nil) == valid)
    if let problem { #expect(problem == "--repo must be OWNER/REPO, not \(name)") }
  }

  @Test("rate-limit headers: whole seconds or an HTTP-date, anything else is no wait")
  func rateLimitHeaders() {
    #expect(GitHubClient.wholeSeconds(" 120 ") == 120)
    #expect(GitHubClient.wholeSeconds("999999999999") == 999_999_999_999)
    for text in ["", "-1", "1.5", "1e300", "inf", "nan", "1 2", "9999999999999", "0x10", "١٢"] {
      #expect(GitHubClient.wholeSeconds(text) == nil, "\(text)")
    }
    // 2015-10-21T07:28:00Z is 1,445,412,480 s after the epoch.
    let date = "Wed, 21 Oct 2015 07:28:00 GMT"
    #expect(GitHubClient.retryAfter(date, now: 1_445_412_470) == 10)
    #expect(GitHubClient.retryAfter(date, now: 1_445_412_490) == 0)
    #expect(GitHubClient.retryAfter("Fri, 31 Dec 9999 23:59:59 GMT", now: 0)! > 2e11)
    #expect(GitHubClient.retryAfter("tomorrow", now: 0) == nil)
    #expect(GitHubClient.seconds(.infinity) == "inf")
    #expect(GitHubClient.seconds(1e300) == "1e+300")
    #expect(GitHubClient.seconds(.nan) == "nan")
    #expect(GitHubClient.seconds(60) == "60")
    #expect(GitHubClient.seconds(1.5) == "1.5")
  }

  @Test("an HTTP-date is read as DateFormatter reads it, from 1583 to 9999; nothing else is")
  func httpDates() throws {
    let formatter = DateFormatter()
    formatter.locale = Locale(identifier: "en_US_POSIX")
    formatter.timeZone = TimeZone(identifier: "GMT")
    formatter.dateFormat = "EEE, dd MMM yyyy HH:mm:ss 'GMT'"
    // Every day of 1999 to 2001 (2000 is a leap year), and random seconds of 1583 to 9999
    // (before the Gregorian reform of 1582, DateFormatter's calendar is the Julian one; runlens
    // reads every year as Gregorian, as RFC 9110 does, and a date that old is no wait anyway).
    var times = (0..<(366 * 3)).map { (day: Int) -> Double in
      Double(915_148_800 + day * 86_400 + day * 37)
    }
    var generator = SystemRandomNumberGenerator()
    times += (0..<2_000).map { _ in
      Double(Int64.random(in: -12_212_553_600...253_402_300_799, using: &generator))
    }
    for time in times {
      let text = formatter.string(from: Date(timeIntervalSince1970: time))
      #expect(GitHubClient.httpDate(text) == time, "\(text)")
    }
    for text in [
      "Sun, 06 Nov 1994 08:49:37 GMT ", "Sunday, 06-Nov-94 08:49:37 GMT",
      "Sun Nov  6 08:49:37 1994",
      "Sun, 06 Nov 1994 08:49:37 UTC", "Sun, 6 Nov 1994 08:49:37 GMT",
      "Sun, 29 Feb 1900 08:49:37 GMT",
      "Sun, 31 Apr 1994 08:49:37 GMT", "Sun, 00 Nov 1994 08:49:37 GMT",
      "Sun, 06 Nov 1994 24:00:00 GMT",
      "Sun, 06 Nov 1994 08:60:00 GMT", "Sun, 06 Nov 1994 08:49:61 GMT",
      "Sun, 06 nov 1994 08:49:37 GMT",
      "Xyz, 06 Nov 1994 08:49:37 GMT", "Sun, 06 Nov 19x4 08:49:37 GMT",
      "Sun, 06 Nov 1994 08:49:37 gmt",
      "Sun, 06 Nov -994 08:49:37 GMT", "",
    ] {
      #expect(GitHubClient.httpDate(text) == nil, "\(text)")
    }
    #expect(GitHubClient.httpDate("Thu, 29 Feb 2024 23:59:60 GMT") == 1_709_251_200)
    #expect(GitHubClient.httpDate("Sat, 01 Jan 0000 00:00:00 GMT") == -62_167_219_200)
  }

  @Test("the environment's bounds are taken within a day (0 to 100 retries), else the defaults")
  func environmentBounds() throws {
    func connection(_ extra: [String: String]) throws -> GitHubConnection {
      try GitHubConnection(environment: Self.environment.merging(extra) { $1 })
    }
    let taken = try connection([
      "RUNLENS_HTTP_TIMEOUT": "1.5", "RUNLENS_MAX_WAIT": "0", "RUNLENS_RETRY_DELAY": "86400",
      "RUNLENS_RETRIES": "0",
    ])
    #expect(taken.requestTimeout == 1.5)
    #expect(taken.maxRateLimitWait == 0)
    #expect(taken.retryDelay == 86_400)
    #expect(taken.retries == 0)
    for value in ["inf", "nan", "1e300", "-1", "86401", "x"] {
      let ignored = try connection([
        "RUNLENS_HTTP_TIMEOUT": value, "RUNLENS_MAX_WAIT": value, "RUNLENS_RETRY_DELAY": value,
        "RUNLENS_RETRIES": value == "x" ? "101" : value,
      ])
      #expect(ignored.requestTimeout == 30, "\(value)")
      #expect(ignored.maxRateLimitWait == 300, "\(value)")
      #expect(ignored.retryDelay == 1, "\(value)")
      #expect(ignored.retries == 3, "\(value)")
    }
    #expect(try connection(["RUNLENS_HTTP_TIMEOUT": "0"]).requestTimeout == 30)
    // Retries back off to at most a minute each (100 retries would otherwise wait 2^100 s).
    var delay = 1.0
    for _ in 0..<100 { delay = GitHubClient.backoff(after: delay, first: 1) }
    #expect(delay == 60)
    #expect(GitHubClient.backoff(after: 2, first: 1) == 4)
    #expect(GitHubClient.backoff(after: 120, first: 120) == 120)
  }

  @Test("no token is a usage error; other errors are not; any error has a message")
  func errors() {
    #expect(throws: GitHubError.self) { try GitHubSession(environment: [:]) }
    do {
      _ = try GitHubSession(environment: ["GITHUB_TOKEN": ""])
      Issue.record("an empty token is no token")
    } catch {
      #expect(error.isUsageError)
      #expect(GitHubError.message(for: error).hasPrefix("no GitHub token"))
    }
    let forbidden = GitHubError(.forbidden, "needs pull-requests: write", status: 403)
    #expect(!forbidden.isUsageError)
    #expect(GitHubError.message(for: forbidden) == "needs pull-requests: write")
    #expect(GitHubError.message(for: CocoaError(.fileNoSuchFile)).contains("CocoaError"))
  }

  @Test("the session takes its cache folder from the argument, else from the environment")
  func session() throws {
    let chosen = try GitHubSession(environment: Self.environment, cacheDirectory: "/tmp/logs")
    #expect(chosen.cache.directory.path == "/tmp/logs")
    #expect(chosen.client.connection.token == "t0ken")
    var environment = Self.environment
    environment["XDG_CACHE_HOME"] = "/tmp/xdg"
    let derived = try GitHubSession(environment: environment)
    #expect(derived.cache.directory.path == "/tmp/xdg/runlens")
    #expect(derived.fetcher("acme/widget").repository == "acme/widget")
  }

  @Test("a fetch's summary counts jobs, logs, jobs not completed and logs that failed")
  func summary() throws {
    let document = """
      {"total_count": 3, "jobs": [
        {"id": 1, "name": "build", "status": "completed", "conclusion": "success", "steps": []},
        {"id": 2, "name": "test", "status": "in_progress", "steps": []},
        {"id": 3, "name": "lint", "status": "completed", "conclusion": "failure", "steps": []}
      ]}
      """
    let jobs = try JobsAPI.parse(Array(document.utf8))
    var result = RunFetcher.Result(
      run: nil, jobs: jobs.map { RunFetcher.Job(job: $0) }, jobsPath: "jobs.json")
    result.jobs[0].logPath = "logs/1.log"
    result.jobs[2].problem = "job 3 (lint): no log: not found"
    #expect(result.summary == "3 jobs, 1 log, 1 not completed yet, 1 log could not be fetched")
    result.jobs[2].problem = nil
    result.jobs[2].logPath = "logs/3.log"
    #expect(result.summary == "3 jobs, 2 logs, 1 not completed yet")
    let one = RunFetcher.Result(run: nil, jobs: [result.jobs[0]], jobsPath: "jobs.json")
    #expect(one.summary == "1 job, 1 log")
  }

  @Test("the baseline query asks for successful push runs of the branch, a few extra, at most 100")
  func baselineQuery() {
    let query = RunFetcher.lastRunsQuery(branch: "main", count: 5)
    #expect(query.map(\.0) == ["branch", "status", "exclude_pull_requests", "per_page"])
    #expect(query.map(\.1) == ["main", "success", "true", "10"])
    #expect(RunFetcher.lastRunsQuery(branch: "x", count: 99).last?.1 == "100")
    var comparison = GitHubComparison(repository: "acme/widget", candidateRun: 7)
    comparison.baselineBranch = "release"
    #expect(comparison.noBaselineWarning.hasSuffix("on release: nothing to compare against"))
  }

  @Test("the token's comment with the marker is updated (the oldest such); else one is posted")
  func upsertDecision() throws {
    let session = try GitHubSession(environment: Self.environment)
    let commenter = PullRequestCommenter(
      client: session.client, repository: "acme/widget", pullRequest: 12)
    let comments = try PullRequestComment.parse(
      Array(
        """
        [{"id": 30, "body": "<!-- runlens:ci -->\\nnewer", "user": {"login": "a[bot]", "type": "Bot"}},
         {"id": 20, "body": "<!-- runlens:ci -->\\nold", "user": {"login": "a[bot]", "type": "Bot"}},
         {"id": 15, "body": "<!-- runlens:ci -->\\ncopied", "user": {"login": "m", "type": "User"}},
         {"id": 12, "body": "<!-- runlens:ci -->\\nanother app", "user": {"login": "b[bot]"}},
         {"id": 10, "body": "hello"}]
        """.utf8))
    #expect(
      commenter.request(marker: "<!-- runlens:ci -->", existing: comments, author: "a[bot]")
        == .init(method: "PATCH", path: "/repos/acme/widget/issues/comments/20"))
    #expect(
      commenter.request(marker: "<!-- runlens:other -->", existing: comments, author: "a[bot]")
        == .init(method: "POST", path: "/repos/acme/widget/issues/12/comments"))
    #expect(
      commenter.request(marker: "<!-- runlens:ci -->", existing: comments, author: "B[bot]")
        == .init(method: "PATCH", path: "/repos/acme/widget/issues/comments/12"))
    #expect(
      commenter.request(marker: "<!-- runlens:ci -->", existing: comments, author: "c[bot]")
        .method == "POST")
    #expect(GitHubClient.isGraphQLRateLimit(Data(#"{"errors": [{"type": "RATE_LIMIT"}]}"#.utf8)))
    #expect(GitHubClient.isGraphQLRateLimit(Data(#"{"errors": [{"type": "RATE_LIMITED"}]}"#.utf8)))
    #expect(!GitHubClient.isGraphQLRateLimit(Data(#"{"errors": [{"type": "NOT_FOUND"}]}"#.utf8)))
    #expect(!GitHubClient.isGraphQLRateLimit(Data(#"{"data": {"errors": 1}}"#.utf8)))
    // GraphQL (the token's login) sits beside the REST API, on its host.
    for (base, graphQL) in [
      ("https://api.github.com", "https://api.github.com/graphql"),
      ("https://ghe.example/api/v3", "https://ghe.example/api/graphql"),
      ("http://127.0.0.1:8080", "http://127.0.0.1:8080/graphql"),
    ] {
      let connection = GitHubConnection(baseURL: URL(string: base)!, token: "t")
      #expect(connection.graphQLURL.absoluteString == graphQL)
      #expect(connection.isAPIHost(connection.graphQLURL))
    }
    #expect(
      commenter.request(marker: "<!-- runlens:ci -->", existing: [], author: "a[bot]").method
        == "POST")
    let warning = commenter.readOnlyWarning("Resource not accessible by integration")
    #expect(warning.hasPrefix("cannot comment on #12: the token is read-only here"))
    #expect(warning.hasSuffix("(Resource not accessible by integration)"))
  }

  @Test("the comparison JSON gains the runs' sources; its tests pass through")
  func comparisonJSON() throws {
    let runs = try WorkflowRuns.parse(
      Array(
        """
        {"id": 5, "head_sha": "abc", "html_url": "https://github.com/acme/widget/actions/runs/5",
         "created_at": "2026-01-02T03:04:05Z"}
        """.utf8))
    let source = RunSource(try #require(runs.first))
    let text = try GitHubComparison.json(
      #"{"baseline": {"runs": 1}, "candidate": {}, "tests": {"newlyFailing": []}}"#,
      baseline: [source], candidate: [])
    let object = try #require(
      try JSONSerialization.jsonObject(with: Data(text.utf8)) as? [String: Any])
    let baseline = try #require(object["baseline"] as? [String: Any])
    #expect(baseline["runs"] as? Int == 1)
    let sources = try #require(baseline["sources"] as? [[String: Any]])
    #expect(sources.first?["runId"] as? Int == 5)
    #expect(sources.first?["sha"] as? String == "abc")
    #expect((object["candidate"] as? [String: Any])?["sources"] as? [Any] != nil)
    // The test changes are ComparisonReport's (with added and removed), left as they are.
    let tests = try #require(object["tests"] as? [String: Any])
    #expect(tests["newlyFailing"] as? [Any] != nil)
    #expect(text.hasSuffix("}\n"))
    #expect(
      try GitHubComparison.json("[1]", baseline: [], candidate: []) == "[1]")
  }
}
