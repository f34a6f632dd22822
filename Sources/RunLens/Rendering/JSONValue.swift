/// A JSON document built in memory and written deterministically.
///
/// runlens writes its own JSON rather than using `JSONEncoder` so that the contract is exact:
/// keys sorted, unknown values written as `null` (never left out), integers without a
/// fraction, two-space indentation, LF line ends and no escaped slashes, on every platform.
public enum JSONValue: Sendable, Hashable {
  /// `null`.
  case null
  /// `true` or `false`.
  case bool(Bool)
  /// An integer.
  case int(Int64)
  /// A number with a fraction, written with at most four decimals.
  case double(Double)
  /// A string.
  case string(String)
  /// An array.
  case array([JSONValue])
  /// An object; keys are written sorted.
  case object([String: JSONValue])
  /// An object whose members are written in the order given, which must be sorted by key:
  /// for the lists of up to 500 elements, where building and sorting a dictionary for each
  /// element would cost more than the rest of the document.
  case orderedObject([Member])

  /// A member of an ``orderedObject(_:)``.
  public struct Member: Sendable, Hashable {
    /// The key.
    public var key: String
    /// The value.
    public var value: JSONValue

    /// Creates a member.
    public init(_ key: String, _ value: JSONValue) {
      self.key = key
      self.value = value
    }
  }

  /// An object whose members are given in sorted key order.
  ///
  /// - Precondition: `members` is sorted by the UTF-8 bytes of its keys, without duplicates.
  static func ordered(_ members: KeyValuePairs<String, JSONValue>) -> JSONValue {
    let list = members.map { Member($0.key, $0.value) }
    assert(
      zip(list, list.dropFirst()).allSatisfy { $0.key.utf8.lexicographicallyPrecedes($1.key.utf8) },
      "members of an ordered object out of order")
    return .orderedObject(list)
  }

  /// An object whose members are given in sorted key order, without the members whose value
  /// is `nil` (left out, not written as `null`).
  ///
  /// - Precondition: `members` is sorted by the UTF-8 bytes of its keys, without duplicates.
  static func ordered(omittingAbsent members: KeyValuePairs<String, JSONValue?>) -> JSONValue {
    assert(
      zip(members, members.dropFirst()).allSatisfy {
        $0.key.utf8.lexicographicallyPrecedes($1.key.utf8)
      },
      "members of an ordered object out of order")
    return .orderedObject(members.compactMap { key, value in value.map { Member(key, $0) } })
  }

  /// The value, or `null` when `value` is `nil`.
  static func optional<T>(_ value: T?, _ wrap: (T) -> JSONValue) -> JSONValue {
    value.map(wrap) ?? .null
  }

  /// The document as pretty-printed text ending with a newline.
  public func render() -> String {
    String(decoding: renderUTF8(), as: UTF8.self)
  }

  /// The document as ``render()`` writes it, as UTF-8 bytes.
  public func renderUTF8() -> [UInt8] {
    var output = Output()
    write(to: &output, indent: 0)
    output.append(0x0A)
    return output.bytes()
  }

  /// The elements of an array, for ``renderPieces(member:elements:)``, each written by
  /// `element` (given its index; it writes the element at indentation `indent`).
  ///
  /// Each is written as ``write(to:indent:)`` writes an element of an array at `indent - 2`:
  /// its indentation, the element, and `,\n`. Parts of one long array are written so on
  /// several threads.
  ///
  /// - Parameters:
  ///   - count: The number of elements.
  ///   - indent: The elements' indentation.
  ///   - element: Writes the element at an index, without indentation or separator.
  /// - Returns: The bytes; empty when `count` is 0.
  static func renderElements(
    count: Int, indent: Int, element: (Int, inout Output) -> Void
  ) -> [UInt8] {
    var output = Output()
    for index in 0..<count {
      indentation(indent, &output)
      element(index, &output)
      put(",\n", &output)
      if index == 7 {
        // Room for all, from the first eight and a quarter more, instead of doubling: each
        // doubling copies what was written into fresh pages. Pages reserved and not written
        // are never touched, but eight large elements before many small ones would reserve
        // far too much, so at most 64 MiB (doubling goes on past it).
        output.reserve(min(output.count / 8 * count / 4 * 5, 64 << 20))
      }
    }
    return output.bytes()
  }

