package import Foundation
import RunLens
import RunLensHTTP

/// Calls the GitHub REST API: the headers GitHub asks for, `Link` pagination, rate-limit waits
/// up to a bound, retries with backoff, timeouts, and log downloads whose redirect is followed
/// without the token when it leaves the API host.
///
/// Safe to use from several threads at once (downloads run a few at a time).
package final class GitHubClient: Sendable {
  /// An answer of the API.
  package struct Response: Sendable {
    /// The HTTP status.
    package var status: Int
    /// The headers, names lowercased.
    package var headers: [String: String]
    /// The body.
    package var body: Data
  }

  /// Which permission a call needs, named in 403/404 messages.
  package enum Permission: String, Sendable {
    /// Runs, jobs, logs, workflow runs and caches.
    case actionsRead = "actions: read"
    /// Listing, creating and updating PR comments.
    case pullRequestsWrite = "pull-requests: write"
  }

  /// The longest job log fetched: 1 GiB (a log goes to a file as it arrives; the API's other
  /// answers, held in memory, are bounded by `HTTPTransport.defaultMaxBodyBytes`).
  package static let maxLogBytes = 1 << 30

  /// The connection settings.
  package let connection: GitHubConnection
  private let transport = HTTPTransport()
  private let waited = Mutex(0.0)

  /// Creates a client.
  package init(connection: GitHubConnection) {
    self.connection = connection
  }

  deinit {
    transport.invalidate()
  }

  /// Sends one request, waiting out rate limits within the bound and retrying 5xx answers and
  /// dropped connections with backoff.
  ///
  /// - Parameters:
  ///   - method: `GET`, `POST`, `PATCH`.
  ///   - url: The URL.
  ///   - body: A JSON body.
  ///   - authorized: Whether to send the token; the caller passes `false` off the API host.
  ///   - maxBodyBytes: The longest answer body to take (decoded); a longer one is an error.
  ///   - bodyPath: A file for a 2xx answer's body, instead of memory.
  /// - Returns: The final answer, whatever its status.
  /// - Throws: ``GitHubError`` for a rate limit beyond the bound, or when every try failed.
  package func send(
    _ method: String, _ url: URL, body: Data? = nil, authorized: Bool = true,
    maxBodyBytes: Int = HTTPTransport.defaultMaxBodyBytes, bodyPath: String? = nil
  ) throws(GitHubError) -> Response {
    var request = HTTPTransport.Request(method: method, url: url, body: body)
    request.maxBodyBytes = maxBodyBytes
    request.bodyPath = bodyPath
    request.setHeader("Accept", "application/vnd.github+json")
    request.setHeader("X-GitHub-Api-Version", "2022-11-28")
    request.setHeader("User-Agent", connection.userAgent)
    if authorized && connection.isAPIHost(url) {
      request.setHeader("Authorization", "Bearer \(connection.token)")
    }
    if body != nil {
      request.setHeader("Content-Type", "application/json")
    }
    var tries = 0
    var delay = connection.retryDelay
    while true {
      let answer: HTTPTransport.Response
      do {
        answer = try transport.perform(request, timeout: connection.requestTimeout)
      } catch {
        // No libcurl is not a dropped connection, nor is an answer too long: trying again
        // cannot help.
        var isFinal = HTTPTransport.loadProblem != nil
        switch error {
        case .tooLarge, .headersTooLarge, .cannotWrite: isFinal = true
        case .timeout, .connection: break
        }
        guard tries < connection.retries, !isFinal else {
          switch error {
          case .timeout:
            throw GitHubError(
              .timeout,
              "\(method) \(Self.shown(url)): no answer within \(Self.seconds(connection.requestTimeout)) s "
                + "(\(tries + 1) tries)")
          case .connection(let reason):
            throw GitHubError(
              .transport, "\(method) \(Self.shown(url)): \(reason) (\(tries + 1) tries)")
          case .cannotWrite(let reason):
            throw GitHubError(
              .file, "\(method) \(Self.shown(url)): cannot write the answer: \(reason)")
          case .tooLarge(let limit):
            throw GitHubError(
              .badResponse,
              "\(method) \(Self.shown(url)): the answer is longer than \(limit >> 20) MiB, "
                + "more than runlens reads; it stopped there")
          case .headersTooLarge(let bound):
            throw GitHubError(
              .badResponse,
              "\(method) \(Self.shown(url)): the answer's headers are more than \(bound), "
                + "more than runlens reads; it stopped there")
          }
        }
        tries += 1
        Thread.sleep(forTimeInterval: delay)
        delay = Self.backoff(after: delay, first: connection.retryDelay)
        continue
      }
      if let wait = try rateLimitWait(answer, method: method, url: url) {
        Thread.sleep(forTimeInterval: wait)
        continue
      }
      if answer.status >= 500 {
        guard tries < connection.retries else {
          throw GitHubError(
            .server,
            "\(method) \(Self.shown(url)): GitHub answered \(answer.status) \(tries + 1) times"
              + Self.detail(answer.body), status: answer.status)
        }
        tries += 1
        Thread.sleep(forTimeInterval: delay)
        delay = Self.backoff(after: delay, first: connection.retryDelay)
        continue
      }
      return Response(status: answer.status, headers: answer.headers, body: answer.body)
    }
  }

  /// How long a rate-limited answer asks to wait, `nil` when it is not one; throws when the
  /// waits would pass the bound.
  private func rateLimitWait(_ answer: HTTPTransport.Response, method: String, url: URL)
    throws(GitHubError) -> TimeInterval?
  {
    // GraphQL answers its primary rate limit with 200 and an error of type RATE_LIMIT(ED).
    let graphQLLimited =
      answer.status == 200 && answer.headers["x-ratelimit-remaining"] == "0"
      && Self.isGraphQLRateLimit(answer.body)
    guard answer.status == 403 || answer.status == 429 || graphQLLimited else { return nil }
    let message = Self.message(answer.body) ?? ""
    var wait: TimeInterval?
    var kind = "secondary"
    let now = Date().timeIntervalSince1970
    if let retryAfter = Self.retryAfter(answer.headers["retry-after"], now: now) {
      wait = retryAfter
    } else if answer.headers["x-ratelimit-remaining"] == "0",
      let reset = Self.wholeSeconds(answer.headers["x-ratelimit-reset"])
    {
      wait = max(0, reset - now) + 1
      kind = "primary"
    } else if answer.status == 429 || message.lowercased().contains("secondary rate limit") {
      wait = 60
    }
    // At least a second: a server that answers `Retry-After: 0` forever reaches the bound
    // instead of being asked again at once, forever.
    guard let wait = wait.map({ max(1, $0) }) else { return nil }
    let bound = connection.maxRateLimitWait
    let total = waited.withLock { total -> TimeInterval? in
      guard total + wait <= bound else { return nil }
      total += wait
      return total
    }
    guard total != nil else {
      throw GitHubError(
        .rateLimited,
        "\(method) \(Self.shown(url)): \(kind) rate limit (\(answer.status)); GitHub asks to wait "
          + "\(Self.seconds(wait)) s, more than the \(Self.seconds(bound)) s runlens waits; "
          + "try again later", status: answer.status)
    }
    return wait
  }

  /// A GET of an API path, mapped to an error unless 2xx.
  package func get(_ path: String, query: [(String, String)] = [], needs permission: Permission)
    throws(GitHubError) -> Data
  {
    guard let url = connection.url(path, query: query) else {
      throw GitHubError(.badResponse, "not a URL: \(path)")
    }
    let answer = try send("GET", url)
    try check(answer, "GET", url, needs: permission)
    return answer.body
  }

  /// Every page of a list: the first page of `path`, then each `Link: <…>; rel="next"` as given.
  ///
  /// - Returns: The bodies of the pages, in order.
  /// - Throws: ``GitHubError``, also when the list has more than `limit` pages (a `Link` loop,
  ///   or a list longer than runlens reads).
  package func pages(
    _ path: String, query: [(String, String)] = [], needs permission: Permission,
    limit: Int = 100
  ) throws(GitHubError) -> [Data] {
    guard var url = connection.url(path, query: query) else {
      throw GitHubError(.badResponse, "not a URL: \(path)")
    }
    var bodies: [Data] = []
    var read: Set<String> = [url.absoluteString]
    while true {
      let answer = try send("GET", url)
      try check(answer, "GET", url, needs: permission)
      bodies.append(answer.body)
      guard let link = LinkHeader.next(answer.headers["link"]) else { return bodies }
      // RFC 8288: the target is a URI reference, resolved against this page's URL (`<>` is
      // this page again). A next page that cannot be followed, or is not the API's, would
      // make a total of part of the list (or of another list).
      guard let next = link.isEmpty ? url : URL(string: link, relativeTo: url)?.absoluteURL
      else {
        throw GitHubError(
          .badResponse, "GET \(Self.shown(url)): the Link header's next page is not a URL")
      }
      guard connection.isAPIHost(next) else {
        // The host as sent, percent-encoded: a decoded one could hold control characters.
        let parts = URLComponents(url: next, resolvingAgainstBaseURL: false)
        let place =
          "\(parts?.scheme ?? "?")://\(parts?.percentEncodedHost ?? "?")"
          + (parts?.port.map { ":\($0)" } ?? "")
        throw GitHubError(
          .badResponse,
          "GET \(Self.shown(url)): the Link header's next page is on \(place), not the API host")
      }
      guard read.insert(next.absoluteString).inserted else {
        throw GitHubError(
          .badResponse,
          "GET \(Self.shown(url)): the Link header's next page is one already read (a loop)")
      }
      // A list cut short would give a total that looks whole (a budget, a baseline).
      guard bodies.count < limit else {
        throw GitHubError(
          .badResponse,
          "GET \(Self.shown(url)): more than \(limit) pages; runlens reads at most \(limit) "
            + "rather than report on part of the list")
      }
      url = next
    }
  }

  /// A JSON request (`POST`, `PATCH`) to an API path, mapped to an error unless 2xx.
  package func sendJSON(
    _ method: String, _ path: String, body: Data, needs permission: Permission
  ) throws(GitHubError) -> Data {
    guard let url = connection.url(path) else {
      throw GitHubError(.badResponse, "not a URL: \(path)")
    }
    let answer = try send(method, url, body: body)
    try check(answer, method, url, needs: permission)
    return answer.body
  }

  /// A job's log: `GET /repos/{o}/{r}/actions/jobs/{id}/logs`, whose 302 is followed by hand,
  /// with the token only when the `Location` is on the API host, written to `file` as it
  /// arrives (a log is not held in memory).
  ///
  /// - Parameters:
  ///   - repository: `owner/name`.
  ///   - jobID: The job.
  ///   - file: The file to write (created, or emptied); left as it is when there is no log.
  /// - Throws: ``GitHubError``; 404 means the job has no log (queued, running, or cancelled
  ///   before it wrote one).
  package func jobLog(repository: String, jobID: Int64, to file: URL) throws(GitHubError) {
    let path = "/repos/\(repository)/actions/jobs/\(jobID)/logs"
    guard var url = connection.url(path) else {
      throw GitHubError(.badResponse, "not a URL: \(path)")
    }
    var hops = 0
    while true {
      let answer = try send(
        "GET", url, authorized: connection.isAPIHost(url), maxBodyBytes: Self.maxLogBytes,
        bodyPath: file.path)
      if (300..<400).contains(answer.status) {
        guard hops < 5, let location = answer.headers["location"],
          let next = URL(string: location, relativeTo: url)?.absoluteURL
        else {
          throw GitHubError(
            .badResponse, "GET \(Self.shown(url)): redirect without a usable Location",
            status: answer.status)
        }
        hops += 1
        url = next
        continue
      }
      try check(answer, "GET", url, needs: .actionsRead, subject: "the log of job \(jobID)")
      return
    }
  }

  /// Turns a non-2xx answer into an error that names the likely cause.
  package func check(
    _ answer: Response, _ method: String, _ url: URL, needs permission: Permission,
    subject: String? = nil
  ) throws(GitHubError) {
    guard !(200..<300).contains(answer.status) else { return }
    let what = subject ?? "\(method) \(Self.shown(url))"
    let detail = Self.detail(answer.body)
    switch answer.status {
    case 401:
      throw GitHubError(
        .unauthorized,
        "\(what): the token was rejected (401); GH_TOKEN/GITHUB_TOKEN is invalid or expired",
        status: 401)
    case 403:
      var text = "\(what): forbidden (403); the token likely lacks `\(permission.rawValue)`"
      if let accepted = answer.headers["x-accepted-github-permissions"] {
        text += " (GitHub accepts: \(accepted))"
      }
      throw GitHubError(.forbidden, text + detail, status: 403)
    case 404:
      throw GitHubError(
        .notFound,
        "\(what): not found (404); it does not exist, or the token cannot see it "
          + "(needs `\(permission.rawValue)`)" + detail, status: 404)
    default:
      throw GitHubError(
        .badResponse, "\(what): GitHub answered \(answer.status)" + detail, status: answer.status)
    }
  }

  /// A URL for messages: its path only, never credentials or signatures of other hosts, and
  /// as sent (percent-encoded: a decoded path could hold control characters).
  static func shown(_ url: URL) -> String {
    let parts = URLComponents(url: url, resolvingAgainstBaseURL: false)
    let path = parts?.percentEncodedPath ?? ""
    return path.isEmpty ? (parts?.percentEncodedHost ?? "?") : path
  }

  /// The wait before the next retry: twice the last, at most a minute (or the first wait, when
  /// that is longer), so that many retries do not wait for days.
  static func backoff(after delay: TimeInterval, first: TimeInterval) -> TimeInterval {
    min(delay * 2, max(60, first))
  }

  /// A number of seconds for a message; any value, also one from a header or the environment.
  package static func seconds(_ value: TimeInterval) -> String {
    guard value.isFinite, value.magnitude < 1e15 else { return String(describing: value) }
    return value.rounded() == value ? String(Int(value)) : String(format: "%.1f", value)
  }

  /// The seconds of a header that holds a whole number of them (`x-ratelimit-reset`, a
  /// `Retry-After` in delay-seconds): at most 12 digits, nothing else, so that the waits and
  /// their sums stay exact.
  package static func wholeSeconds(_ value: String?) -> TimeInterval? {
    guard let value else { return nil }
    let digits = Array(value.trimmingCharacters(in: .whitespaces).utf8)
    guard (1...12).contains(digits.count), digits.allSatisfy({ (0x30...0x39).contains($0) })
    else { return nil }
    return digits.reduce(0) { $0 * 10 + TimeInterval($1 - 0x30) }
  }

  /// The wait a `Retry-After` header asks for (RFC 9110: delay-seconds, or an HTTP-date
  /// such as `Wed, 21 Oct 2015 07:28:00 GMT`, which counts from `now`), `nil` when it is
  /// neither.
  package static func retryAfter(_ value: String?, now: TimeInterval) -> TimeInterval? {
    if let seconds = wholeSeconds(value) { return seconds }
    guard let value, let date = httpDate(value.trimmingCharacters(in: .whitespaces)) else {
      return nil
    }
    return max(0, date - now)
  }

  /// Seconds since 1970 of an IMF-fixdate, `nil` for anything else.
  ///
  /// An IMF-fixdate (RFC 9110 §5.6.7) is `Sun, 06 Nov 1994 08:49:37 GMT`, the form servers
  /// send; the obsolete RFC 850 and asctime forms are not taken. Read byte by byte: exact for
  /// the years 0000 to 9999, and no date formatter per header. The day name must be one, but
  /// is not checked against the date.
  package static func httpDate(_ text: String) -> TimeInterval? {
    let bytes = Array(text.utf8)
    let form = Array("___, __ ___ ____ __:__:__ GMT".utf8)
    guard bytes.count == form.count else { return nil }
    for (byte, expected) in zip(bytes, form) where expected != UInt8(ascii: "_") {
      guard byte == expected else { return nil }
    }
    func name(_ range: Range<Int>, in names: String) -> Int? {
      names.split(separator: " ").firstIndex { $0.utf8.elementsEqual(bytes[range]) }
    }
    func number(_ range: Range<Int>) -> Int64? {
      var value: Int64 = 0
      for byte in bytes[range] {
        guard (0x30...0x39).contains(byte) else { return nil }
        value = value * 10 + Int64(byte - 0x30)
      }
      return value
    }
    guard name(0..<3, in: "Mon Tue Wed Thu Fri Sat Sun") != nil,
      let monthIndex = name(8..<11, in: "Jan Feb Mar Apr May Jun Jul Aug Sep Oct Nov Dec"),
      let day = number(5..<7), let year = number(12..<16), let hour = number(17..<19),
      let minute = number(20..<22), let second = number(23..<25)
    else { return nil }
    let month = Int64(monthIndex + 1)
    let isLeap = year % 4 == 0 && (year % 100 != 0 || year % 400 == 0)
    let lengths: [Int64] = [31, isLeap ? 29 : 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31]
    // RFC 9110's second is 00 to 60 (a leap second).
    guard (1...lengths[monthIndex]).contains(day), hour < 24, minute < 60, second <= 60 else {
      return nil
    }
    let days = LogTime.daysFromCivil(year: year, month: month, day: day)
    return TimeInterval(((days * 24 + hour) * 60 + minute) * 60 + second)
  }

  /// GitHub's `{"message": …}` of an error answer.
  package static func message(_ body: Data) -> String? {
    guard let object = try? JSONSerialization.jsonObject(with: body) as? [String: Any] else {
      return nil
    }
    return object["message"] as? String
  }

  /// Whether a GraphQL answer's errors include a rate limit (`"type": "RATE_LIMIT"`, or the
  /// older `RATE_LIMITED`).
  package static func isGraphQLRateLimit(_ body: Data) -> Bool {
    guard let object = try? JSONSerialization.jsonObject(with: body) as? [String: Any],
      let errors = object["errors"] as? [Any]
    else { return false }
    return errors.contains {
      guard let type = ($0 as? [String: Any])?["type"] as? String else { return false }
      return type == "RATE_LIMIT" || type == "RATE_LIMITED"
    }
  }

  static func detail(_ body: Data) -> String {
    message(body).map { ": \($0)" } ?? ""
  }
}

