import CLibXML2
// The C library (memcmp, the math functions) through Foundation.
import Foundation

/// The one place that calls libxml2: a SAX2 push parser that hands the JUnit elements, their
/// attributes and their text straight to a ``JUnitFold`` from inside libxml2's callbacks.
///
/// The parser never substitutes entities, never loads a DTD and never touches the network:
/// it is created without `XML_PARSE_NOENT`, `XML_PARSE_DTDLOAD` or `XML_PARSE_HUGE`, with
/// `XML_PARSE_NONET`, and its SAX handler has no entity-declaration, entity-lookup or
/// external-subset callbacks, so a reference to a declared entity is an error, not an
/// expansion (this defeats XXE and "billion laughs" files). A declared entity is not stored
/// either: libxml2 would keep internal entities in a document of its own ("for expat
/// compatibility in SAX mode") and never free it, so the parser gives the context a document
/// of its own when a DOCTYPE starts, which turns that off, and frees it at the end.
///
/// libxml2's errors depend on where its input is split (a start tag cut by a chunk boundary
/// can fail as "premature end of data" instead of "malformed"), so the parser re-cuts its
/// input into blocks of ``blockSize`` bytes at fixed offsets: every chunking of the same file
/// gives libxml2 the same calls, and so the same result.
///
/// Element and attribute names are told apart by pointer: libxml2 interns every name in the
/// context's dictionary, so the names a JUnit reader knows are looked up there once and a
/// callback compares addresses, with no `strlen`, `memcmp` or `String`. Nothing is queued
/// between libxml2 and the fold, and nothing is copied but the text the fold keeps. Text is
/// passed on only inside elements that carry it (`failure`, `system-out`, …) and at most
/// ``textLimit`` bytes per element.
///
/// - Important: Not thread-safe and not `Sendable`: one owner feeds it in order.
final class LibXML2PushParser {
  /// The JUnit elements a reader distinguishes.
  enum Element: UInt8, Sendable, CaseIterable {
    case testcase, testsuite, testsuites, failure, error, skipped
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

    /// The element's tag name; `nil` for ``other``.
    fileprivate var tag: StaticString? {
      switch self {
      case .testcase: "testcase"
      case .testsuite: "testsuite"
      case .testsuites: "testsuites"
      case .failure: "failure"
      case .error: "error"
      case .skipped: "skipped"
      case .flakyFailure: "flakyFailure"
      case .flakyError: "flakyError"
      case .rerunFailure: "rerunFailure"
      case .rerunError: "rerunError"
      case .systemOut: "system-out"
      case .systemErr: "system-err"
      case .properties: "properties"
      case .property: "property"
      case .other: nil
      }
    }
  }

  /// The attributes a JUnit reader uses; others are ignored.
  enum AttributeName: Int, CaseIterable {
    case name, classname, time, message, type, status
    /// A test case's source file and line (pytest, PHPUnit, jest-junit's `addFileAttribute`;
    /// some producers write `filepath`).
    case file, filepath, line

    fileprivate var text: StaticString {
      switch self {
      case .file: "file"
      case .filepath: "filepath"
      case .line: "line"
      case .name: "name"
      case .classname: "classname"
      case .time: "time"
      case .message: "message"
      case .type: "type"
      case .status: "status"
      }
    }
  }

  /// The attributes of a start tag, valid only during the call that hands them out.
  ///
  /// Values are raw: without entity substitution libxml2 hands out every `&` of a value as
  /// `&#38;` (so that a tree could keep it escaped); ``decoded(_:)`` undoes that.
  struct Attributes {
    fileprivate let list: UnsafeMutablePointer<UnsafePointer<xmlChar>?>?
    fileprivate let count: Int
    fileprivate let names: UnsafePointer<UnsafePointer<xmlChar>?>

    /// The raw bytes of an attribute, or `nil` when the tag does not have it; of several with
    /// the same local name (`p:name` and `name`), the last.
    func raw(_ name: AttributeName) -> UnsafeBufferPointer<UInt8>? {
      guard let list, let wanted = names[name.rawValue] else { return nil }
      var found: UnsafeBufferPointer<UInt8>?
      var index = 0
      while index < count {
        let entry = list + index * 5
        if entry[0] == wanted, let start = entry[3], let end = entry[4] {
          found = UnsafeBufferPointer(start: start, count: max(0, end - start))
        }
        index += 1
      }
      return found
    }