  /// The document as ``renderUTF8()`` writes it, in pieces to write one after the other, with
  /// the value of its member `key` (an object's, whose value here is an empty array, a
  /// placeholder) written as the array whose elements are `parts`:
  /// ``renderElements(count:indent:element:)``'s bytes at indent 4.
  ///
  /// The parts become pieces themselves, so that a document of many megabytes (8.5 MB for the
  /// jobs of 400 logs) is not copied once more into one array, whose fresh pages cost as much
  /// again as the copy.
  ///
  /// - Precondition: The document is an object with the member `key`.
  /// - Returns: The pieces; joined, they are the document.
  func renderPieces(member key: String, elements parts: consuming [[UInt8]]) -> [[UInt8]] {
    guard case .object(let members) = self, members[key] != nil else {
      preconditionFailure("renderPieces(member:elements:) needs an object with the member \(key)")
    }
    let sorted = members.sorted { $0.key.utf8.lexicographicallyPrecedes($1.key.utf8) }
    guard let last = parts.lastIndex(where: { !$0.isEmpty }),
      let split = sorted.firstIndex(where: { $0.key == key })
    else {
      return [renderUTF8()]
    }
    // The head: the members before `key`, and `key`'s opening bracket.
    var head = Output()
    Self.put("{\n", &head)
    for member in sorted[..<split] {
      Self.writeMember(member.key, member.value, &head)
      Self.put(",\n", &head)
    }
    Self.indentation(2, &head)
    Self.writeString(key, to: &head)
    Self.put(": [\n", &head)
    var pieces = [head.bytes()]
    for part in parts.indices where !parts[part].isEmpty {
      var bytes: [UInt8] = []
      swap(&bytes, &parts[part])
      // As ``write(to:indent:)`` writes the array: the last element's `,\n` becomes `\n`.
      if part == last { bytes.removeLast(2) }
      pieces.append(bytes)
    }
    // The tail: the array's closing bracket and the members after `key`.
    var tail = Output()
    tail.append(0x0A)
    Self.indentation(2, &tail)
    tail.append(UInt8(ascii: "]"))
    for member in sorted[(split + 1)...] {
      Self.put(",\n", &tail)
      Self.writeMember(member.key, member.value, &tail)
    }
    Self.put("\n}\n", &tail)
    pieces.append(tail.bytes())
    return pieces
  }

  /// A member of an object: its indentation, key and value, without separator.
  @inline(__always)
  private static func writeMember(
    _ key: String, _ value: JSONValue, indent: Int = 2, _ output: inout Output
  ) {
    indentation(indent, &output)
    writeString(key, to: &output)
    put(": ", &output)
    value.write(to: &output, indent: indent)
  }

  /// The bytes of a document being written.
  ///
  /// An append is a capacity test and a copy into a small buffer of ``stagingSize`` bytes,
  /// which stays in the cache and is moved into the document's array when full: an array's
  /// `append(contentsOf:)` per value also tests uniqueness and copies generically, and the
  /// metrics of a run of 400 jobs (8.5 MB) are about 1.5 million appends. The array is the
  /// result, so a large document is written into fresh memory once, not twice (into a buffer
  /// of its size, then copied into an array).
  struct Output: ~Copyable {
    /// The staging buffer, of ``stagingSize`` bytes.
    private let base: UnsafeMutablePointer<UInt8>
    /// The bytes staged in ``base``.
    private var staged = 0
    /// The bytes moved out of the staging buffer.
    private var done: [UInt8] = []

    /// The staging buffer's size: the cache of one core holds it.
    static let stagingSize = 16 << 10

    /// An empty output; its array grows as it fills, or as ``reserve(_:)`` asks, so that a
    /// small document's array is not larger than it.
    init() {
      base = .allocate(capacity: Self.stagingSize)
    }

    deinit { base.deallocate() }

    /// The number of bytes written.
    var count: Int { done.count + staged }

    /// The bytes written.
    consuming func bytes() -> [UInt8] {
      flush()
      return done
    }

    @inline(__always)
    mutating func append(_ byte: UInt8) {
      if staged == Self.stagingSize { flush() }
      base[staged] = byte
      staged += 1
    }

    @inline(__always)
    mutating func append(_ bytes: UnsafeRawPointer, count length: Int) {
      if length > Self.stagingSize - staged {
        appendLarge(bytes, count: length)
        return
      }
      UnsafeMutableRawPointer(base + staged).copyMemory(from: bytes, byteCount: length)
      staged += length
    }

    @inline(__always)
    mutating func append(_ bytes: UnsafeBufferPointer<UInt8>) {
      guard let start = bytes.baseAddress else { return }
      append(start, count: bytes.count)
    }

    /// Makes room for `total` bytes in all, if there is less.
    mutating func reserve(_ total: Int) {
      done.reserveCapacity(total)
    }

    /// Moves the staged bytes into ``done``.
    @inline(never)
    private mutating func flush() {
      done.append(contentsOf: UnsafeBufferPointer(start: base, count: staged))
      staged = 0
    }

