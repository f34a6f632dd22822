/// Folds the events of `gh run view --log` output into one ``JobRun`` per job.
public struct GhRunBuilder {
  private let source: String?
  private var current: JobRunBuilder?
  private var jobs: [JobRun] = []

  /// Creates a builder.
  ///
  /// - Parameter source: The input's name, for diagnostics.
  public init(source: String?) {
    self.source = source
  }

  /// Applies events in order.
  public mutating func apply(_ events: [GhRunLogParser.Event]) {
    for event in events {
      switch event {
      case .job(let name, _):
        if let builder = current { jobs.append(builder.build()) }
        current = JobRunBuilder(source: source, fallbackName: name)
      case .stepLabel(let name, let line):
        current?.labelStep(name, atLine: line)
      case .log(let logEvent):
        current?.apply(logEvent)
      }
    }
  }

  /// The jobs read, in input order.
  public func build() -> [JobRun] {
    jobs + (current.map { [$0.build()] } ?? [])
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

/// The shapes an input can have, told from its first bytes.
public enum InputKind: String, Sendable, Hashable {
  /// One raw job log.
  case jobLog = "job log"
  /// `gh run view --log` output (job, step and line columns).
  case ghLog = "gh run view --log output"
  /// A run-logs zip.
  case zip
  /// JSON (a jobs list of the REST API or `gh run view --json jobs`).
  case json

  /// The kind of an input from its first bytes (a few KiB are enough).
  public static func detect(_ bytes: some Collection<UInt8>) -> InputKind {
    let head = Array(bytes.prefix(8192))
    if head.starts(with: [0x50, 0x4B, 0x03, 0x04]) || head.starts(with: [0x50, 0x4B, 0x05, 0x06]) {
      return .zip
    }
    var body = head[...]
    if body.starts(with: [0xEF, 0xBB, 0xBF]) { body = body.dropFirst(3) }
    let significant = body.filter { $0 != 0x20 && $0 != 0x0A && $0 != 0x0D && $0 != 0x09 }.prefix(2)
    if significant.count == 2, let first = significant.first, let second = significant.last,
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
    return .jobLog
  }
}
