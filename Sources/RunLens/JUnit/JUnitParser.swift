/// A streaming reader of JUnit XML: nextest's two dialects and the other common producers
/// (pytest, jest-junit, Maven Surefire, go-junit-report, PHPUnit's nested suites).
///
/// Feed it a file in chunks of any size; it returns a ``JUnitEvent`` for each test case and
/// suite as it closes. It runs libxml2's SAX2 push parser (``LibXML2PushParser``), never
/// builds a tree, and keeps at most ``Options/maximumTextPerTest`` bytes of any test's text,
/// so memory does not grow with the file. A malformed or cut file ends with
/// ``JUnitEvent/failed(_:)`` naming line and column; the test cases before it are kept.
///
/// - Important: Single-pass and not thread-safe; the reader owns a libxml2 context, so one
///   owner feeds it in order and calls ``finish()`` once. Do not copy it.
public struct JUnitParser {
  /// Limits of the reader.
  public struct Options: Sendable, Hashable {
    /// The most bytes kept of one element's text (a failure body, an output stream).
    public var maximumTextPerElement: Int

    /// Creates options.
    public init(maximumTextPerElement: Int = 8 << 10) {
      self.maximumTextPerElement = maximumTextPerElement
    }

    /// 8 KiB per element.
    public static let `default` = Options()
  }

  private typealias Element = LibXML2PushParser.Element

  /// A test case being read.
  private struct Case {
    var suite: String
    var name: String
    var duration: Duration?
    var outcome = TestCaseResult.Outcome.passed
    var hasStatus = false
    var isFlaky = false
    var retries = 0
    var message: String?
    var failureType: String?
    var body: [UInt8] = []
    var out: [UInt8] = []
    var err: [UInt8] = []
    var cutBytes = 0
  }

  private enum Target {
    case none, body, out, err
  }

  private static let skippedStatuses: Set<String> = [
    "skipped", "disabled", "ignored", "notrun", "Skipped", "Disabled", "Ignored", "NotRun",
    "SKIPPED",
    "DISABLED", "IGNORED",
  ]
  private let source: String?
  private let parser: LibXML2PushParser
  private var stack: [Element] = []
  private var suites: [(name: String, time: String?)] = []
  private var current: Case?
  private var rootTime: String?
  private var target = Target.none
  private var byteCount = 0
  private var finished = false

  /// Creates a reader.
  ///
  /// - Parameters:
  ///   - source: The file's name, for errors.
  ///   - options: Limits of the reader.
  public init(source: String? = nil, options: Options = .default) {
    self.source = source
    self.parser = LibXML2PushParser(textLimit: options.maximumTextPerElement)
  }

  /// Reads the next bytes of the file.
  ///
  /// - Parameter chunk: The next bytes, of any size.
  /// - Returns: The test cases and suites that these bytes close, in file order.
  public mutating func feed(_ chunk: some Collection<UInt8>) -> [JUnitEvent] {
    guard !finished else { return [] }
    byteCount += chunk.count
    var events: [JUnitEvent] = []
    let handled: Void? = chunk.withContiguousStorageIfAvailable {
      feedSlices(UnsafeRawBufferPointer($0), &events)
    }
    if handled == nil {
      Array(chunk).withUnsafeBytes { feedSlices($0, &events) }
    }
    if let failure = parser.failure {
      events.append(.failed(error(failure)))
      finished = true
    }
    return events
  }

  /// Feeds libxml2 16 KiB at a time, which keeps each batch of events small (large batches
  /// would be allocated and freed through `mmap` on every chunk).
  private mutating func feedSlices(_ bytes: UnsafeRawBufferPointer, _ events: inout [JUnitEvent]) {
    var offset = 0
    repeat {
      let end = min(offset + 16 * 1024, bytes.count)
      let batch = parser.feed(UnsafeRawBufferPointer(rebasing: bytes[offset..<end]))
      let arena = parser.arena
      arena.withUnsafeBufferPointer { arena in
        for event in batch { apply(event, arena: arena, to: &events) }
      }
      offset = end
    } while offset < bytes.count && parser.failure == nil
  }

  /// Ends the file.
  ///
  /// - Returns: The remaining events; ``JUnitEvent/failed(_:)`` when the file is cut.
  public mutating func finish() -> [JUnitEvent] {
    guard !finished else { return [] }
    finished = true
    var events: [JUnitEvent] = []
    let batch = parser.finish()
    let arena = parser.arena
    arena.withUnsafeBufferPointer { arena in
      for event in batch { apply(event, arena: arena, to: &events) }
    }
    if let failure = parser.failure {
      events.append(.failed(error(failure)))
    }
    return events
  }

