import Foundation

#if canImport(FoundationNetworking)
  import FoundationNetworking
#endif

/// One HTTP exchange at a time per call, through FoundationNetworking's `URLSession`, with
/// redirects **not** followed: a 3xx comes back as the answer, so the caller decides whether
/// the token may go to the `Location` (``GitHubClient`` sends it to the API host only).
///
/// URLSession with a delegate, not with completion handlers: on Linux a task with a completion
/// handler follows redirects itself and never asks the delegate, and may carry `Authorization`
/// to the redirect's host (swiftlang/swift-package-manager#8946).
final class HTTPTransport: NSObject, URLSessionDataDelegate, @unchecked Sendable {
  /// An answer.
  struct Response: Sendable {
    /// The HTTP status.
    var status: Int
    /// The headers, names lowercased.
    var headers: [String: String]
    /// The body.
    var body: Data

    /// A header by lowercase name.
    func header(_ name: String) -> String? { headers[name] }
  }

  /// A request that got no answer.
  enum Failure: Error {
    case timeout
    case connection(String)
  }

  private final class Exchange: @unchecked Sendable {
    let done = DispatchSemaphore(value: 0)
    var response: HTTPURLResponse?
    var body = Data()
    var error: (any Error)?
  }

  private let lock = NSLock()
  private var exchanges: [Int: Exchange] = [:]
  private var session: URLSession?

  override init() {
    super.init()
    let configuration = URLSessionConfiguration.ephemeral
    configuration.httpShouldSetCookies = false
    configuration.urlCache = nil
    configuration.requestCachePolicy = .reloadIgnoringLocalCacheData
    session = URLSession(configuration: configuration, delegate: self, delegateQueue: nil)
  }

  /// Ends the session.
  func invalidate() {
    session?.finishTasksAndInvalidate()
  }

  /// Sends `request` and waits for the whole answer, at most `timeout` seconds.
  func perform(_ request: URLRequest, timeout: TimeInterval) throws(Failure) -> Response {
    guard let session else { throw .connection("no session") }
    var request = request
    request.timeoutInterval = timeout
    let exchange = Exchange()
    let task = session.dataTask(with: request)
    lock.withLock { exchanges[task.taskIdentifier] = exchange }
    task.resume()
    // URLSession's own timeout is for an idle connection; this bounds the whole exchange.
    if exchange.done.wait(timeout: .now() + timeout + 1) == .timedOut {
      task.cancel()
      _ = exchange.done.wait(timeout: .now() + 5)
      lock.withLock { exchanges[task.taskIdentifier] = nil }
      throw .timeout
    }
    lock.withLock { exchanges[task.taskIdentifier] = nil }
    if let error = exchange.error {
      if let urlError = error as? URLError, urlError.code == .timedOut { throw .timeout }
      throw .connection(error.localizedDescription)
    }
    guard let http = exchange.response else { throw .connection("no HTTP response") }
    var headers: [String: String] = [:]
    for (name, value) in http.allHeaderFields {
      if let name = name as? String, let value = value as? String {
        headers[name.lowercased()] = value
      }
    }
    return Response(status: http.statusCode, headers: headers, body: exchange.body)
  }

  private func exchange(_ task: URLSessionTask) -> Exchange? {
    lock.withLock { exchanges[task.taskIdentifier] }
  }

  func urlSession(
    _ session: URLSession, task: URLSessionTask,
    willPerformHTTPRedirection response: HTTPURLResponse, newRequest request: URLRequest,
    completionHandler: @escaping @Sendable (URLRequest?) -> Void
  ) {
    // Never follow: the 3xx is the answer, and GitHubClient follows it without the token.
    completionHandler(nil)
  }

  func urlSession(
    _ session: URLSession, dataTask: URLSessionDataTask, didReceive response: URLResponse,
    completionHandler: @escaping @Sendable (URLSession.ResponseDisposition) -> Void
  ) {
    exchange(dataTask)?.response = response as? HTTPURLResponse
    completionHandler(.allow)
  }

  func urlSession(_ session: URLSession, dataTask: URLSessionDataTask, didReceive data: Data) {
    exchange(dataTask)?.body.append(data)
  }

  func urlSession(
    _ session: URLSession, task: URLSessionTask, didCompleteWithError error: (any Error)?
  ) {
    guard let exchange = exchange(task) else { return }
    if exchange.response == nil { exchange.response = task.response as? HTTPURLResponse }
    exchange.error = error
    exchange.done.signal()
  }
}