    /// The attributes a `<testcase>` start tag may have, as raw bytes.
    struct TestCase {
      var name, classname, time, status, file, filepath, line: UnsafeBufferPointer<UInt8>?
    }

    /// The attributes of a `<testcase>`, read in one pass over the tag's attributes (one pass
    /// per attribute cost about 2% of a large file); of several with the same local name, the
    /// last.
    func testCase() -> TestCase {
      var found = TestCase()
      guard let list else { return found }
      let name = names[AttributeName.name.rawValue]
      let classname = names[AttributeName.classname.rawValue]
      let time = names[AttributeName.time.rawValue]
      let status = names[AttributeName.status.rawValue]
      let file = names[AttributeName.file.rawValue]
      let filepath = names[AttributeName.filepath.rawValue]
      let line = names[AttributeName.line.rawValue]
      var index = 0
      while index < count {
        let entry = list + index * 5
        index += 1
        guard let start = entry[3], let end = entry[4] else { continue }
        let value = UnsafeBufferPointer(start: start, count: max(0, end - start))
        switch entry[0] {
        case name: found.name = value
        case classname: found.classname = value
        case time: found.time = value
        case status: found.status = value
        case file: found.file = value
        case filepath: found.filepath = value
        case line: found.line = value
        default: break
        }
      }
      return found
    }

    /// An attribute's value as a string, `&#38;` turned back into `&`.
    func string(_ name: AttributeName) -> String? {
      raw(name).map(LibXML2PushParser.decoded)
    }
  }

  /// A raw attribute value as a string: replacing `&#38;` with `&` is exact, since no other
  /// `&` can occur in a value libxml2 hands out without entity substitution.
  static func decoded(_ bytes: UnsafeBufferPointer<UInt8>) -> String {
    guard bytes.contains(UInt8(ascii: "&")) else { return String(decoding: bytes, as: UTF8.self) }
    var out: [UInt8] = []
    out.reserveCapacity(bytes.count)
    var index = 0
    while index < bytes.count {
      if bytes[index] == UInt8(ascii: "&"), index + 4 < bytes.count,
        bytes[index + 1] == UInt8(ascii: "#"),
        bytes[index + 2] == UInt8(ascii: "3"), bytes[index + 3] == UInt8(ascii: "8"),
        bytes[index + 4] == UInt8(ascii: ";")
      {
        out.append(UInt8(ascii: "&"))
        index += 5
      } else {
        out.append(bytes[index])
        index += 1
      }
    }
    return String(decoding: out, as: UTF8.self)
  }

  /// A libxml2 error, with its 1-based line and column.
  struct Failure: Error, Sendable, Hashable {
    var code: Int32
    var message: String
    var line: Int
    var column: Int
  }

  // The state the C callbacks touch is marked `@exclusivity(unchecked)`: only this class
  // reaches it, one callback at a time, and the runtime checks cost about 8% of a large file.

  /// The size of every chunk but the last that libxml2 is given, whatever the caller's chunks.
  static let blockSize = 64 << 10
  /// The most text passed on per element, in bytes.
  let textLimit: Int
  /// The bytes fed since the last full block.
  private var pending: [UInt8] = []
  /// Where the elements go.
  let fold: JUnitFold
  private var context: xmlParserCtxtPtr?
  private var handler = xmlSAXHandler()
  /// The interned element names, in ``Element`` order (``Element/other`` last, `nil`).
  private let elementNames: UnsafeMutablePointer<UnsafePointer<xmlChar>?>
  /// The interned attribute names, in ``AttributeName`` order.
  private let attributeNames: UnsafeMutablePointer<UnsafePointer<xmlChar>?>
  @exclusivity(unchecked) private var stack: [Element] = []
  @exclusivity(unchecked) private var textCount = 0
  @exclusivity(unchecked) private var droppedText = 0
  /// Whether the innermost open element carries text, and so the text callbacks are on.
  @exclusivity(unchecked) private var inText = false
  /// The first error; after it the parser ignores further input.
  private(set) var failure: Failure?
  /// Whether the first error came when the input ended (a cut document).
  private(set) var failedAtEnd = false
  /// Whether any element started.
  @exclusivity(unchecked) private(set) var sawElement = false
  /// The root element's name when it is neither `testsuites` nor `testsuite`: not JUnit.
  @exclusivity(unchecked) private(set) var foreignRoot: String?

