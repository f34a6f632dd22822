/// A streaming reader of JUnit XML: nextest's two dialects and the other common producers
/// (pytest, jest-junit, Maven Surefire, go-junit-report, PHPUnit's nested suites).
///
/// Feed it a file in chunks of any size. ``feed(_:)`` returns a ``JUnitEvent`` for each test
/// case and suite as it closes; ``feed(_:into:)`` folds them straight into a
/// ``TestSummaryBuilder`` without making an event, or a name `String`, for the test cases
/// the summary does not list (the fast path the CLI uses). It runs libxml2's SAX2 push parser
/// (``LibXML2PushParser``), never builds a tree, and keeps at most
/// ``Options/maximumTextPerElement`` bytes of any element's text, so memory does not grow
/// with the file. A malformed or cut file ends with ``JUnitEvent/failed(_:)`` naming line and
/// column; the test cases before it are kept.
///
/// - Important: Single-pass and not thread-safe; the reader owns a libxml2 context, so one
///   owner feeds it in order and calls ``finish()`` once; it cannot be copied.
package struct JUnitParser: ~Copyable {
  /// Limits of the reader.
  package struct Options: Sendable, Hashable {
    /// The most bytes kept of one element's text (a failure body, an output stream).
    package var maximumTextPerElement: Int

    /// Creates options.
    package init(maximumTextPerElement: Int = 8 << 10) {
      self.maximumTextPerElement = maximumTextPerElement
    }

    /// 8 KiB per element.
    package static let `default` = Options()
  }

  private let parser: LibXML2PushParser
  private var fold: JUnitFold { parser.fold }
  private var byteCount = 0
  private var finished = false

  /// Creates a reader.
  ///
  /// - Parameters:
  ///   - source: The file's name, for errors.
  ///   - options: Limits of the reader.
  package init(source: String? = nil, options: Options = .default) {
    self.parser = LibXML2PushParser(
      textLimit: options.maximumTextPerElement, fold: JUnitFold(source: source))
  }

  /// Reads the next bytes of the file.
  ///
  /// - Parameter chunk: The next bytes, of any size.
  /// - Returns: The test cases and suites that these bytes close, in file order.
  package mutating func feed(_ chunk: some Collection<UInt8>) -> [JUnitEvent] {
    guard !finished else { return [] }
    byteCount += chunk.count
    parse(chunk)
    return takeEvents()
  }

  /// Reads the next bytes of the file into a summary.
  ///
  /// The same as applying ``feed(_:)``'s events to `builder`, but a test case that the summary
  /// only counts costs no event and no `String`.
  ///
  /// - Parameters:
  ///   - chunk: The next bytes, of any size.
  ///   - builder: The summary the test cases and suites go to.
  /// - Returns: The error that ends the file here, if any (it has also gone to `builder`).
  package mutating func feed(
    _ chunk: some Collection<UInt8>, into builder: inout TestSummaryBuilder
  )
    -> JUnitParseError?
  {
    guard !finished else { return nil }
    byteCount += chunk.count
    fold.attach(&builder)
    parse(chunk)
    fold.detach(&builder)
    let error = failure()
    if let error {
      builder.apply(.failed(error))
      finished = true
    }
    return error
  }

  /// Ends the file.
  ///
  /// - Returns: The remaining events; ``JUnitEvent/failed(_:)`` when the file is cut.
  package mutating func finish() -> [JUnitEvent] {
    guard !finished else { return [] }
    parser.finish()
    defer { finished = true }
    return takeEvents()
  }

  /// The root element's name when the document is XML but not JUnit (neither `testsuites`
  /// nor `testsuite`): a coverage report or another tool's XML given by mistake.
  package var foreignRoot: String? { parser.foreignRoot }

  /// Ends the file whose test cases went to `builder`.
  ///
  /// - Returns: The error when the file is cut or malformed (it has also gone to `builder`).
  package mutating func finish(into builder: inout TestSummaryBuilder) -> JUnitParseError? {
    guard !finished else { return nil }
    fold.attach(&builder)
    parser.finish()
    finished = true
    fold.detach(&builder)
    let error = failure()
    if let error { builder.apply(.failed(error)) }
    return error
  }

  private func parse(_ chunk: some Collection<UInt8>) {
    let handled: Void? = chunk.withContiguousStorageIfAvailable {
      parser.feed(UnsafeRawBufferPointer($0))
    }
    if handled == nil {
      Array(chunk).withUnsafeBytes { parser.feed($0) }
    }
  }

  private mutating func takeEvents() -> [JUnitEvent] {
    var events: [JUnitEvent] = []
    swap(&events, &fold.events)
    if let error = failure() {
      events.append(.failed(error))
      finished = true
    }
    return events
  }

  /// The parser's failure as the error a user reads, or `nil`.
  private func failure() -> JUnitParseError? {
    guard let failure = parser.failure else { return nil }
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
      code: code, source: fold.source, line: max(1, failure.line), column: max(1, failure.column),
      message: message)
  }
}

