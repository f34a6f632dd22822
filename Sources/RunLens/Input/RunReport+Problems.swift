extension RunReport {
  /// The errors to show after reading: each input that could not be read, then each error
  /// diagnostic that is not about such an input, as `location: message` lines (the program
  /// adds its `error: ` prefix).
  ///
  /// - Parameter failures: The inputs that could not be read (``RunAssembly/failures``).
  /// - Returns: The messages, in that order.
  package func errorMessages(failures: [RunAssembly.Failure]) -> [String] {
    var messages = failures.map { "\($0.source): cannot read: \($0.reason)" }
    for diagnostic in allDiagnostics where diagnostic.severity == .error {
      if failures.contains(where: { $0.source == diagnostic.source }) { continue }
      messages.append("\(diagnostic.location): \(diagnostic.message)")
    }
    return messages
  }

  /// Whether `--strict` fails the report: no job log was found, or there is an error.
  package var failsStrict: Bool {
    isEmpty || allDiagnostics.contains { $0.severity == .error }
  }

  /// Whether a target was missed (`--fail-on-targets`).
  package var missesTarget: Bool { targets.contains { $0.met == false } }
}
