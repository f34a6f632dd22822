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
    // XML starts with `<?xml`, a comment, a doctype or an element; a log line never starts
    // with `<` followed by one of these.
    if first == UInt8(ascii: "<"), let second,
      second == UInt8(ascii: "?") || second == UInt8(ascii: "!")
        || (UInt8(ascii: "a")...UInt8(ascii: "z")).contains(second | 0x20)
    {
      return .junit
    }
    return .jobLog
  }
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
