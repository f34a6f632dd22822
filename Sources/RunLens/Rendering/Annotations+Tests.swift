extension Annotations {
  /// `::error file=…,line=…` commands for failing tests, at most ``perKind``, placed where the
  /// failure's text says (a Rust panic's `tests/x.rs:42:5`); a failure without a location gets
  /// an annotation without a file.
  public static func failingTests(_ report: RunReport) -> [String] {
    guard let tests = report.tests else { return [] }
    return tests.failures.prefix(perKind).map { failure in
      let text = [failure.message, failure.details, failure.output].compactMap { $0 }
        .joined(separator: "\n")
      var properties = ""
      if let location = TestLocation(searching: text) {
        properties = "file=\(escapeProperty(location.file)),line=\(location.line),"
        if let column = location.column { properties += "col=\(column)," }
      }
      let title = "runlens: \(failure.suite) \(failure.name) failed"
      let message =
        failure.message ?? failure.details?.split(separator: "\n").first.map(String.init)
        ?? "failed"
      return
        "::error \(properties)title=\(escapeProperty(title))::\(escapeData(String(message.prefix(4000))))"
    }
  }
}

/// A source location a test failure's text names: `path/to/file.ext:LINE[:COL]`.
public struct TestLocation: Sendable, Hashable {
  /// The file, relative as printed.
  public var file: String
  /// The 1-based line.
  public var line: Int
  /// The 1-based column, when printed.
  public var column: Int?

  /// The first `file.ext:LINE[:COL]` in `text` whose file has an extension and no spaces
  /// (Rust: `panicked at tests/x.rs:42:5:`; many runners print `at file.py:12`).
  public init?(searching text: String) {
    for rawWord in text.split(whereSeparator: { $0 == " " || $0 == "\n" || $0 == "(" || $0 == ")" })
    {
      var word = Substring(rawWord)
      while let last = word.last, last == ":" || last == "," || last == "." { word.removeLast() }
      let parts = word.split(separator: ":", omittingEmptySubsequences: false)
      guard parts.count == 2 || parts.count == 3, let line = Int(parts[1]), line > 0 else {
        continue
      }
      let file = String(parts[0])
      guard let dot = file.lastIndex(of: "."), file.index(after: dot) < file.endIndex,
        !file.hasPrefix("http"), file.first != "."
      else { continue }
      let column = parts.count == 3 ? Int(parts[2]) : nil
      if parts.count == 3, column == nil { continue }
      self.file = file
      self.line = line
      self.column = column
      return
    }
    return nil
  }
}