  private func error(_ failure: LibXML2PushParser.Failure) -> JUnitParseError {
    var code = JUnitParseError.Code.malformed(libxml2Code: failure.code)
    var message = failure.message
    if let first = message.first, first.isUppercase, message.dropFirst().first?.isLowercase ?? false
    {
      message = first.lowercased() + message.dropFirst()
    }
    while message.hasSuffix(".") { message.removeLast() }
    if byteCount == 0 {
      code = .empty
      message = "the file is empty"
    } else if failure.code == 4 {
      message = "not an XML document (no root element)"
    } else if failure.code == 77 || message.contains("remature end of data")
      || (parser.failedAtEnd && parser.sawElement)
    {
      code = .truncated
      message = "the file ends before the XML is complete (cut or still being written): " + message
    } else if failure.code == 26 || failure.code == 27 {
      code = .entity
      message = "entity references are never expanded (no DTDs, no external entities): " + message
    }
    return JUnitParseError(
      code: code, source: source, line: max(1, failure.line), column: max(1, failure.column),
      message: message)
  }

  private mutating func apply(
    _ event: LibXML2PushParser.Event, arena: UnsafeBufferPointer<UInt8>,
    to events: inout [JUnitEvent]
  ) {
    switch event {
    case .start(let element, let attributes):
      let parent = stack.last
      stack.append(element)
      start(element, Values(attributes, arena), parent: parent)
    case .end(let element, let dropped):
      stack.removeLast()
      end(element, dropped: dropped, to: &events)
    case .text(let span):
      let bytes = arena.slice(span.start, span.start + span.count)
      switch target {
      case .none: break
      case .body: current?.body.append(contentsOf: bytes)
      case .out: current?.out.append(contentsOf: bytes)
      case .err: current?.err.append(contentsOf: bytes)
      }
    }
  }

  /// An element's attributes, read from the batch's arena only when asked for.
  private struct Values {
    let attributes: LibXML2PushParser.Attributes
    let arena: UnsafeBufferPointer<UInt8>

    init(_ attributes: LibXML2PushParser.Attributes, _ arena: UnsafeBufferPointer<UInt8>) {
      self.attributes = attributes
      self.arena = arena
    }

    func bytes(_ span: LibXML2PushParser.Span?) -> UnsafeBufferPointer<UInt8>? {
      span.map { arena.slice($0.start, $0.start + $0.count) }
    }

    func string(_ span: LibXML2PushParser.Span?) -> String? {
      bytes(span).map { String(decoding: $0, as: UTF8.self) }
    }

    var name: String? { string(attributes.name) }
    var classname: String? { string(attributes.classname) }
    var message: String? { string(attributes.message) }
    var type: String? { string(attributes.type) }
    var timeText: String? { string(attributes.time) }
    var duration: Duration? { bytes(attributes.time).flatMap(JUnitTime.parse) }

    /// Whether `status` says the case did not run.
    var isSkippedStatus: Bool {
      guard let status = bytes(attributes.status) else { return false }
      let lowered = String(decoding: status, as: UTF8.self).lowercased()
      return ["skipped", "disabled", "ignored", "notrun"].contains(lowered)
    }
  }

  private mutating func start(_ element: Element, _ attributes: Values, parent: Element?) {
    switch element {
    case .testsuites:
      rootTime = attributes.timeText
    case .testsuite:
      suites.append((attributes.name ?? "", attributes.timeText))
    case .testcase:
      var state = Case(
        suite: suites.last?.name ?? attributes.classname ?? "", name: attributes.name ?? "",
        duration: attributes.duration)
      if state.suite.isEmpty, let classname = attributes.classname { state.suite = classname }
      if attributes.attributes.status != nil, attributes.isSkippedStatus {
        state.outcome = .skipped
      }
      current = state
    case .failure, .error, .skipped:
      guard parent == .testcase, let state = current else { return }
      if !state.hasStatus || (state.outcome == .skipped && element != .skipped) {
        current?.hasStatus = true
        current?.outcome = element == .failure ? .failed : element == .error ? .error : .skipped
        current?.message = attributes.message
        current?.failureType = attributes.type
        target = .body
      }
    case .flakyFailure, .flakyError:
      guard parent == .testcase else { return }
      current?.isFlaky = true
      current?.retries += 1
    case .rerunFailure, .rerunError:
      guard parent == .testcase else { return }
      current?.retries += 1
    case .systemOut, .systemErr:
      guard parent == .testcase, current != nil else { return }
      target = element == .systemOut ? .out : .err
    default:
      break
    }
  }

  private mutating func end(_ element: Element, dropped: Int, to events: inout [JUnitEvent]) {
    switch element {
    case .testcase:
      guard let state = current else { return }
      current = nil
      target = .none
      events.append(.testCase(result(state)))
    case .testsuite:
      guard let suite = suites.popLast() else { return }
      events.append(
        .suiteEnded(
          name: suite.name, time: suite.time.flatMap(JUnitTime.parse), depth: suites.count))
    case .testsuites:
      events.append(.reportEnded(time: rootTime.flatMap(JUnitTime.parse)))
    case .failure, .error, .skipped, .systemOut, .systemErr:
      if target != .none, stack.last == .testcase {
        current?.cutBytes += dropped
        target = .none
      }
    default:
      break
    }
  }

