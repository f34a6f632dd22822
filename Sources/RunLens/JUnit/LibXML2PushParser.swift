import CLibXML2

#if canImport(Glibc)
  import Glibc
#elseif canImport(Darwin)
  import Darwin
#endif

/// The one place that calls libxml2: a SAX2 push parser that turns JUnit XML bytes into
/// ``LibXML2PushParser/Event``s.
///
/// The parser never substitutes entities, never loads a DTD and never touches the network:
/// it is created without `XML_PARSE_NOENT`, `XML_PARSE_DTDLOAD` or `XML_PARSE_HUGE`, with
/// `XML_PARSE_NONET`, and its SAX handler has no entity-declaration, entity-lookup or
/// external-subset callbacks, so a declared entity is never stored and a reference to it is
/// an error, not an expansion (this defeats XXE and "billion laughs" files).
///
/// The C callbacks only append to an internal array, which ``feed(_:)`` returns and clears;
/// re-entrancy never reaches the rest of the library. Element names are recognised in the
/// callbacks (byte comparisons, no `String`), and only the attributes and text that JUnit
/// readers use are copied out. Text is kept only inside elements that carry it
/// (`failure`, `system-out`, …) and at most ``textLimit`` bytes per element.
///
/// - Important: Not thread-safe and not `Sendable`: one owner feeds it in order.
final class LibXML2PushParser {
  /// The JUnit elements a reader distinguishes.
  enum Element: UInt8, Sendable {
    case testsuites, testsuite, testcase, failure, error, skipped
    case flakyFailure, flakyError, rerunFailure, rerunError
    case systemOut, systemErr, properties, property, other

    /// Whether the element's own text matters.
    var carriesText: Bool {
      switch self {
      case .failure, .error, .skipped, .flakyFailure, .flakyError, .rerunFailure, .rerunError,
        .systemOut, .systemErr:
        return true
      default:
        return false
      }
    }
  }

  /// Bytes in ``arena``: the events of a batch refer to the batch's arena instead of holding
  /// strings, so that a test case costs no allocation until a reader keeps something.
  struct Span: Sendable, Hashable {
    var start: Int
    var count: Int
  }

  /// The attributes a JUnit reader uses, as spans of ``arena``; others are ignored.
  struct Attributes: Sendable, Hashable {
    var name: Span?
    var classname: Span?
    var time: Span?
    var message: Span?
    var type: Span?
    var status: Span?
  }

  /// What the parser saw.
  enum Event: Sendable, Hashable {
    /// A start tag.
    case start(Element, Attributes)
    /// An end tag; `droppedTextBytes` counts the element's text beyond the limit.
    case end(Element, droppedTextBytes: Int)
    /// Text inside a text-bearing element (entities already decoded), a span of ``arena``.
    case text(Span)
  }

  // The state the C callbacks touch is marked `@exclusivity(unchecked)`: only this class
  // reaches it, one callback at a time, and the runtime checks cost about 8% of a large file.

  /// The bytes the last batch of events refers to; replaced by the next ``feed(_:)``.
  @exclusivity(unchecked) private(set) var arena: [UInt8] = []

  /// A libxml2 error, with its 1-based line and column.
  struct Failure: Error, Sendable, Hashable {
    var code: Int32
    var message: String
    var line: Int
    var column: Int
  }

  /// The most text kept per element, in bytes.
  let textLimit: Int
  private var context: xmlParserCtxtPtr?
  private var handler = xmlSAXHandler()
  @exclusivity(unchecked) private var events: [Event] = []
  @exclusivity(unchecked) private var pendingText: Span?
  @exclusivity(unchecked) private var stack: [Element] = []
  @exclusivity(unchecked) private var textCount = 0
  @exclusivity(unchecked) private var droppedText = 0
  /// The first error; after it the parser ignores further input.
  private(set) var failure: Failure?
  /// Whether the first error came when the input ended (a cut document).
  private(set) var failedAtEnd = false
  /// Whether any element started.
  @exclusivity(unchecked) private(set) var sawElement = false

  private static let initialize: Void = { xmlInitParser() }()

