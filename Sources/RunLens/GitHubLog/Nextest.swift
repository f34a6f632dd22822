/// Reads the lines of nextest's human output that a report uses.
///
/// Those are its summary line and the final status list. They are rare, so they are read as
/// `String`s.
enum Nextest {
  /// `Summary [   1.487s] 18 tests run: 18 passed (1 flaky), 1 failed, 0 skipped`.
  static func summary(_ text: String) -> LogEvent.NextestSummary? {
    guard let open = text.firstIndex(of: "["), let close = text.firstIndex(of: "]"), open < close
    else { return nil }
    let seconds = text[text.index(after: open)..<close].filter {
      $0 != " " && $0 != ">" && $0 != "s"
    }
    // A time that does not fit in nanoseconds (`inf`, `1e300`) is no time.
    let duration = Double(seconds).flatMap { value -> Duration? in
      let nanoseconds = (value * 1e9).rounded()
      guard nanoseconds.isFinite, abs(nanoseconds) < 9.2e18 else { return nil }
      return .nanoseconds(Int64(nanoseconds))
    }
    let rest = text[text.index(after: close)...]
    guard let runRange = rest.firstRange(of: " run:") else { return nil }
    let head = rest[..<runRange.lowerBound].split(separator: " ")
    guard let countText = head.first,
      let run = parseCount(countText.split(separator: "/").first ?? "")
    else {
      return nil
    }
    guard head.contains(where: { $0.hasPrefix("test") }) else { return nil }
    var summary = LogEvent.NextestSummary(
      run: run, passed: 0, flaky: 0, failed: 0, execFailed: 0, skipped: 0, duration: duration)
    var tail = String(rest[runRange.upperBound...])
    // Parenthesised details: "(1 slow, 1 flaky, 1 leaky)".
    while let openParen = tail.firstIndex(of: "("),
      let closeParen = tail[openParen...].firstIndex(of: ")")
    {
      let inner = tail[tail.index(after: openParen)..<closeParen]
      for part in inner.split(separator: ",") {
        let words = part.split(separator: " ")
        if words.count >= 2, words[1] == "flaky", let count = parseCount(words[0]) {
          summary.flaky = count
        }
      }
      tail.removeSubrange(openParen...closeParen)
    }
    for part in tail.split(separator: ",") {
      let words = part.split(separator: " ")
      guard words.count >= 2, let count = parseCount(words[0]) else { continue }
      let kind = words.dropFirst().joined(separator: " ")
      switch kind {
      case "passed": summary.passed = count
      case "failed", "timed out": summary.failed += count
      case "exec failed": summary.execFailed = count
      case "skipped": summary.skipped = count
      default: break
      }
    }
    return summary
  }

  /// A count as nextest prints it; `nil` past a billion, so that the counts of several summary
  /// lines and jobs add up without overflowing.
  private static func parseCount(_ text: some StringProtocol) -> Int? {
    guard let value = Int(text), (0...1_000_000_000).contains(value) else { return nil }
    return value
  }

  /// A line of the final status list.
  ///
  /// For example `FLAKY 2/3 [   0.002s] (  3/14) crate tests::name`.
  static func statusLine(_ text: String) -> LogEvent.NextestTest? {
    guard let open = text.firstIndex(of: "["), let close = text[open...].firstIndex(of: "]") else {
      return nil
    }
    let word = text[..<open].trimmedWhitespace()
    var rest = Substring(text[text.index(after: close)...])
    rest = rest.drop { $0 == " " }
    if rest.first == "(", let end = rest.firstIndex(of: ")") {
      rest = rest[rest.index(after: end)...].drop { $0 == " " }
    }
    guard let space = rest.firstIndex(of: " ") else { return nil }
    let binary = String(rest[..<space])
    var name = String(rest[rest.index(after: space)...])
    while let last = name.last, last.isWhitespace { name.removeLast() }
    guard !binary.isEmpty, !name.isEmpty else { return nil }
    let parts = word.split(separator: " ")
    guard let first = parts.first else { return nil }
    var attempts = 1
    if parts.count == 2, let slash = parts[1].firstIndex(of: "/"),
      let n = parseCount(parts[1][..<slash])
    {
      attempts = n
    }
    let status: LogEvent.NextestTest.Status
    switch first {
    case "FLAKY": status = .flaky
    case "FLKY-FL": status = .flakyFailed
    case "XFAIL": status = .execFailed
    case "FAIL", "TIMEOUT", "ABORT", "LEAK-FAIL": status = .failed
    default:
      guard first.hasPrefix("SIG") else { return nil }
      status = .failed
    }
    return LogEvent.NextestTest(
      status: status, word: word, attempts: attempts, binary: binary, name: name)
  }
}
