/// Folds the events of `gh run view --log` output into one ``JobRun`` per job.
package struct GhRunBuilder {
  private let source: String?
  private var current: JobRunBuilder?
  private var jobs: [JobRun] = []

  /// Creates a builder.
  ///
  /// - Parameter source: The input's name, for diagnostics.
  package init(source: String?) {
    self.source = source
  }

  /// Applies events in order.
  package mutating func apply(_ events: [GhRunLogParser.Event]) {
    for event in events {
      switch event {
      case .job(let name, _):
        if let builder = current { jobs.append(builder.build()) }
        current = JobRunBuilder(source: source, fallbackName: name, fallbackNameSource: .gh)
      case .stepLabel(let name, let line):
        current?.labelStep(name, atLine: line, from: .gh)
      case .log(let logEvent):
        current?.apply(logEvent)
      }
    }
  }

  /// The jobs read, in input order.
  package func build() -> [JobRun] {
    jobs + (current.map { [$0.build()] } ?? [])
  }
}
