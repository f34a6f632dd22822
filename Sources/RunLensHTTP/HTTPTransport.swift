import CCurl
package import Foundation

/// One HTTP exchange at a time per call, through libcurl loaded on the first request (see
/// `CCurl`), with redirects **not** followed: a 3xx comes back as the answer, so the caller
/// decides whether the token may go to the `Location` (`GitHubClient` sends it to the API host
/// only).
///
/// This is the only file that imports `CCurl`: it owns every curl handle, every callback and
/// every unsafe pointer. Safe to use from several threads at once: each exchange takes an idle
/// easy handle (or makes one) and gives it back, so connections are kept between requests.
/// libcurl reads `HTTPS_PROXY`, `HTTP_PROXY` and `NO_PROXY` itself and checks certificates
/// against the system's CA bundle.
package final class HTTPTransport: Sendable {
  /// What to send.
  package struct Request: Sendable {
    /// `GET`, `POST`, `PATCH`, `DELETE`, ...
    package var method: String
    /// An absolute http or https URL.
    package var url: URL
    /// The headers, in order, as `(name, value)`.
    package var headers: [(name: String, value: String)]
    /// The body, `nil` for none.
    package var body: Data?
    /// The most bytes of answer body to take, after decoding (a gzip answer can unpack a
    /// thousandfold); a longer answer fails with ``Failure/tooLarge(_:)``.
    package var maxBodyBytes = HTTPTransport.defaultMaxBodyBytes
    /// A file for the body of a 2xx answer, written as it arrives instead of kept in memory.
    ///
    /// The file is created, or emptied; `nil` keeps the body in ``Response/body``. Other
    /// answers' bodies (a redirect, an error) are kept in memory as usual, and the file is not
    /// touched.
    package var bodyPath: String?

    /// A request; add headers with ``setHeader(_:_:)``.
    package init(
      method: String, url: URL, headers: [(name: String, value: String)] = [], body: Data? = nil
    ) {
      self.method = method
      self.url = url
      self.headers = headers
      self.body = body
    }

    /// Sets a header, replacing one of the same name (compared without case).
    package mutating func setHeader(_ name: String, _ value: String) {
      headers.removeAll { $0.name.lowercased() == name.lowercased() }
      headers.append((name, value))
    }
  }

  /// An answer.
  package struct Response: Sendable {
    /// The HTTP status.
    package var status: Int
    /// The headers of the final response (not of a `100 Continue` before it), names
    /// lowercased; a repeated header's values joined with `, `.
    package var headers: [String: String]
    /// The body, decoded if the server compressed it; empty when it went to the request's
    /// ``Request/bodyPath``.
    package var body: Data

    /// A header by lowercase name.
    package func header(_ name: String) -> String? { headers[name] }
  }

  /// A request that got no answer.
  package enum Failure: Error, Equatable {
    /// No whole answer within the timeout.
    case timeout
    /// No connection, a broken one, or no libcurl to make one; the reason for a message.
    case connection(String)
    /// The answer's body is longer than the request's ``Request/maxBodyBytes`` (given here);
    /// the transfer stopped there.
    case tooLarge(Int)
    /// The request's ``Request/bodyPath`` could not be written; the reason for a message.
    case cannotWrite(String)
    /// The answer's headers pass ``maxHeaderBytes`` or ``maxHeaderLines`` (the bound passed,
    /// for a message: `256 KiB`, `4096 lines`); the transfer stopped there.
    case headersTooLarge(String)
  }

  /// The bound on an answer's header bytes, interim responses' and trailers included: 256 KiB.
  ///
  /// libcurl's own bounds depend on its version (300 KiB and 5,000 headers in recent ones,
  /// none before 8.3.0 unless patched for CVE-2023-38039), so runlens keeps its own, below
  /// them. libcurl's bound on one line (100 KiB) stays its own.
  package static let maxHeaderBytes = 256 << 10

  /// The bound on an answer's header lines, folded continuation lines not counted: 4,096.
  package static let maxHeaderLines = 4096

  /// The default bound on an answer's body: 64 MiB, far more than any page of the API.
  package static let defaultMaxBodyBytes = 64 << 20

  /// Easy handles not in use, kept for their open connections.
  private let idle = IdleHandles()

  /// A transport; libcurl is loaded by the first ``perform(_:timeout:)``.
  package init() {}

  deinit {
    idle.closeAll()
  }

  /// Closes the idle connections now (the transport stays usable).
  package func invalidate() {
    idle.closeAll()
  }

  /// Why libcurl cannot be used, `nil` when it can: loads it on the first call.
  ///
  /// The corresponding C function is `ccurl_load`.
  package static var loadProblem: String? {
    ccurl_load().map { String(cString: $0) }
  }

  /// The message ``perform(_:timeout:)`` would give if libcurl were the library `name`, `nil`
  /// when that library loads and has every function runlens calls; loads nothing for good.
  ///
  /// The corresponding C function is `ccurl_probe`.
  package static func loadProblem(library name: String) -> String? {
    var message = [CChar](repeating: 0, count: 1024)
    let problem = message.withUnsafeMutableBufferPointer { buffer in
      ccurl_probe(name, buffer.baseAddress, buffer.count)
    }
    guard problem != nil else { return nil }
    return String(decoding: message.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self)
  }

  /// Sends `request` and waits for the whole answer, at most `timeout` seconds.
  ///
  /// - Parameters:
  ///   - request: What to send.
  ///   - timeout: The bound on the whole exchange, seconds; connecting gets at most 30 of them.
  /// - Returns: The answer, whatever its status; a 3xx is not followed.
  /// - Throws: ``Failure``: `.timeout`, or `.connection` with the reason (also when libcurl
  ///   cannot be loaded).
  ///
  /// The corresponding C functions are `ccurl_prepare` and `ccurl_perform`.
  package func perform(_ request: Request, timeout: TimeInterval) throws(Failure) -> Response {
    if let problem = Self.loadProblem { throw .connection(problem) }
    guard let easy = idle.take() ?? ccurl_easy_open() else {
      throw .connection("libcurl could not make a handle")
    }
    let exchange = Exchange(limit: max(0, request.maxBodyBytes), path: request.bodyPath)
    var result = Self.run(request, timeout: timeout, on: easy, into: exchange)
    idle.give(easy)
    // A 2xx answer without a body still makes its (empty) file.
    if case .success(let status) = result, (200..<300).contains(status), request.bodyPath != nil,
      !exchange.openFile()
    {
      result = .failure(.cannotWrite(exchange.writeProblem ?? "cannot write"))
    }
    exchange.closeFile()
    switch result {
    case .success(let status):
      return Response(status: status, headers: exchange.headers, body: exchange.body)
    case .failure(let failure):
      throw failure
    }
  }

  /// Prepares and runs one exchange on `easy`, collecting the answer into `exchange`.
  private static func run(
    _ request: Request, timeout: TimeInterval, on easy: OpaquePointer, into exchange: Exchange
  ) -> Result<Int, Failure> {
    var headers: OpaquePointer?
    defer { ccurl_list_free(headers) }
    var lines = request.headers.map { "\($0.name): \($0.value)" }
    let given = Set(request.headers.map { $0.name.lowercased() })
    // libcurl would add `Expect: 100-continue` to a large body and wait for the go-ahead, and
    // `Content-Type: application/x-www-form-urlencoded` to any body: send neither.
    if !given.contains("expect") { lines.append("Expect:") }
    if request.body != nil && !given.contains("content-type") { lines.append("Content-Type:") }
    for line in lines {
      // A line break in a name or value would start a header (or a request) of its own.
      guard !line.contains(where: { $0 == "\r" || $0 == "\n" || $0 == "\r\n" }) else {
        return .failure(.connection("a request header holds a line break"))
      }
      guard let longer = ccurl_list_append(headers, line) else {
        return .failure(.connection("out of memory for the request headers"))
      }
      headers = longer
    }
    let timeoutMS = milliseconds(timeout)
    let context = Unmanaged.passUnretained(exchange).toOpaque()
    let method = request.method.uppercased()
    let url = request.url.absoluteString
    let prepared: Int32 = url.withCString { url in
      method.withCString { method in
        withBody(request.body) { body, size in
          var options = ccurl_request(
            url: url, method: method, body: body, body_size: size, headers: headers,
            timeout_ms: timeoutMS, connect_timeout_ms: min(timeoutMS, 30_000),
            on_header: receiveHeader, on_body: receiveBody, context: context)
          return ccurl_prepare(easy, &options)
        }
      }
    }
    guard prepared == 0 else {
      return .failure(.connection("libcurl rejected the request (code \(prepared))"))
    }
    var message = [CChar](repeating: 0, count: Int(CCURL_ERROR_SIZE))
    let code = withExtendedLifetime(exchange) {
      message.withUnsafeMutableBufferPointer { ccurl_perform(easy, $0.baseAddress) }
    }
    if exchange.isOverLimit { return .failure(.tooLarge(exchange.limit)) }
    if let bound = exchange.headerBoundPassed { return .failure(.headersTooLarge(bound)) }
    if let problem = exchange.writeProblem { return .failure(.cannotWrite(problem)) }
    guard code == 0 else {
      if code == CCURL_TIMED_OUT { return .failure(.timeout) }
      let text = String(
        decoding: message.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self)
      return .failure(.connection(text.isEmpty ? "libcurl error \(code)" : text))
    }
    return .success(ccurl_status(easy))
  }

  /// Seconds as whole milliseconds for libcurl, at least 1 (0 would mean no bound) and at most
  /// `Int32.max` (`long` is 32 bits on some platforms).
  private static func milliseconds(_ seconds: TimeInterval) -> Int {
    guard seconds.isFinite, seconds > 0 else { return 1 }
    let value = (seconds * 1000).rounded(.up)
    return value >= Double(Int32.max) ? Int(Int32.max) : max(1, Int(value))
  }

  /// Calls `body` with the request body's bytes and size (`nil`, 0 for none).
  private static func withBody<Result>(
    _ data: Data?, _ body: (UnsafeRawPointer?, Int64) -> Result
  ) -> Result {
    guard let data else { return body(nil, 0) }
    return data.withUnsafeBytes { bytes in
      // An empty Data may have no address; libcurl needs one with a size of 0.
      guard let base = bytes.baseAddress else {
        return "".withCString { body(UnsafeRawPointer($0), 0) }
      }
      return body(base, Int64(bytes.count))
    }
  }
}

