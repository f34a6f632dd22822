/// The shapes an input can have, told from its first bytes.
public enum InputKind: String, Sendable, Hashable, CaseIterable {
  /// One raw job log.
  case jobLog = "job log"
  /// `gh run view --log` output (job, step and line columns).
  case ghLog = "gh run view --log output"
  /// A run-logs zip.
  case zip
  /// JSON: a jobs list of the REST API or `gh run view --json jobs`, or runlens's metrics.
  case json
  /// JUnit XML (or another XML document, which the JUnit reader then names as not JUnit).
  case junit = "JUnit XML"

  /// How many bytes ``detect(_:)`` looks at: an input is told once this many bytes, or all of
  /// it, were seen, so the answer never depends on how the bytes were split into reads.
  public static let decisionLength = 8192

  /// The kind of an input from its first ``decisionLength`` bytes (or all of a shorter input).
  ///
  /// - Parameter bytes: The input's first bytes; only the first ``decisionLength`` are looked at.
  /// - Returns: The kind; a raw job log when nothing else fits.
  public static func detect(_ bytes: some Collection<UInt8>) -> InputKind {
    let head = Array(bytes.prefix(decisionLength))
    if head.starts(with: [0x50, 0x4B, 0x03, 0x04]) || head.starts(with: [0x50, 0x4B, 0x05, 0x06]) {
      return .zip
    }
    var body = head[...]
    if body.starts(with: [0xEF, 0xBB, 0xBF]) { body = body.dropFirst(3) }
    let significant = body.lazy.filter { $0 != 0x20 && $0 != 0x0A && $0 != 0x0D && $0 != 0x09 }
      .prefix(2)
    let first = significant.first
    let second = significant.dropFirst().first
    if let first, let second,
      (first == UInt8(ascii: "{") && (second == UInt8(ascii: "\"") || second == UInt8(ascii: "}")))
        || (first == UInt8(ascii: "[")
          && (second == UInt8(ascii: "{") || second == UInt8(ascii: "]"))),
      // An object or array that names jobs: a log captured with `tee` may well start with one
      // line of JSON, such as cargo's messages.
      containsAny(head, ["\"jobs\"", "\"steps\"", "\"total_count\"", "\"schemaVersion\"", "[]"])
    {
      return .json
    }
    if GhRunLogParser.looksLikeGhOutput(head) { return .ghLog }
    // XML starts with `<?xml`, a comment, a doctype or a start tag followed by markup; a log
    // line can start with `<` too (`<frozen importlib._bootstrap>:241: RuntimeWarning`,
    // `<stdin>:1: warning`), but not with a whole tag followed by markup.
    if first == UInt8(ascii: "<"), let second {
      if second == UInt8(ascii: "?") || second == UInt8(ascii: "!") { return .junit }
      if let start = body.firstIndex(of: UInt8(ascii: "<")),
        startsWithElement(Array(body[start...]))
      {
        return .junit
      }
    }
    return .jobLog
  }
}

/// Whether `bytes` (from a `<`) start with an XML start tag, `<name attr="v" …>` or `/>`, followed
/// by whitespace and markup (`<`) or by the end of the bytes seen.
private func startsWithElement(_ bytes: [UInt8]) -> Bool {
  func isNameStart(_ byte: UInt8) -> Bool {
    (UInt8(ascii: "a")...UInt8(ascii: "z")).contains(byte | 0x20) || byte == UInt8(ascii: "_")
      || byte == UInt8(ascii: ":") || byte >= 0x80
  }
  func isName(_ byte: UInt8) -> Bool {
    isNameStart(byte) || (UInt8(ascii: "0")...UInt8(ascii: "9")).contains(byte)
      || byte == UInt8(ascii: "-") || byte == UInt8(ascii: ".")
  }
  func isSpace(_ byte: UInt8) -> Bool {
    byte == 0x20 || byte == 0x0A || byte == 0x0D || byte == 0x09
  }
  var index = 1
  guard index < bytes.count, isNameStart(bytes[index]) else { return false }
  while index < bytes.count, isName(bytes[index]) { index += 1 }
  while true {
    let spaced = index < bytes.count && isSpace(bytes[index])
    while index < bytes.count, isSpace(bytes[index]) { index += 1 }
    guard index < bytes.count else { return true }  // cut inside the tag
    if bytes[index] == UInt8(ascii: ">") {
      index += 1
      break
    }
    if bytes[index] == UInt8(ascii: "/") {
      guard index + 1 < bytes.count else { return true }
      guard bytes[index + 1] == UInt8(ascii: ">") else { return false }
      index += 2
      break
    }
    // An attribute: space, name, `=`, a quoted value.
    guard spaced, isNameStart(bytes[index]) else { return false }
    while index < bytes.count, isName(bytes[index]) { index += 1 }
    while index < bytes.count, isSpace(bytes[index]) { index += 1 }
    guard index < bytes.count else { return true }
    guard bytes[index] == UInt8(ascii: "=") else { return false }
    index += 1
    while index < bytes.count, isSpace(bytes[index]) { index += 1 }
    guard index < bytes.count else { return true }
    let quote = bytes[index]
    guard quote == UInt8(ascii: "\"") || quote == UInt8(ascii: "'") else { return false }
    index += 1
    while index < bytes.count, bytes[index] != quote { index += 1 }
    guard index < bytes.count else { return true }
    index += 1
  }
  while index < bytes.count, isSpace(bytes[index]) { index += 1 }
  return index == bytes.count || bytes[index] == UInt8(ascii: "<")
}

private func containsAny(_ bytes: [UInt8], _ needles: [String]) -> Bool {
  needles.contains { needle in
    let pattern = Array(needle.utf8)
    guard bytes.count >= pattern.count else { return false }
    return (0...(bytes.count - pattern.count)).contains {
      bytes[$0..<$0 + pattern.count].elementsEqual(pattern)
    }
  }
}
