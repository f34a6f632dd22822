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
      for error in [parser.feed(file.bytes, into: &builder), parser.finish(into: &builder)] {
        if let error { diagnostics.append(error.diagnostic) }
      }
    }
    return (builder.build(), diagnostics)
  }
}

extension JUnitEvent {
  /// The diagnostic of a ``failed(_:)`` event.
  package var diagnostic: Diagnostic? {
    guard case .failed(let error) = self else { return nil }
    return error.diagnostic
  }
}

extension JUnitParseError {
  /// The error as a diagnostic naming file, line and column.
  package var diagnostic: Diagnostic {
    Diagnostic(.error, message, source: source, line: line, column: column)
  }
}