/// The JUnit state machine, run from inside libxml2's callbacks: it follows suites and test
/// cases and, as each closes, either appends a ``JUnitEvent`` or hands the case to an attached
/// ``TestSummaryBuilder``.
///
/// A test case's name stays bytes until something asks for it, so a case the summary only
/// counts makes no `String`.
///
/// - Important: Not thread-safe; owned by one ``LibXML2PushParser``.
final class JUnitFold: TestCaseFacts {
  typealias Element = LibXML2PushParser.Element

  private enum Target {
    case none, body, out, err
  }

  let source: String?
  /// The events of the current chunk (when no builder is attached).
  @exclusivity(unchecked) var events: [JUnitEvent] = []
  /// The summary cases go to while ``isAttached``.
  @exclusivity(unchecked) private var builder = TestSummaryBuilder()
  @exclusivity(unchecked) private var isAttached = false

  @exclusivity(unchecked) private var suites: [(name: String, time: Duration?)] = []
  /// The name of the innermost open suite ("" outside suites).
  @exclusivity(unchecked) private var innermostSuite = ""
  @exclusivity(unchecked) private var rootTime: Duration?
  @exclusivity(unchecked) private var inCase = false
  @exclusivity(unchecked) private var target = Target.none
  /// The last `classname` made into a string, to reuse for the next case of the same class.
  @exclusivity(unchecked) private var lastClassname: (bytes: [UInt8], text: String) = ([], "")

  // The test case being read.
  @exclusivity(unchecked) private(set) var suite = ""
  /// The raw bytes of the case's name: `nameCount` bytes at the start of `nameBuffer`.
  @exclusivity(unchecked) private var nameBuffer = UnsafeMutableBufferPointer<UInt8>.allocate(
    capacity: 256)
  @exclusivity(unchecked) private var nameCount = 0
  @exclusivity(unchecked) private(set) var duration: Duration?
  @exclusivity(unchecked) private(set) var outcome = TestCaseResult.Outcome.passed
  @exclusivity(unchecked) private var hasStatus = false
  @exclusivity(unchecked) private(set) var isFlaky = false
  @exclusivity(unchecked) private var retries = 0
  @exclusivity(unchecked) private var message: String?
  @exclusivity(unchecked) private var failureType: String?
  @exclusivity(unchecked) private var body: [UInt8] = []
  @exclusivity(unchecked) private var out: [UInt8] = []
  @exclusivity(unchecked) private var err: [UInt8] = []
  @exclusivity(unchecked) private var cutBytes = 0
  /// The raw `file` (else `filepath`) attribute of the case, when it has one.
  @exclusivity(unchecked) private var fileBytes: [UInt8] = []
  @exclusivity(unchecked) private var hasFile = false
  /// The case's `line` attribute, 1-based.
  @exclusivity(unchecked) private var line: Int?

  init(source: String?) {
    self.source = source
  }

  deinit {
    nameBuffer.deallocate()
  }

  /// Moves `builder` in; cases go to it until ``detach(_:)``.
  func attach(_ builder: inout TestSummaryBuilder) {
    swap(&self.builder, &builder)
    isAttached = true
  }

  /// Moves the builder back out.
  func detach(_ builder: inout TestSummaryBuilder) {
    swap(&self.builder, &builder)
    isAttached = false
  }

  private func emit(_ event: JUnitEvent) {
    if isAttached { builder.apply(event) } else { events.append(event) }
  }

  // MARK: TestCaseFacts

  var attempts: Int { retries + 1 }

  var testName: String {
    LibXML2PushParser.decoded(UnsafeBufferPointer(rebasing: nameBuffer[..<nameCount]))
  }