  /// Creates a push parser.
  ///
  /// The corresponding libxml2 functions are `xmlCreatePushParserCtxt` and
  /// `xmlCtxtUseOptions`.
  ///
  /// - Parameter textLimit: The most text kept per element, in bytes.
  init(textLimit: Int) {
    _ = Self.initialize
    self.textLimit = textLimit
    handler.initialized = UInt32(XML_SAX2_MAGIC)
    handler.startElementNs = { context, localName, _, _, _, _, attributeCount, _, attributes in
      guard let context, let localName else { return }
      LibXML2PushParser.from(context).startElement(localName, attributeCount, attributes)
    }
    handler.endElementNs = { context, _, _, _ in
      guard let context else { return }
      LibXML2PushParser.from(context).endElement()
    }
    handler.characters = { context, bytes, count in
      guard let context, let bytes else { return }
      LibXML2PushParser.from(context).characters(bytes, Int(count))
    }
    handler.cdataBlock = handler.characters
    // Errors are read from the context after each chunk; this keeps libxml2 from printing them.
    handler.serror = { _, _ in }
    handler.warning = nil
    handler.error = nil
    context = xmlCreatePushParserCtxt(
      &handler, Unmanaged.passUnretained(self).toOpaque(), nil, 0, nil)
    if let context {
      xmlCtxtUseOptions(context, Int32(XML_PARSE_NONET.rawValue))
    }
  }

  deinit {
    if let context {
      xmlFreeParserCtxt(context)
    }
  }

  private static func from(_ context: UnsafeMutableRawPointer) -> LibXML2PushParser {
    Unmanaged<LibXML2PushParser>.fromOpaque(context).takeUnretainedValue()
  }

  /// Parses the next bytes and returns the events they complete.
  ///
  /// The corresponding libxml2 function is `xmlParseChunk`.
  func feed(_ bytes: UnsafeRawBufferPointer) -> [Event] {
    parse(bytes, terminate: false)
  }

  /// Ends the input; a document that is not complete is a ``failure``.
  ///
  /// The corresponding libxml2 function is `xmlParseChunk` with `terminate` set.
  func finish() -> [Event] {
    parse(UnsafeRawBufferPointer(start: nil, count: 0), terminate: true)
  }

  private func parse(_ bytes: UnsafeRawBufferPointer, terminate: Bool) -> [Event] {
    guard failure == nil, let context else { return [] }
    arena.removeAll(keepingCapacity: true)
    var offset = 0
    repeat {
      // xmlParseChunk takes an Int32 size: feed large buffers in pieces.
      let size = min(bytes.count - offset, 1 << 20)
      let base = bytes.baseAddress.map {
        $0.advanced(by: offset).assumingMemoryBound(to: CChar.self)
      }
      let last = terminate && offset + size == bytes.count
      let status = xmlParseChunk(context, base, Int32(size), last ? 1 : 0)
      offset += size
      if status != 0 || context.pointee.wellFormed == 0 {
        recordFailure(context, status: status)
        failedAtEnd = last
        break
      }
    } while offset < bytes.count
    flushText()
    var taken: [Event] = []
    swap(&taken, &events)
    return taken
  }

  private func recordFailure(_ context: xmlParserCtxtPtr, status: Int32) {
    if let error = xmlCtxtGetLastError(context), error.pointee.code != 0 {
      var message = error.pointee.message.map { String(cString: $0) } ?? "malformed XML"
      while let last = message.last, last.isWhitespace { message.removeLast() }
      failure = Failure(
        code: error.pointee.code, message: message, line: Int(error.pointee.line),
        column: Int(error.pointee.int2))
    } else {
      failure = Failure(
        code: status, message: "malformed XML", line: Int(xmlSAX2GetLineNumber(context)),
        column: Int(xmlSAX2GetColumnNumber(context)))
    }
    xmlStopParser(context)
  }

  // MARK: - Callbacks

  private func startElement(
    _ localName: UnsafePointer<xmlChar>, _ attributeCount: Int32,
    _ attributes: UnsafeMutablePointer<UnsafePointer<xmlChar>?>?
  ) {
    flushText()
    sawElement = true
    let element = Self.element(localName)
    stack.append(element)
    if element.carriesText {
      textCount = 0
      droppedText = 0
    }
    guard element != .other else {
      events.append(.start(.other, Attributes()))
      return
    }
    var values = Attributes()
    if let attributes {
      for index in 0..<Int(attributeCount) {
        guard let name = attributes[index * 5], let start = attributes[index * 5 + 3],
          let end = attributes[index * 5 + 4]
        else { continue }
        switch Self.attributeName(name) {
        case 1: values.name = store(start, end)
        case 2: values.classname = store(start, end)
        case 3: values.time = store(start, end)
        case 4: values.message = store(start, end)
        case 5: values.type = store(start, end)
        case 6: values.status = store(start, end)
        default: break
        }
      }
    }
    events.append(.start(element, values))
  }

