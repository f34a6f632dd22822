extension TestSummary {
  /// Reads whole JUnit files held in memory.
  ///
  /// A convenience over ``JUnitParser`` and ``TestSummaryBuilder`` for tests and small inputs.
  ///
  /// - Parameter files: Each file's name and bytes.
  /// - Returns: The summary and a diagnostic for each file that is cut or malformed.
  public static func parsing(junit files: [(name: String, bytes: [UInt8])]) -> (
    TestSummary, [Diagnostic]
  ) {
    var builder = TestSummaryBuilder()
    var diagnostics: [Diagnostic] = []
    for file in files {
      var parser = JUnitParser(source: file.name)
      builder.beginFile(file.name)
      let events = parser.feed(file.bytes) + parser.finish()
      builder.apply(events)
      diagnostics += events.compactMap(\.diagnostic)
    }
    return (builder.build(), diagnostics)
  }
}

extension JUnitEvent {
  /// The diagnostic of a ``failed(_:)`` event.
  public var diagnostic: Diagnostic? {
    guard case .failed(let error) = self else { return nil }
    return Diagnostic(
      .error, error.message, source: error.source, line: error.line, column: error.column)
  }
}