  func appendName(to bytes: inout [UInt8]?) {
    let raw = UnsafeBufferPointer(rebasing: nameBuffer[..<nameCount])
    if ByteSearch.index(of: UInt8(ascii: "&"), in: raw, from: 0, to: raw.count) < raw.count {
      bytes?.append(contentsOf: LibXML2PushParser.decoded(raw).utf8)
    } else {
      bytes?.append(contentsOf: raw)
    }
  }

  func result() -> TestCaseResult {
    let name = testName
    if outcome == .passed || outcome == .skipped, message == nil {
      return TestCaseResult(
        suite: suite, name: name, outcome: outcome, isFlaky: isFlaky, attempts: attempts,
        duration: duration)
    }
    let details = Self.text(body)
    var message = message.map { Self.oneLine($0) }
    if message?.isEmpty ?? true, let details {
      message = details.split(separator: "\n", omittingEmptySubsequences: true).first.map {
        Self.oneLine(String($0))
      }
    }
    var output = Self.text(out)
    if let err = Self.text(err), !err.isEmpty {
      output = (output.map { $0 + "\n" } ?? "") + err
    }
    let kept = outcome == .failed || outcome == .error
    var file: String?
    if kept, hasFile {
      file = fileBytes.withUnsafeBufferPointer { LibXML2PushParser.decoded($0) }
    }
    return TestCaseResult(
      suite: suite, name: name, outcome: outcome, isFlaky: isFlaky, attempts: attempts,
      duration: duration, message: message, failureType: failureType,
      details: kept ? details : nil, output: kept ? output : nil, cutBytes: kept ? cutBytes : 0,
      file: file, line: kept ? line : nil)
  }

  // MARK: Callbacks

  func start(
    _ element: Element, parent: Element?, _ attributes: LibXML2PushParser.Attributes
  ) {
    switch element {
    case .testcase:
      startCase(attributes)
    case .testsuite:
      innermostSuite = attributes.string(.name) ?? ""
      suites.append((innermostSuite, attributes.raw(.time).flatMap(JUnitTime.parse)))
    case .testsuites:
      rootTime = attributes.raw(.time).flatMap(JUnitTime.parse)
    case .failure, .error, .skipped:
      guard parent == .testcase, inCase else { return }
      if !hasStatus || (outcome == .skipped && element != .skipped) {
        hasStatus = true
        outcome = element == .failure ? .failed : element == .error ? .error : .skipped
        message = attributes.string(.message)
        failureType = attributes.string(.type)
        target = .body
      }
    case .flakyFailure, .flakyError:
      guard parent == .testcase, inCase else { return }
      isFlaky = true
      retries += 1
    case .rerunFailure, .rerunError:
      guard parent == .testcase, inCase else { return }
      retries += 1
    case .systemOut, .systemErr:
      guard parent == .testcase, inCase else { return }
      target = element == .systemOut ? .out : .err
    default:
      break
    }
  }

  private func startCase(_ tag: LibXML2PushParser.Attributes) {
    let attributes = tag.testCase()
    inCase = true
    if !innermostSuite.isEmpty {
      suite = innermostSuite
    } else if let classname = attributes.classname {
      if !lastClassname.bytes.elementsEqual(classname) {
        lastClassname = (Array(classname), LibXML2PushParser.decoded(classname))
      }
      suite = lastClassname.text
    } else {
      suite = ""
    }
    keepName(attributes.name)
    if let file = attributes.file ?? attributes.filepath, !file.isEmpty {
      fileBytes.removeAll(keepingCapacity: true)
      fileBytes.append(contentsOf: file)
      hasFile = true
    } else {
      hasFile = false
    }
    // pytest writes its 0-based line (of the `def`) under its fixed suite name `pytest`.
    line = attributes.line.flatMap(Self.lineNumber).map { suite == "pytest" ? $0 + 1 : $0 }
    duration = attributes.time.flatMap(JUnitTime.parse)
    outcome = .passed
    if let status = attributes.status, Self.isSkippedStatus(status) { outcome = .skipped }
    hasStatus = false
    isFlaky = false
    retries = 0
    message = nil
    failureType = nil
    if !body.isEmpty { body.removeAll(keepingCapacity: true) }
    if !out.isEmpty { out.removeAll(keepingCapacity: true) }
    if !err.isEmpty { err.removeAll(keepingCapacity: true) }
    cutBytes = 0
    target = .none
  }