  private func endElement() {
    flushText()
    let element = stack.popLast() ?? .other
    events.append(.end(element, droppedTextBytes: element.carriesText ? droppedText : 0))
    if element.carriesText {
      droppedText = 0
      textCount = 0
    }
  }

  private func characters(_ bytes: UnsafePointer<xmlChar>, _ count: Int) {
    guard let innermost = stack.last, innermost.carriesText else { return }
    let room = max(0, textLimit - textCount)
    let kept = min(room, count)
    if kept > 0 {
      if pendingText == nil { pendingText = Span(start: arena.count, count: 0) }
      arena.append(contentsOf: UnsafeBufferPointer(start: bytes, count: kept))
      pendingText?.count += kept
      textCount += kept
    }
    droppedText += count - kept
  }

  private func flushText() {
    guard let span = pendingText else { return }
    pendingText = nil
    events.append(.text(span))
  }

  // MARK: - Names

  private static func element(_ name: UnsafePointer<xmlChar>) -> Element {
    let length = strlen(UnsafeRawPointer(name).assumingMemoryBound(to: CChar.self))
    func equals(_ text: StaticString) -> Bool {
      text.utf8CodeUnitCount == length && memcmp(name, text.utf8Start, length) == 0
    }
    switch name[0] {
    case UInt8(ascii: "t"):
      if equals("testcase") { return .testcase }
      if equals("testsuite") { return .testsuite }
      if equals("testsuites") { return .testsuites }
    case UInt8(ascii: "f"):
      if equals("failure") { return .failure }
      if equals("flakyFailure") { return .flakyFailure }
      if equals("flakyError") { return .flakyError }
    case UInt8(ascii: "e"):
      if equals("error") { return .error }
    case UInt8(ascii: "s"):
      if equals("skipped") { return .skipped }
      if equals("system-out") { return .systemOut }
      if equals("system-err") { return .systemErr }
    case UInt8(ascii: "r"):
      if equals("rerunFailure") { return .rerunFailure }
      if equals("rerunError") { return .rerunError }
    case UInt8(ascii: "p"):
      if equals("property") { return .property }
      if equals("properties") { return .properties }
    default:
      break
    }
    return .other
  }

  /// 1 name, 2 classname, 3 time, 4 message, 5 type, 6 status, 0 other.
  private static func attributeName(_ name: UnsafePointer<xmlChar>) -> Int {
    let length = strlen(UnsafeRawPointer(name).assumingMemoryBound(to: CChar.self))
    func equals(_ text: StaticString) -> Bool {
      text.utf8CodeUnitCount == length && memcmp(name, text.utf8Start, length) == 0
    }
    if equals("name") { return 1 }
    if equals("classname") { return 2 }
    if equals("time") { return 3 }
    if equals("message") { return 4 }
    if equals("type") { return 5 }
    if equals("status") { return 6 }
    return 0
  }

  /// Copies an attribute value into the arena.
  ///
  /// Without entity substitution libxml2 hands out every `&` of a value as `&#38;` (so that a
  /// tree could keep it escaped); no other `&` can occur, so replacing `&#38;` with `&` is exact.
  private func store(_ start: UnsafePointer<xmlChar>, _ end: UnsafePointer<xmlChar>) -> Span {
    let bytes = UnsafeBufferPointer(start: start, count: max(0, end - start))
    let span = Span(start: arena.count, count: 0)
    guard bytes.contains(UInt8(ascii: "&")) else {
      arena.append(contentsOf: bytes)
      return Span(start: span.start, count: bytes.count)
    }
    var index = 0
    while index < bytes.count {
      if bytes[index] == UInt8(ascii: "&"), index + 4 < bytes.count,
        bytes[index + 1] == UInt8(ascii: "#"),
        bytes[index + 2] == UInt8(ascii: "3"), bytes[index + 3] == UInt8(ascii: "8"),
        bytes[index + 4] == UInt8(ascii: ";")
      {
        arena.append(UInt8(ascii: "&"))
        index += 5
      } else {
        arena.append(bytes[index])
        index += 1
      }
    }
    return Span(start: span.start, count: arena.count - span.start)
  }
}
