extension Annotations {
  /// `::error file=…,line=…` commands for failing tests, at most ``perKind``, placed where the
  /// results say: the JUnit `file` and `line` attributes first, else the failure's text (a
  /// Rust panic's `tests/x.rs:42:5`); a failure with neither gets an annotation without a file.
  public static func failingTests(_ report: RunReport) -> [String] {
    guard let tests = report.tests else { return [] }
    return tests.failures.prefix(perKind).map { failure in
      var properties = ""
      if let location = location(of: failure) {
        properties = "file=\(escapeProperty(location.file)),"
        if let line = location.line { properties += "line=\(line)," }
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

  /// The notice saying how many failing tests have no annotation (past ``perKind``), or `nil`.
  static func unannotatedTests(_ report: RunReport) -> String? {
    guard let tests = report.tests else { return nil }
    let failing = tests.failed.saturatingAdding(tests.errors)
    let annotated = min(perKind, tests.failures.count)
    guard failing > annotated else { return nil }
    let left = failing - annotated
    return command(
      "notice", title: "runlens: failing tests not annotated",
      message:
        "\(left) more failing \(left == 1 ? "test has" : "tests have") no annotation: the runner "
        + "keeps \(perKind) annotations of a kind per step; the job summary lists the failures")
  }

  /// Where a failure is: the results' file (made relative to the workspace) and line, else
  /// the first location in its text.
  static func location(of failure: TestSummary.Failure) -> (
    file: String, line: Int?, column: Int?
  )? {
    let text = [failure.message, failure.details, failure.output].compactMap { $0 }
      .joined(separator: "\n")
    guard let attribute = failure.file.map(workspaceRelative), !attribute.isEmpty else {
      return TestLocation(searching: text).map { ($0.file, $0.line, $0.column) }
    }
    if let line = failure.line, line > 0 { return (attribute, line, nil) }
    // A file without a line (jest-junit): the text's line when it names the same file.
    if let found = TestLocation(searching: text),
      attribute.hasSuffix(found.file) || found.file.hasSuffix(attribute)
    {
      return (attribute, found.line, found.column)
    }
    return (attribute, nil, nil)
  }

  /// A path without the runner's workspace prefix (`/home/runner/work/REPO/REPO/`,
  /// `D:\\a\\REPO\\REPO\\`): an annotation's file is relative to the repository.
  static func workspaceRelative(_ path: String) -> String {
    guard path.hasPrefix("/") || path.dropFirst().hasPrefix(":\\") else { return path }
    let separator: Character = path.hasPrefix("/") ? "/" : "\\"
    let parts = path.split(separator: separator, omittingEmptySubsequences: false)
    for index in parts.indices.dropLast(3)
    where (parts[index] == "work" || parts[index] == "a") && !parts[index + 1].isEmpty
      && parts[index + 1] == parts[index + 2]
    {
      return parts[(index + 3)...].joined(separator: String(separator))
    }
    return path
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
    // A location has a `:` right before its line's first digit (or `+`): a text without one
    // (most failure messages) is rejected by one pass over its bytes, not split into words
    // and each word split again. `:` and an ASCII digit or `+` are each a character of their
    // own, so the bytes never miss a location the characters give.
    guard Self.mayName(text) else { return nil }
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

  /// Whether `text` has a `:` followed by an ASCII digit or `+`, as every location has.
  static func mayName(_ text: String) -> Bool {
    var text = text
    return text.withUTF8 { bytes in
      var colon = ByteSearch.index(of: UInt8(ascii: ":"), in: bytes, from: 0, to: bytes.count)
      while colon + 1 < bytes.count {
        let next = bytes[colon + 1]
        if next &- UInt8(ascii: "0") < 10 || next == UInt8(ascii: "+") { return true }
        colon = ByteSearch.index(
          of: UInt8(ascii: ":"), in: bytes, from: colon + 1, to: bytes.count)
      }
      return false
    }
  }
}