  private func result(_ state: Case) -> TestCaseResult {
    if state.outcome == .passed || state.outcome == .skipped, state.message == nil {
      return TestCaseResult(
        suite: state.suite, name: state.name, outcome: state.outcome, isFlaky: state.isFlaky,
        attempts: state.retries + 1, duration: state.duration)
    }
    let details = Self.text(state.body, trimming: true)
    var message = state.message.map { Self.oneLine($0) }
    if message?.isEmpty ?? true, let details {
      message = details.split(separator: "\n", omittingEmptySubsequences: true).first.map {
        Self.oneLine(String($0))
      }
    }
    var output = Self.text(state.out, trimming: true)
    if let err = Self.text(state.err, trimming: true), !err.isEmpty {
      output = (output.map { $0 + "\n" } ?? "") + err
    }
    let kept = state.outcome == .failed || state.outcome == .error
    return TestCaseResult(
      suite: state.suite, name: state.name, outcome: state.outcome, isFlaky: state.isFlaky,
      attempts: state.retries + 1, duration: state.duration, message: message,
      failureType: state.failureType, details: kept ? details : nil,
      output: kept ? output : nil, cutBytes: kept ? state.cutBytes : 0)
  }

  private static func text(_ bytes: [UInt8], trimming: Bool) -> String? {
    guard !bytes.isEmpty else { return nil }
    var text = String(decoding: bytes, as: UTF8.self)
    if trimming {
      while let last = text.last, last.isWhitespace { text.removeLast() }
    }
    return text.isEmpty ? nil : text
  }

  /// A message on one line, at most 500 characters.
  private static func oneLine(_ text: String) -> String {
    var bytes = Array(text.utf8)
    for index in bytes.indices
    where bytes[index] == 0x0A || bytes[index] == 0x0D || bytes[index] == 0x09 {
      bytes[index] = 0x20
    }
    while bytes.last == 0x20 { bytes.removeLast() }
    let start = bytes.firstIndex { $0 != 0x20 } ?? bytes.count
    let line = String(decoding: bytes[start...], as: UTF8.self)
    return line.utf8.count > 500 ? String(line.prefix(500)) + "…" : line
  }
}

/// Reads the `time` attribute of JUnit producers, leniently.
enum JUnitTime {
  /// Seconds read from bytes: the usual `digits[.digits]` without making a `String`, other
  /// forms through ``parseLenient(_:)``.
  static func parse(_ bytes: UnsafeBufferPointer<UInt8>) -> Duration? {
    var seconds: Int64 = 0
    var nanoseconds: Int64 = 0
    var scale: Int64 = 100_000_000
    var sawDot = false
    var digits = 0
    for byte in bytes {
      if byte &- 48 < 10 {
        digits += 1
        if sawDot {
          nanoseconds += Int64(byte &- 48) * scale
          scale /= 10
        } else {
          guard seconds < 1_000_000_000 else {
            return parseLenient(String(decoding: bytes, as: UTF8.self))
          }
          seconds = seconds * 10 + Int64(byte &- 48)
        }
      } else if byte == UInt8(ascii: "."), !sawDot {
        sawDot = true
      } else {
        return parseLenient(String(decoding: bytes, as: UTF8.self))
      }
    }
    guard digits > 0 else { return nil }
    return .nanoseconds(seconds * 1_000_000_000 + nanoseconds)
  }

  /// Seconds as `0.004`, `61.240`, `1,234.5` (thousands separator), `0,03` (decimal comma),
  /// or with a unit suffix (`80.803us`, `12ms`, `3s`).
  static func parse(_ text: String) -> Duration? {
    var text = text
    return text.withUTF8 { parse($0) }
  }

  /// The forms other than `digits[.digits]`, read through `Double`.
  private static func parseLenient(_ text: String) -> Duration? {
    var value = text.trimmedWhitespace()
    guard !value.isEmpty else { return nil }
    var scale = 1.0
    for (suffix, factor) in [("ms", 1e-3), ("us", 1e-6), ("µs", 1e-6), ("ns", 1e-9), ("s", 1.0)]
    where value.hasSuffix(suffix) {
      value.removeLast(suffix.count)
      scale = factor
      break
    }
    if value.contains(",") {
      let parts = value.split(separator: ",", omittingEmptySubsequences: false)
      if value.contains(".") || (parts.count == 2 && parts[1].count == 3 && parts[0] != "0")
        || parts.count > 2
      {
        value.removeAll { $0 == "," }
      } else {
        value = value.replacingOccurrencesOfComma()
      }
    }
    guard let seconds = Double(value), seconds.isFinite, seconds >= 0 else { return nil }
    return .nanoseconds(Int64((seconds * scale * 1e9).rounded()))
  }
}

extension String {
  fileprivate func replacingOccurrencesOfComma() -> String {
    String(map { $0 == "," ? "." : $0 })
  }
}
