/// One kind of line a cache action prints, recognised by how its message starts.
///
/// Each family file lists its patterns (``ToolkitCache/patterns`` and the others);
/// ``CacheLineMatcher`` gathers them in one table by first byte. No two prefixes may start one
/// another (a test checks), so the order of the families never decides a match.
struct CacheLinePattern: Sendable {
  /// Turns extracted bytes into text, repairing invalid UTF-8 (the parser's `decode`, which also
  /// reports the repair).
  typealias Decode = (UnsafeBufferPointer<UInt8>) -> String

  /// A message whose start matched a pattern's prefix.
  struct Line {
    /// The whole message, without timestamp and colour codes.
    let bytes: UnsafeBufferPointer<UInt8>
    /// The length of the matched prefix, in bytes.
    let prefixLength: Int

    /// The message after the prefix, without surrounding spaces and tabs.
    var rest: UnsafeBufferPointer<UInt8> { bytes.dropping(prefixLength).trimmingSpaces() }

    /// The message after the prefix, untrimmed.
    var afterPrefix: UnsafeBufferPointer<UInt8> { bytes.dropping(prefixLength) }
  }

  /// What a pattern does with a line whose start matched.
  enum Reading: Sendable {
    /// Reads the line; `nil` when the rest does not fit, and matching goes on.
    case read(@Sendable (Line, Decode) -> CacheLineMatcher.Match?)
    /// Matches the rest of the line again, as a message of its own (`[warning]Cache …`).
    case unwrap
  }

  /// The bytes the message starts with.
  let prefix: [UInt8]
  /// What the line means.
  let reading: Reading
  /// Whether the line counts only as a plain output line, not inside a `##[warning]` or similar
  /// annotation nor after an unwrapped prefix.
  let onlyUnannotated: Bool

  /// Creates a pattern.
  ///
  /// - Parameters:
  ///   - prefix: The start of the message; at least one byte.
  ///   - onlyUnannotated: Whether the line counts only as a plain output line.
  ///   - read: Reads a line that starts with `prefix`; returns `nil` when the rest does not fit.
  init(
    _ prefix: StaticString, onlyUnannotated: Bool = false,
    read: @escaping @Sendable (Line, Decode) -> CacheLineMatcher.Match?
  ) {
    self.prefix = Array(
      UnsafeBufferPointer(start: prefix.utf8Start, count: prefix.utf8CodeUnitCount))
    self.reading = .read(read)
    self.onlyUnannotated = onlyUnannotated
  }

  /// A pattern whose line always has the same meaning.
  init(_ prefix: StaticString, always line: CacheLine) {
    self.init(prefix) { _, _ in .found(line) }
  }

  /// A prefix that wraps another cache line: the rest is matched again.
  static func unwrapping(_ prefix: StaticString) -> CacheLinePattern {
    CacheLinePattern(prefix: prefix)
  }

  private init(prefix: StaticString) {
    self.prefix = Array(
      UnsafeBufferPointer(start: prefix.utf8Start, count: prefix.utf8CodeUnitCount))
    self.reading = .unwrap
    self.onlyUnannotated = false
  }
}

/// Readers of the small value shapes cache lines carry.
enum CacheLineValue {
  /// The text between the first pair of double quotes, or the whole text.
  static func firstQuoted(_ bytes: UnsafeBufferPointer<UInt8>) -> UnsafeBufferPointer<UInt8> {
    guard let open = bytes.firstIndex(of: UInt8(ascii: "\"")) else { return bytes }
    let rest = bytes.dropping(open + 1)
    guard let close = rest.firstIndex(of: UInt8(ascii: "\"")) else { return rest }
    return rest.slice(0, close)
  }

  /// `A, B, C` as keys (keys cannot contain commas).
  static func keyList(
    _ bytes: UnsafeBufferPointer<UInt8>, _ decode: CacheLinePattern.Decode
  ) -> [String] {
    bytes.split(separator: UInt8(ascii: ",")).map {
      decode(UnsafeBufferPointer(rebasing: $0).trimmingSpaces())
    }.filter { !$0.isEmpty }
  }

  /// The digits at the start of `bytes`; `nil` without digits or when the number overflows.
  static func leadingNumber(_ bytes: UnsafeBufferPointer<UInt8>) -> Int64? {
    var value: Int64 = 0
    var digits = 0
    for byte in bytes {
      guard byte &- 48 < 10 else { break }
      let (product, overflow) = value.multipliedReportingOverflow(by: 10)
      guard !overflow else { return nil }
      let (sum, carry) = product.addingReportingOverflow(Int64(byte &- 48))
      guard !carry else { return nil }
      value = sum
      digits += 1
    }
    return digits == 0 ? nil : value
  }

  /// `N` of `… (N B)`, as in `Cache Size: ~999 MB (1047529213 B)`.
  static func parenthesisedBytes(_ bytes: UnsafeBufferPointer<UInt8>) -> Int64? {
    guard let open = bytes.firstIndex(of: UInt8(ascii: "(")) else { return nil }
    return leadingNumber(bytes.dropping(open + 1))
  }

  /// `A of B` at the start of a `Received`/`Sent` line.
  static func progress(_ bytes: UnsafeBufferPointer<UInt8>) -> (Int64, Int64)? {
    guard let done = leadingNumber(bytes), let of = ByteSearch.firstIndex(of: " of ", in: bytes),
      let total = leadingNumber(bytes.dropping(of + 4))
    else { return nil }
    return (done, total)
  }

  /// The non-empty lines of a multi-line input value.
  static func inputList(_ value: String?) -> [String] {
    guard let value else { return [] }
    return value.split(whereSeparator: \.isNewline).map {
      $0.trimmedWhitespace()
    }.filter { !$0.isEmpty }
  }
}
