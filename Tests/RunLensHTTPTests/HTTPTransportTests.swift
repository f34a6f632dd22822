import Foundation
import Testing

@testable import RunLensHTTP

/// The transport against a small local server (`Tests/HTTPStandIn/server.py`), one per test.
@Suite("HTTP transport")
struct HTTPTransportTests {
  /// The server: started on an ephemeral 127.0.0.1 port, ended with the value.
  final class Server {
    let port: Int
    private let base: URL
    private let process = Process()
    private let input = Pipe()

    init() throws {
      let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
        .deletingLastPathComponent().deletingLastPathComponent()
      let output = Pipe()
      process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
      process.arguments = [
        "python3", root.appendingPathComponent("Tests/HTTPStandIn/server.py").path,
      ]
      process.standardInput = input
      process.standardOutput = output
      process.standardError = FileHandle.nullDevice
      try process.run()
      var line = Data()
      while !line.contains(UInt8(ascii: "\n")) {
        let more = output.fileHandleForReading.availableData
        if more.isEmpty { break }
        line.append(more)
      }
      let text = String(decoding: line, as: UTF8.self).trimmingCharacters(
        in: .whitespacesAndNewlines)
      port = try #require(Int(text))
      base = try #require(URL(string: "http://127.0.0.1:\(port)/"))
    }

    deinit {
      process.terminate()
      process.waitUntilExit()
    }

    /// `path` on this server.
    func url(_ path: String) -> URL {
      URL(string: path, relativeTo: base)?.absoluteURL ?? base
    }
  }

  @Test("a 302 comes back unfollowed, with its Location and body")
  func redirectNotFollowed() throws {
    let server = try Server()
    let answer = try HTTPTransport().perform(
      .init(method: "GET", url: server.url("/redirect")), timeout: 10)
    #expect(answer.status == 302)
    #expect(answer.header("location") == "/elsewhere")
    #expect(String(decoding: answer.body, as: UTF8.self) == "moved")
  }

  @Test(
    "a body arrives intact, with the method, the headers as given and no Expect",
    arguments: ["POST", "PATCH", "PUT"])
  func bodyIntact(method: String) throws {
    let server = try Server()
    // Every byte value, and larger than the size at which libcurl would wait for a 100 Continue.
    let body = Data((0..<300_000).map { UInt8(truncatingIfNeeded: $0 &* 7 &+ $0 / 256) })
    var request = HTTPTransport.Request(method: method, url: server.url("/echo"), body: body)
    request.setHeader("Content-Type", "application/json")
    request.setHeader("User-Agent", "runlens-test/1")
    let answer = try HTTPTransport().perform(request, timeout: 10)
    #expect(answer.status == 200)
    #expect(answer.header("x-method") == method)
    #expect(answer.header("x-content-type") == "application/json")
    #expect(answer.header("x-content-length") == "300000")
    #expect(answer.header("x-expect") == "-")
    #expect(answer.header("x-agent") == "runlens-test/1")
    #expect(answer.body == body)
  }

  @Test("a POST without a body sends an empty one; DELETE and GET send none")
  func withoutBody() throws {
    let server = try Server()
    let transport = HTTPTransport()
    let post = try transport.perform(.init(method: "POST", url: server.url("/echo")), timeout: 10)
    #expect(post.header("x-method") == "POST")
    #expect(post.header("x-content-length") == "0")
    let delete = try transport.perform(
      .init(method: "DELETE", url: server.url("/echo")), timeout: 10)
    #expect(delete.header("x-method") == "DELETE")
    #expect(delete.header("x-content-length") == "-")
    let get = try transport.perform(.init(method: "GET", url: server.url("/echo")), timeout: 10)
    #expect(get.header("x-method") == "GET")
    #expect(get.header("x-content-type") == "-")
    #expect(get.body.isEmpty)
  }

  @Test("only the final response's headers are kept after a 100 Continue")
  func interimResponse() throws {
    let server = try Server()
    let answer = try HTTPTransport().perform(
      .init(method: "GET", url: server.url("/continue")), timeout: 10)
    #expect(answer.status == 200)
    #expect(answer.header("x-final") == "yes")
    #expect(answer.header("x-interim") == nil)
    #expect(String(decoding: answer.body, as: UTF8.self) == "done")
  }