/// What one exchange has received so far; filled by libcurl's callbacks on the thread that
/// runs the exchange, read after it ends.
private final class Exchange {
  var headers: [String: String] = [:]
  var body = Data()
  /// The most body bytes to take.
  let limit: Int
  /// The body bytes taken so far.
  var received = 0
  /// Whether the body went past ``limit`` (and the transfer was stopped).
  var isOverLimit = false
  /// The header bytes taken so far, line ends included.
  var headerBytes = 0
  /// The header lines taken so far, but folded continuation lines.
  var headerLines = 0
  /// The bound the headers passed (the transfer was stopped), for a message.
  var headerBoundPassed: String?
  /// The name of the last header, for an obsolete folded continuation line.
  var lastHeader: String?
  /// The status of the response whose headers came last.
  var status: Int?
  /// Where a 2xx body goes, and its descriptor once opened.
  let path: String?
  var file: Int32 = -1
  /// Why the file could not be written (the transfer was stopped).
  var writeProblem: String?

  init(limit: Int, path: String?) {
    self.limit = limit
    self.path = path
  }

  /// Takes body bytes, into the file for a 2xx answer with a path, else into ``body``;
  /// `false` (stop the transfer) past the limit or when the file cannot be written.
  func append(_ bytes: UnsafeBufferPointer<UInt8>) -> Bool {
    guard bytes.count <= limit - received else {
      isOverLimit = true
      return false
    }
    received += bytes.count
    guard path != nil, let status, (200..<300).contains(status) else {
      body.append(bytes)
      return true
    }
    guard openFile(), let base = bytes.baseAddress else { return writeProblem == nil }
    var offset = 0
    while offset < bytes.count {
      let count = write(file, base + offset, bytes.count - offset)
      let code = errno
      if count < 0 && code == EINTR { continue }
      guard count > 0 else {
        let reason = count == 0 ? "nothing written" : String(cString: strerror(code))
        writeProblem = "\(path ?? ""): \(reason)"
        return false
      }
      offset += count
    }
    return true
  }

