package import Foundation

/// Where the GitHub API is, the token, and the bounds on waiting.
///
/// Built from the environment GitHub Actions sets (``init(environment:)``); tests shorten the
/// bounds through `RUNLENS_HTTP_TIMEOUT`, `RUNLENS_MAX_WAIT`, `RUNLENS_RETRIES` and
/// `RUNLENS_RETRY_DELAY`.
package struct GitHubConnection: Sendable {
  /// The API's base URL without a trailing slash (`https://api.github.com`, or
  /// `https://HOST/api/v3` on GitHub Enterprise Server).
  package var baseURL: URL
  /// The token sent as `Authorization: Bearer …` to the API host only.
  package var token: String
  /// The `User-Agent` header GitHub requires.
  package var userAgent = "runlens/0.1"
  /// The longest a request may go without an answer, in seconds.
  package var requestTimeout: TimeInterval = 30
  /// The longest all rate-limit waits of one command may add up to, in seconds.
  package var maxRateLimitWait: TimeInterval = 300
  /// How many times a 5xx answer or a dropped connection is retried.
  package var retries = 3
  /// The first backoff delay in seconds; it doubles each retry.
  package var retryDelay: TimeInterval = 1

  /// Creates a connection.
  package init(baseURL: URL, token: String) {
    self.baseURL = baseURL
    self.token = token
  }

  /// The connection the environment describes: `GITHUB_API_URL` (default
  /// `https://api.github.com`), the token from `GH_TOKEN`, else `GITHUB_TOKEN`.
  ///
  /// - Throws: ``GitHubError`` with code ``GitHubError/Code/noToken`` when neither token
  ///   variable is set, or ``GitHubError/Code/badResponse`` when the URL is not one.
  package init(environment: [String: String]) throws(GitHubError) {
    let token = [environment["GH_TOKEN"], environment["GITHUB_TOKEN"]]
      .compactMap { $0 }.first { !$0.isEmpty }
    guard let token else {
      throw GitHubError(
        .noToken,
        "no GitHub token: set GH_TOKEN (or GITHUB_TOKEN) to a token with actions: read "
          + "(in a workflow: env: GH_TOKEN: ${{ github.token }})")
    }
    var base =
      environment["GITHUB_API_URL"].flatMap { $0.isEmpty ? nil : $0 }
      ?? "https://api.github.com"
    while base.hasSuffix("/") { base.removeLast() }
    guard let url = URL(string: base), url.scheme == "http" || url.scheme == "https" else {
      throw GitHubError(.badResponse, "GITHUB_API_URL is not an http(s) URL: \(base)")
    }
    self.init(baseURL: url, token: token)
    // Seconds from the environment, within a day (a longer wait is a mistake, not a plan).
    func seconds(_ name: String, orZero: Bool) -> TimeInterval? {
      environment[name].flatMap(TimeInterval.init).flatMap {
        ($0 > 0 || (orZero && $0 == 0)) && $0 <= 86_400 ? $0 : nil
      }
    }
    if let value = seconds("RUNLENS_HTTP_TIMEOUT", orZero: false) { requestTimeout = value }
    if let value = seconds("RUNLENS_MAX_WAIT", orZero: true) { maxRateLimitWait = value }
    if let value = environment["RUNLENS_RETRIES"].flatMap(Int.init), (0...100).contains(value) {
      retries = value
    }
    if let value = seconds("RUNLENS_RETRY_DELAY", orZero: true) { retryDelay = value }
  }

  /// The URL of an API path (`/repos/o/r/…`) with query items.
  package func url(_ path: String, query: [(String, String)] = []) -> URL? {
    guard var components = URLComponents(string: baseURL.absoluteString + path) else {
      return nil
    }
    if !query.isEmpty {
      components.queryItems = query.map { URLQueryItem(name: $0.0, value: $0.1) }
    }
    return components.url
  }

  /// The GraphQL endpoint beside the REST API, on its host (so the token may go there).
  ///
  /// `https://api.github.com/graphql`, or `https://HOST/api/graphql` for GitHub Enterprise
  /// Server's `https://HOST/api/v3`.
  package var graphQLURL: URL {
    let base = baseURL.absoluteString
    if base.hasSuffix("/api/v3"), let url = URL(string: base.dropLast(3) + "/graphql") {
      return url
    }
    return baseURL.appendingPathComponent("graphql")
  }

  /// Whether `url` is on the API's host (same scheme, host and port), so the token may go there.
  package func isAPIHost(_ url: URL) -> Bool {
    url.scheme?.lowercased() == baseURL.scheme?.lowercased()
      && url.host?.lowercased() == baseURL.host?.lowercased()
      && effectivePort(url) == effectivePort(baseURL)
  }

  private func effectivePort(_ url: URL) -> Int {
    url.port ?? (url.scheme?.lowercased() == "http" ? 80 : 443)
  }
}