/// A value behind a lock.
final class Mutex<Value>: @unchecked Sendable {
  private let lock = NSLock()
  private var value: Value

  init(_ value: Value) { self.value = value }

  func withLock<Result>(_ body: (inout Value) throws -> Result) rethrows -> Result {
    lock.lock()
    defer { lock.unlock() }
    return try body(&value)
  }
}

/// Reads the `Link` header of a paginated answer.
package enum LinkHeader {
  /// The `rel="next"` URL of `<…>; rel="next", <…>; rel="last"`, `nil` on the last page.
  ///
  /// Read as RFC 8288 writes it: each target from `<` to `>` (a comma or semicolon in it is
  /// part of it; of a stray `<` before it, the last one starts it), then its parameters up
  /// to the next comma outside a quoted string. The first `rel` counts, its relation types
  /// compared without case.
  package static func next(_ header: String?) -> String? {
    guard let header else { return nil }
    let bytes = Array(header.utf8)
    var index = 0
    while let first = bytes[index...].firstIndex(of: UInt8(ascii: "<")),
      let close = bytes[(first + 1)...].firstIndex(of: UInt8(ascii: ">")),
      let open = bytes[first..<close].lastIndex(of: UInt8(ascii: "<"))
    {
      // The parameters: `;`-separated, up to a `,` outside quotes.
      var parameters: [[UInt8]] = [[]]
      var quoted = false
      var escaped = false
      index = close + 1
      while index < bytes.count {
        let byte = bytes[index]
        index += 1
        if quoted {
          if escaped {
            escaped = false
          } else if byte == UInt8(ascii: "\\") {
            escaped = true
            continue
          } else if byte == UInt8(ascii: "\"") {
            quoted = false
            continue
          }
        } else if byte == UInt8(ascii: "\"") {
          quoted = true
          continue
        } else if byte == UInt8(ascii: ",") {
          break
        } else if byte == UInt8(ascii: ";") {
          parameters.append([])
          continue
        }
        parameters[parameters.count - 1].append(byte)
      }
      if let rel = parameters.lazy.compactMap(relationTypes).first, rel.contains("next") {
        return String(decoding: bytes[(open + 1)..<close], as: UTF8.self)
      }
    }
    return nil
  }

  /// The relation types of a `rel` parameter (quotes removed), lowercased; `nil` for
  /// another parameter.
  private static func relationTypes(_ parameter: [UInt8]) -> [String]? {
    let text = String(decoding: parameter, as: UTF8.self)
    let pair = text.split(separator: "=", maxSplits: 1)
    guard pair.count == 2, pair[0].trimmingCharacters(in: .whitespaces).lowercased() == "rel"
    else { return nil }
    return pair[1].split { $0 == " " || $0 == "\t" }.map { $0.lowercased() }
  }
}