  /// Opens (creates or empties) the file once, so that a 2xx answer without a body makes an
  /// empty one too; `false` with ``writeProblem`` when it cannot.
  func openFile() -> Bool {
    if file >= 0 { return true }
    guard let path else { return false }
    file = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0o644)
    if file < 0 {
      let reason = String(cString: strerror(errno))
      writeProblem = "\(path): \(reason)"
    }
    return file >= 0
  }

  /// Closes the file, if open.
  func closeFile() {
    if file >= 0 { close(file) }
    file = -1
  }

  /// Takes one header line (CRLF included); `false` (stop the transfer) past
  /// ``HTTPTransport/maxHeaderBytes`` or ``HTTPTransport/maxHeaderLines`` in all.
  ///
  /// A status line starts the headers of a new response (after `100 Continue`, or a proxy's
  /// answer to CONNECT), so only the final one's are kept.
  func header(_ bytes: UnsafeBufferPointer<UInt8>) -> Bool {
    guard bytes.count <= HTTPTransport.maxHeaderBytes - headerBytes else {
      headerBoundPassed = "\(HTTPTransport.maxHeaderBytes >> 10) KiB"
      return false
    }
    headerBytes += bytes.count
    let isFolded = bytes.first == 0x20 || bytes.first == 0x09
    if !isFolded {
      guard headerLines < HTTPTransport.maxHeaderLines else {
        headerBoundPassed = "\(HTTPTransport.maxHeaderLines) lines"
        return false
      }
      headerLines += 1
    }
    var end = bytes.endIndex
    while end > bytes.startIndex, bytes[end - 1] == 10 || bytes[end - 1] == 13 { end -= 1 }
    // Not Swift's "\r\n", which is one Character: bytes, then text.
    let line = Substring(String(decoding: bytes[..<end], as: UTF8.self))
    if line.hasPrefix("HTTP/") {
      headers = [:]
      lastHeader = nil
      status = line.split(separator: " ").dropFirst().first.flatMap { Int($0) }
      return true
    }
    // Values grow in place: a header repeated thousands of times is not copied whole for
    // each line.
    if let first = line.first, first == " " || first == "\t", let name = lastHeader {
      headers[name, default: ""].append(" " + line.trimmingCharacters(in: .whitespaces))
      return true
    }
    guard let colon = line.firstIndex(of: ":") else { return true }
    let name = line[..<colon].trimmingCharacters(in: .whitespaces).lowercased()
    let value = line[line.index(after: colon)...].trimmingCharacters(in: .whitespaces)
    guard !name.isEmpty else { return true }
    if headers[name] != nil {
      headers[name]?.append(", " + value)
    } else {
      headers[name] = value
    }
    lastHeader = name
    return true
  }
}