  private static let initialize: Void = { xmlInitParser() }()

  /// Creates a push parser.
  ///
  /// The corresponding libxml2 functions are `xmlCreatePushParserCtxt`, `xmlCtxtUseOptions`
  /// and `xmlDictLookup`.
  ///
  /// - Parameters:
  ///   - textLimit: The most text passed on per element, in bytes.
  ///   - fold: Where the elements go.
  init(textLimit: Int, fold: JUnitFold) {
    _ = Self.initialize
    self.textLimit = textLimit
    self.fold = fold
    stack.reserveCapacity(16)
    elementNames = .allocate(capacity: Element.allCases.count)
    elementNames.initialize(repeating: nil, count: Element.allCases.count)
    attributeNames = .allocate(capacity: AttributeName.allCases.count)
    attributeNames.initialize(repeating: nil, count: AttributeName.allCases.count)
    handler.initialized = UInt32(XML_SAX2_MAGIC)
    handler.startElementNs = { context, localName, _, _, _, _, attributeCount, _, attributes in
      guard let context, let localName else { return }
      LibXML2PushParser.from(context).startElement(localName, attributeCount, attributes)
    }
    handler.endElementNs = { context, _, _, _ in
      guard let context else { return }
      LibXML2PushParser.from(context).endElement()
    }
    // Text callbacks are switched on only inside text-bearing elements (see `listenToText`):
    // the whitespace between elements then never leaves libxml2.
    handler.characters = nil
    handler.cdataBlock = nil
    // Errors are read from the context after each chunk; this keeps libxml2 from printing them.
    handler.serror = { _, _ in }
    handler.warning = nil
    handler.error = nil
    handler.internalSubset = { context, _, _, _ in
      guard let context else { return }
      LibXML2PushParser.from(context).claimDocument()
    }
    context = xmlCreatePushParserCtxt(
      &handler, Unmanaged.passUnretained(self).toOpaque(), nil, 0, nil)
    if let context {
      xmlCtxtUseOptions(context, Int32(XML_PARSE_NONET.rawValue))
      for element in Element.allCases {
        guard let tag = element.tag else { continue }
        elementNames[Int(element.rawValue)] = Self.intern(tag, context)
      }
      for name in AttributeName.allCases {
        attributeNames[name.rawValue] = Self.intern(name.text, context)
      }
    }
  }

  deinit {
    if let context {
      // xmlFreeParserCtxt leaves the document to its caller.
      if let document = context.pointee.myDoc {
        context.pointee.myDoc = nil
        xmlFreeDoc(document)
      }
      xmlFreeParserCtxt(context)
    }
    elementNames.deallocate()
    attributeNames.deallocate()
  }

  private static func intern(_ text: StaticString, _ context: xmlParserCtxtPtr)
    -> UnsafePointer<xmlChar>?
  {
    xmlDictLookup(context.pointee.dict, text.utf8Start, Int32(text.utf8CodeUnitCount))
  }

  private static let charactersCallback: charactersSAXFunc = { context, bytes, count in
    guard let context, let bytes else { return }
    LibXML2PushParser.from(context).characters(bytes, Int(count))
  }

  /// Turns libxml2's text callbacks on or off.
  ///
  /// libxml2 reads `ctxt->sax` at every text run
  /// and skips a run whose callback is `NULL`, so most whitespace costs no call.
  @inline(__always)
  private func listenToText(_ on: Bool) {
    guard on != inText else { return }
    inText = on
    guard let sax = context?.pointee.sax else { return }
    sax.pointee.characters = on ? Self.charactersCallback : nil
    sax.pointee.cdataBlock = on ? Self.charactersCallback : nil
  }