    /// Appends bytes that do not fit in the staging buffer's room: after the staged ones,
    /// straight into ``done`` when they are more than the buffer holds.
    @inline(never)
    private mutating func appendLarge(_ bytes: UnsafeRawPointer, count length: Int) {
      flush()
      if length > Self.stagingSize {
        done.append(contentsOf: UnsafeRawBufferPointer(start: bytes, count: length))
      } else {
        UnsafeMutableRawPointer(base).copyMemory(from: bytes, byteCount: length)
        staged = length
      }
    }
  }

  /// Writes an object member by member, as ``write(to:indent:)`` writes an ordered object,
  /// for a large object that is written without being built as a value first (each job of
  /// the metrics JSON: building and then walking its value was half of the JSON's time).
  ///
  /// Members are given in sorted key order, as ``ordered(_:)`` requires: each with
  /// ``key(_:_:)`` followed by its value written at ``valueIndent``, or with one of the
  /// methods that write both; ``end(_:)`` closes the object.
  struct ObjectWriter {
    /// The indentation of the object (of its closing brace).
    let indent: Int
    private var members = 0
    private var lastKey: StaticString?

    init(indent: Int) { self.indent = indent }

    /// The indentation to write a member's value at.
    var valueIndent: Int { indent + 2 }

    /// Starts the member `key`: the separator, the indentation, the key and the colon.
    mutating func key(_ key: StaticString, _ output: inout Output) {
      assert(
        lastKey.map {
          UnsafeBufferPointer(start: $0.utf8Start, count: $0.utf8CodeUnitCount)
            .lexicographicallyPrecedes(
              UnsafeBufferPointer(start: key.utf8Start, count: key.utf8CodeUnitCount))
        } ?? true, "members of an object written out of order")
      lastKey = key
      put(members == 0 ? "{\n" : ",\n", &output)
      members += 1
      indentation(indent + 2, &output)
      output.append(UInt8(ascii: "\""))
      put(key, &output)
      put("\": ", &output)
    }

    /// A member whose value is `value`.
    mutating func value(_ key: StaticString, _ value: JSONValue, _ output: inout Output) {
      self.key(key, &output)
      value.write(to: &output, indent: valueIndent)
    }

    /// A member whose value is a string, or `null`.
    mutating func string(_ key: StaticString, _ value: String?, _ output: inout Output) {
      self.key(key, &output)
      if let value { writeString(value, to: &output) } else { put("null", &output) }
    }

    /// A member whose value is an integer, or `null`.
    mutating func int(_ key: StaticString, _ value: Int64?, _ output: inout Output) {
      self.key(key, &output)
      if let value { put(value, &output) } else { put("null", &output) }
    }

    /// A member whose value is `true` or `false`.
    mutating func bool(_ key: StaticString, _ value: Bool, _ output: inout Output) {
      self.key(key, &output)
      put(value ? "true" : "false", &output)
    }

    /// A member whose value is an array of strings.
    mutating func strings(_ key: StaticString, _ values: [String], _ output: inout Output) {
      self.key(key, &output)
      writeArray(count: values.count, indent: valueIndent, &output) { index, output in
        writeString(values[index], to: &output)
      }
    }

    /// Closes the object (`{}` when it has no member).
    func end(_ output: inout Output) {
      if members == 0 {
        put("{}", &output)
        return
      }
      output.append(0x0A)
      indentation(indent, &output)
      output.append(UInt8(ascii: "}"))
    }
  }

  /// Writes an array as ``write(to:indent:)`` writes one at `indent`, each element by
  /// `element` (given its index, at indentation `indent + 2`).
  static func writeArray(
    count: Int, indent: Int, _ output: inout Output, element: (Int, inout Output) -> Void
  ) {
    guard count > 0 else {
      put("[]", &output)
      return
    }
    put("[\n", &output)
    for index in 0..<count {
      indentation(indent + 2, &output)
      element(index, &output)
      put(index + 1 < count ? ",\n" : "\n", &output)
    }
    indentation(indent, &output)
    output.append(UInt8(ascii: "]"))
  }

  /// Spaces to indent with, appended in one piece rather than one byte at a time (an array
  /// of 25,000 test names is 25,000 indentations).
  private static let spaces: StaticString = "                                                "

  static func indentation(_ count: Int, _ output: inout Output) {
    var left = count
    while left > 0 {
      let piece = min(left, spaces.utf8CodeUnitCount)
      output.append(spaces.utf8Start, count: piece)
      left -= piece
    }
  }

  /// Appends literal text without going through `String`.
  @inline(__always)
  static func put(_ text: StaticString, _ output: inout Output) {
    output.append(text.utf8Start, count: text.utf8CodeUnitCount)
  }