/// libcurl's header callback: hands each line to the ``Exchange``.
private let receiveHeader: ccurl_data_callback = { data, size, count, context in
  deliver(data, size, count, context) { $0.header($1) }
}

/// libcurl's write callback: appends the bytes to the ``Exchange``'s body, up to its limit.
private let receiveBody: ccurl_data_callback = { data, size, count, context in
  deliver(data, size, count, context) { $0.append($1) }
}

/// The body of both callbacks: `size * count` bytes at `data` to `exchange`; returns the count
/// taken, or 0 (which stops the transfer) when the numbers make no sense or `take` refuses.
private func deliver(
  _ data: UnsafeMutablePointer<CChar>?, _ size: Int, _ count: Int,
  _ context: UnsafeMutableRawPointer?, _ take: (Exchange, UnsafeBufferPointer<UInt8>) -> Bool
) -> Int {
  let (total, overflow) = size.multipliedReportingOverflow(by: count)
  guard !overflow, let context else { return 0 }
  guard total > 0, let data else { return total }
  let exchange = Unmanaged<Exchange>.fromOpaque(context).takeUnretainedValue()
  let taken = data.withMemoryRebound(to: UInt8.self, capacity: total) {
    take(exchange, UnsafeBufferPointer(start: $0, count: total))
  }
  return taken ? total : 0
}

/// Easy handles between exchanges, behind a lock.
private final class IdleHandles: @unchecked Sendable {
  private let lock = NSLock()
  private var handles: [OpaquePointer] = []

  /// An idle handle, reset, or `nil` when none is idle.
  func take() -> OpaquePointer? {
    guard let easy = lock.withLock({ handles.popLast() }) else { return nil }
    ccurl_easy_reset(easy)
    return easy
  }

  /// Keeps `easy` for the next exchange (at most 8; closes the rest).
  func give(_ easy: OpaquePointer) {
    let kept = lock.withLock {
      guard handles.count < 8 else { return false }
      handles.append(easy)
      return true
    }
    if !kept { ccurl_easy_close(easy) }
  }

  /// Closes every idle handle.
  func closeAll() {
    let all = lock.withLock {
      defer { handles = [] }
      return handles
    }
    for easy in all { ccurl_easy_close(easy) }
  }
}