  /// Copies the raw name into `nameBuffer`.
  private func keepName(_ name: UnsafeBufferPointer<UInt8>?) {
    nameCount = 0
    guard let name, name.count > 0 else { return }
    if name.count > nameBuffer.count {
      nameBuffer.deallocate()
      nameBuffer = .allocate(capacity: max(name.count, 2 * nameBuffer.count))
    }
    UnsafeMutableRawBufferPointer(nameBuffer).copyMemory(from: UnsafeRawBufferPointer(name))
    nameCount = name.count
  }

  func end(_ element: Element, parent: Element?, droppedTextBytes: Int) {
    switch element {
    case .testcase:
      guard inCase else { return }
      inCase = false
      target = .none
      if isAttached { builder.add(self) } else { events.append(.testCase(result())) }
    case .testsuite:
      guard let suite = suites.popLast() else { return }
      innermostSuite = suites.last?.name ?? ""
      emit(.suiteEnded(name: suite.name, time: suite.time, depth: suites.count))
    case .testsuites:
      emit(.reportEnded(time: rootTime))
    case .failure, .error, .skipped, .systemOut, .systemErr:
      if target != .none, parent == .testcase {
        cutBytes += droppedTextBytes
        target = .none
      }
    default:
      break
    }
  }

  func text(_ bytes: UnsafeBufferPointer<UInt8>) {
    switch target {
    case .none: break
    case .body: body.append(contentsOf: bytes)
    case .out: out.append(contentsOf: bytes)
    case .err: err.append(contentsOf: bytes)
    }
  }

  // MARK: Helpers

  /// A `line` attribute: decimal digits, at most 9 of them; `nil` otherwise.
  private static func lineNumber(_ bytes: UnsafeBufferPointer<UInt8>) -> Int? {
    guard !bytes.isEmpty, bytes.count <= 9 else { return nil }
    var value = 0
    for byte in bytes {
      let digit = byte &- 48
      guard digit < 10 else { return nil }
      value = value * 10 + Int(digit)
    }
    return value
  }

  /// Whether a `status` attribute says the case did not run.
  private static func isSkippedStatus(_ status: UnsafeBufferPointer<UInt8>) -> Bool {
    let lowered = String(decoding: status, as: UTF8.self).lowercased()
    return ["skipped", "disabled", "ignored", "notrun"].contains(lowered)
  }

  private static func text(_ bytes: [UInt8]) -> String? {
    guard !bytes.isEmpty else { return nil }
    var text = String(decoding: bytes, as: UTF8.self)
    while let last = text.last, last.isWhitespace { text.removeLast() }
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
    var fraction: Int64 = 0
    var fractionDigits = 0
    var sawDot = false
    var digits = 0
    for byte in bytes {
      let digit = byte &- 48
      if digit < 10 {
        digits += 1
        if sawDot {
          // Digits beyond nanoseconds are dropped.
          if fractionDigits < 9 {
            fraction = fraction &* 10 &+ Int64(digit)
            fractionDigits += 1
          }
        } else {
          // Nine digits of seconds (31 years) at most here: more go to the lenient reader,
          // which refuses what does not fit in nanoseconds.
          guard seconds < 100_000_000 else {
            return parseLenient(String(decoding: bytes, as: UTF8.self))
          }
          seconds = seconds &* 10 &+ Int64(digit)
        }
      } else if byte == UInt8(ascii: "."), !sawDot {
        sawDot = true
      } else {
        return parseLenient(String(decoding: bytes, as: UTF8.self))
      }
    }
    guard digits > 0 else { return nil }
    while fractionDigits < 9 {
      fraction &*= 10
      fractionDigits += 1
    }
    return .nanoseconds(seconds &* 1_000_000_000 &+ fraction)
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
    let nanoseconds = (seconds * scale * 1e9).rounded()
    // Beyond about 292 years a duration does not fit in Int64 nanoseconds: not a time.
    guard nanoseconds < 9.2e18 else { return nil }
    return .nanoseconds(Int64(nanoseconds))
  }
}

extension String {
  fileprivate func replacingOccurrencesOfComma() -> String {
    String(map { $0 == "," ? "." : $0 })
  }
}