  /// Appends an integer's decimal digits.
  static func put(_ value: Int64, _ output: inout Output) {
    if value < 0 { output.append(UInt8(ascii: "-")) }
    var magnitude = value.magnitude
    var digits: (UInt64, UInt64, UInt64, UInt64) = (0, 0, 0, 0)
    var count = 0
    withUnsafeMutableBytes(of: &digits) { buffer in
      repeat {
        buffer[31 - count] = UInt8(ascii: "0") + UInt8(magnitude % 10)
        magnitude /= 10
        count += 1
      } while magnitude > 0
      output.append(buffer.baseAddress.unsafelyUnwrapped + (32 - count), count: count)
    }
  }

  func write(to output: inout Output, indent: Int) {
    switch self {
    case .null: Self.put("null", &output)
    case .bool(let value): Self.put(value ? "true" : "false", &output)
    case .int(let value): Self.put(value, &output)
    case .double(let value): Self.writeASCII(Self.format(value), to: &output)
    case .string(let value): Self.writeString(value, to: &output)
    case .array(let values):
      guard !values.isEmpty else {
        Self.put("[]", &output)
        return
      }
      Self.put("[\n", &output)
      for (index, value) in values.enumerated() {
        Self.indentation(indent + 2, &output)
        // Strings (lists of names) without the trip through `write`'s switch.
        if case .string(let text) = value {
          Self.writeString(text, to: &output)
        } else {
          value.write(to: &output, indent: indent + 2)
        }
        Self.put(index + 1 < values.count ? ",\n" : "\n", &output)
      }
      Self.indentation(indent, &output)
      output.append(UInt8(ascii: "]"))
    case .object(let members):
      let sorted = members.sorted { $0.key.utf8.lexicographicallyPrecedes($1.key.utf8) }
      Self.writeMembers(sorted.map { Member($0.key, $0.value) }, to: &output, indent: indent)
    case .orderedObject(let members):
      Self.writeMembers(members, to: &output, indent: indent)
    }
  }

  private static func writeMembers(_ members: [Member], to output: inout Output, indent: Int) {
    guard !members.isEmpty else {
      Self.put("{}", &output)
      return
    }
    Self.put("{\n", &output)
    for (index, member) in members.enumerated() {
      Self.writeMember(member.key, member.value, indent: indent + 2, &output)
      Self.put(index + 1 < members.count ? ",\n" : "\n", &output)
    }
    Self.indentation(indent, &output)
    output.append(UInt8(ascii: "}"))
  }

  /// Text that needs no escape (a number), as it is.
  private static func writeASCII(_ value: String, to output: inout Output) {
    var value = value
    value.withUTF8 { output.append($0) }
  }

  /// A JSON string: runs of bytes that need no escape are copied whole.
  static func writeString(_ value: String, to output: inout Output) {
    output.append(UInt8(ascii: "\""))
    var value = value
    value.withUTF8 { bytes in
      var runStart = 0
      var index = 0
      while index < bytes.count {
        // Eight bytes at a time while none needs an escape (most of a failure's text).
        if index + 8 <= bytes.count, let base = bytes.baseAddress,
          !ByteSearch.mayNeedJSONEscape(
            UnsafeRawPointer(base).loadUnaligned(fromByteOffset: index, as: UInt64.self))
        {
          index += 8
          continue
        }
        let byte = bytes[index]
        index += 1
        guard
          byte < 0x20 || byte == UInt8(ascii: "\"") || byte == UInt8(ascii: "\\") || byte == 0x7F
        else {
          continue
        }
        output.append(UnsafeBufferPointer(rebasing: bytes[runStart..<index - 1]))
        switch byte {
        case UInt8(ascii: "\""): put("\\\"", &output)
        case UInt8(ascii: "\\"): put("\\\\", &output)
        case 0x0A: put("\\n", &output)
        case 0x0D: put("\\r", &output)
        case 0x09: put("\\t", &output)
        default:
          let hex = String(byte, radix: 16)
          writeASCII("\\u" + String(repeating: "0", count: 4 - hex.count) + hex, to: &output)
        }
        runStart = index
      }
      output.append(UnsafeBufferPointer(rebasing: bytes[runStart..<bytes.count]))
    }
    output.append(UInt8(ascii: "\""))
  }

  /// A number rounded to four decimals, written without locale and without exponent.
  static func format(_ value: Double) -> String {
    // Beyond 9.2e14 the scaled value would not fit in Int64 (and has no fraction left).
    guard value.isFinite, abs(value) < 9e14 else {
      return value.isFinite ? String(Int64(clamping: value.rounded())) : "null"
    }
    let scaled = (value * 10_000).rounded()
    let negative = scaled < 0
    let magnitude = Int64(abs(scaled))
    let whole = magnitude / 10_000
    var fraction = String(magnitude % 10_000)
    fraction = String(repeating: "0", count: 4 - fraction.count) + fraction
    while fraction.count > 1, fraction.hasSuffix("0") { fraction.removeLast() }
    return (negative ? "-" : "") + String(whole) + "." + fraction
  }

}