  private static func from(_ context: UnsafeMutableRawPointer) -> LibXML2PushParser {
    Unmanaged<LibXML2PushParser>.fromOpaque(context).takeUnretainedValue()
  }

  /// Parses the next bytes, handing what they complete to the fold.
  ///
  /// libxml2 gets them in blocks of ``blockSize`` bytes; the bytes after the last full block
  /// wait for the next call (they are copied only when the caller's chunks are not whole
  /// blocks). The corresponding libxml2 function is `xmlParseChunk`.
  func feed(_ bytes: UnsafeRawBufferPointer) {
    guard failure == nil else { return }
    var rest = bytes[...]
    if !pending.isEmpty {
      let taken = min(Self.blockSize - pending.count, rest.count)
      pending.append(contentsOf: rest.prefix(taken))
      rest = rest.dropFirst(taken)
      guard pending.count == Self.blockSize else { return }
      pending.withUnsafeBytes { parse($0, terminate: false) }
      pending.removeAll(keepingCapacity: true)
    }
    while rest.count >= Self.blockSize {
      parse(UnsafeRawBufferPointer(rebasing: rest.prefix(Self.blockSize)), terminate: false)
      rest = rest.dropFirst(Self.blockSize)
    }
    pending.append(contentsOf: rest)
  }

  /// Ends the input; a document that is not complete is a ``failure``.
  ///
  /// The bytes after the last full block go first, as an ordinary chunk, then the end alone:
  /// so ``failedAtEnd`` means that every byte was read and the document was still open. The
  /// corresponding libxml2 function is `xmlParseChunk` with `terminate` set.
  func finish() {
    if !pending.isEmpty { pending.withUnsafeBytes { parse($0, terminate: false) } }
    pending = []
    parse(UnsafeRawBufferPointer(start: nil, count: 0), terminate: true)
  }

  /// Whether the context keeps a document with declared entities (it never should: see the
  /// type's discussion); for tests.
  var keepsDeclaredEntities: Bool {
    context?.pointee.myDoc?.pointee.intSubset?.pointee.entities != nil
  }

  /// Gives the context a document before libxml2 makes one to keep internal entities in.
  ///
  /// The corresponding libxml2 function is `xmlNewDoc`.
  private func claimDocument() {
    guard let context, context.pointee.myDoc == nil else { return }
    let version: StaticString = "1.0"
    context.pointee.myDoc = xmlNewDoc(version.utf8Start)
  }

  private func parse(_ bytes: UnsafeRawBufferPointer, terminate: Bool) {
    guard failure == nil, let context else { return }
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
    let element = element(localName)
    if !sawElement, element != .testsuites, element != .testsuite {
      foreignRoot = String(cString: localName)
    }
    sawElement = true
    let parent = stack.last
    stack.append(element)
    listenToText(element.carriesText)
    if element.carriesText {
      textCount = 0
      droppedText = 0
    }
    guard element != .other else { return }
    fold.start(
      element, parent: parent,
      Attributes(list: attributes, count: Int(attributeCount), names: attributeNames))
  }

  private func endElement() {
    let element = stack.popLast() ?? .other
    let dropped = element.carriesText ? droppedText : 0
    let parent = stack.last
    listenToText(parent?.carriesText ?? false)
    if element.carriesText {
      droppedText = 0
      textCount = 0
    }
    guard element != .other else { return }
    fold.end(element, parent: parent, droppedTextBytes: dropped)
  }

  private func characters(_ bytes: UnsafePointer<xmlChar>, _ count: Int) {
    guard inText else { return }
    let kept = min(max(0, textLimit - textCount), count)
    if kept > 0 {
      textCount += kept
      fold.text(UnsafeBufferPointer(start: bytes, count: kept))
    }
    droppedText += count - kept
  }

  /// The element an interned name stands for.
  @inline(__always)
  private func element(_ name: UnsafePointer<xmlChar>) -> Element {
    // testcase first: it is most of a large file.
    var index: UInt8 = 0
    while index < Element.other.rawValue {
      if elementNames[Int(index)] == name { return Element(rawValue: index) ?? .other }
      index += 1
    }
    return .other
  }
}