  @Test("a repeated header's values are joined; a gzip body is decoded")
  func headersAndEncoding() throws {
    let server = try Server()
    let transport = HTTPTransport()
    let twice = try transport.perform(.init(method: "GET", url: server.url("/twice")), timeout: 10)
    #expect(twice.header("x-twice") == "a, b")
    let squeezed = try transport.perform(
      .init(method: "GET", url: server.url("/gzip")), timeout: 10)
    #expect(squeezed.header("content-encoding") == "gzip")
    #expect(
      String(decoding: squeezed.body, as: UTF8.self) == String(repeating: "squeezed ", count: 100))
  }

  @Test(
    "4,000 repeated, folded header lines are joined; past 256 KiB or 4,096 lines, .headersTooLarge")
  func manyHeaders() throws {
    let server = try Server()
    let transport = HTTPTransport()
    // Fewer than the 5,000 headers recent libcurl takes, and under its 300 KiB.
    let answer = try transport.perform(
      .init(method: "GET", url: server.url("/many?n=4000")), timeout: 30)
    #expect(answer.status == 200 && answer.body == Data("ok".utf8))
    let expected = (0..<4_000).map { "\($0) +" }.joined(separator: ", ")
    #expect(answer.header("x-many") == expected)
    // 2,500 lines of about 120 bytes (about 290 KiB): runlens's own bound, whatever libcurl's.
    #expect(throws: HTTPTransport.Failure.headersTooLarge("256 KiB")) {
      try transport.perform(
        .init(method: "GET", url: server.url("/many?n=2500&pad=100")), timeout: 30)
    }
    // 4,500 headers (80 KB): fewer than recent libcurl's 5,000, more than runlens's 4,096.
    #expect(throws: HTTPTransport.Failure.headersTooLarge("4096 lines")) {
      try transport.perform(.init(method: "GET", url: server.url("/many?n=4500")), timeout: 30)
    }
    // The handle that stopped serves the next request.
    #expect(
      try transport.perform(.init(method: "GET", url: server.url("/twice")), timeout: 10).status
        == 200)
  }

  @Test("a body longer than the request's bound stops the transfer: .tooLarge, a gzip bomb too")
  func bodyBound() throws {
    let server = try Server()
    let transport = HTTPTransport()
    var request = HTTPTransport.Request(method: "GET", url: server.url("/big"))
    request.maxBodyBytes = 2_000_000
    #expect(try transport.perform(request, timeout: 10).body.count == 2_000_000)
    request.maxBodyBytes = 1_999_999
    #expect(throws: HTTPTransport.Failure.tooLarge(1_999_999)) {
      try transport.perform(request, timeout: 10)
    }
    // The handle that stopped serves the next request.
    request.maxBodyBytes = 4_000_000
    #expect(try transport.perform(request, timeout: 10).body.count == 2_000_000)
    #expect(throws: HTTPTransport.Failure.tooLarge(64 << 20)) {
      try transport.perform(.init(method: "GET", url: server.url("/bomb")), timeout: 30)
    }
  }

  @Test("a 2xx body goes to the request's file as it arrives; a redirect's stays in memory")
  func bodyToFile() throws {
    let server = try Server()
    let transport = HTTPTransport()
    let folder = FileManager.default.temporaryDirectory.appendingPathComponent(
      "runlens-http-\(UUID().uuidString)")
    try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
    defer { try? FileManager.default.removeItem(at: folder) }
    let file = folder.appendingPathComponent("body").path
    var request = HTTPTransport.Request(method: "GET", url: server.url("/big"))
    request.bodyPath = file
    let big = try transport.perform(request, timeout: 10)
    #expect(big.status == 200 && big.body.isEmpty)
    #expect(FileManager.default.contents(atPath: file) == Data(repeating: 0x78, count: 2_000_000))
    // Bounded like a body in memory.
    request.maxBodyBytes = 1_000_000
    #expect(throws: HTTPTransport.Failure.tooLarge(1_000_000)) {
      try transport.perform(request, timeout: 10)
    }
    // A redirect's body is the answer's, and the file is not touched.
    try FileManager.default.removeItem(atPath: file)
    request = HTTPTransport.Request(method: "GET", url: server.url("/redirect"))
    request.bodyPath = file
    let moved = try transport.perform(request, timeout: 10)
    #expect(moved.status == 302 && String(decoding: moved.body, as: UTF8.self) == "moved")
    #expect(!FileManager.default.fileExists(atPath: file))
    // A 2xx without a body makes an empty file (an earlier one is emptied).
    try Data("old".utf8).write(to: URL(fileURLWithPath: file))
    request = HTTPTransport.Request(method: "GET", url: server.url("/twice"))
    request.bodyPath = file
    #expect(try transport.perform(request, timeout: 10).status == 200)
    #expect(FileManager.default.contents(atPath: file) == Data())
    // A file that cannot be made.
    request = HTTPTransport.Request(method: "GET", url: server.url("/elsewhere"))
    request.bodyPath = folder.appendingPathComponent("missing/body").path
    #expect {
      try transport.perform(request, timeout: 10)
    } throws: { error in
      guard case .cannotWrite(let reason) = error as? HTTPTransport.Failure else { return false }
      return reason.contains("missing/body")
    }
  }

  @Test("a server that never answers gives .timeout, in about the timeout")
  func timeout() throws {
    let server = try Server()
    let started = Date()
    #expect(throws: HTTPTransport.Failure.timeout) {
      try HTTPTransport().perform(.init(method: "GET", url: server.url("/stall")), timeout: 0.5)
    }
    #expect(Date().timeIntervalSince(started) < 5)
  }

  @Test("a refused connection gives .connection with curl's reason")
  func refused() throws {
    // A port that was just free: bound by a server that then ended.
    let port = try Server().port
    do {
      _ = try HTTPTransport().perform(
        .init(method: "GET", url: URL(string: "http://127.0.0.1:\(port)/")!), timeout: 10)
      Issue.record("a closed port answered")
    } catch {
      guard case .connection(let reason) = error else {
        Issue.record("not a connection failure: \(error)")
        return
      }
      #expect(reason.lowercased().contains("connect"), "\(reason)")
    }
  }

  @Test("a header value with a line break is refused before anything is sent")
  func headerInjection() throws {
    let server = try Server()
    var request = HTTPTransport.Request(method: "GET", url: server.url("/echo"))
    request.setHeader("User-Agent", "runlens\r\nX-Injected: yes")
    #expect(throws: HTTPTransport.Failure.connection("a request header holds a line break")) {
      try HTTPTransport().perform(request, timeout: 5)
    }
  }

  @Test("a URL that is not http or https is refused, not fetched")
  func otherSchemes() throws {
    #expect(throws: HTTPTransport.Failure.self) {
      try HTTPTransport().perform(
        .init(method: "GET", url: URL(fileURLWithPath: "/etc/hostname")), timeout: 5)
    }
  }

  @Test("requests in a row reuse the connection; threads at once each get an answer")
  func reuseAndThreads() throws {
    let server = try Server()
    let transport = HTTPTransport()
    let first = try transport.perform(.init(method: "GET", url: server.url("/echo")), timeout: 10)
    let second = try transport.perform(.init(method: "GET", url: server.url("/echo")), timeout: 10)
    #expect(first.header("x-client-port") != nil)
    #expect(first.header("x-client-port") == second.header("x-client-port"))
    let statuses = Statuses()
    let echo = server.url("/echo")
    DispatchQueue.concurrentPerform(iterations: 12) { index in
      let request = HTTPTransport.Request(
        method: "POST", url: echo, body: Data("request \(index)".utf8))
      let answer = try? transport.perform(request, timeout: 10)
      statuses.add(index, answer.map { String(decoding: $0.body, as: UTF8.self) })
    }
    #expect(statuses.all == (0..<12).map { "request \($0)" })
  }

  final class Statuses: @unchecked Sendable {
    private let lock = NSLock()
    private var bodies: [Int: String?] = [:]
    func add(_ index: Int, _ body: String?) { lock.withLock { bodies[index] = body } }
    var all: [String?] { lock.withLock { bodies.keys.sorted().map { bodies[$0] ?? nil } } }
  }

  @Test("a libcurl that cannot be loaded gives a message naming it and how to install it")
  func missingLibrary() throws {
    let missing = try #require(HTTPTransport.loadProblem(library: "libcurl-runlens-missing.so.9"))
    #expect(missing.hasPrefix("cannot load libcurl, which runlens needs to talk HTTP"))
    #expect(missing.contains("libcurl-runlens-missing.so.9"))
    #expect(missing.contains("apt-get install libcurl4"))
    // A library that loads but is not libcurl.
    let notCurl = try #require(HTTPTransport.loadProblem(library: "libc.so.6"))
    #expect(notCurl.contains("libc.so.6 has no curl_global_init"))
    // The libcurl the tests run with.
    #expect(HTTPTransport.loadProblem == nil)
  }
}
