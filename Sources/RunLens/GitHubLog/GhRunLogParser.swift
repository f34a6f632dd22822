/// A streaming reader of `gh run view --log` (and `--log-failed`) output.
///
/// Each line is `JOB<TAB>STEP<TAB>RAW LINE`, jobs one after the other; the raw line is a job-log
/// line with its timestamp (the first line of each step segment may start with a BOM, and a raw
/// line may itself contain tabs, so only the first two split). The reader hands each job's raw
/// lines to its own ``GitHubLogParser`` and reports the step column as labels; a step column of
/// `UNKNOWN STEP` (gh's fallback when the run-logs zip has no step files) gives none.
///
/// Line numbers in the events are lines of the gh output, not of the job.
///
/// - Important: Single-pass and not thread-safe.
public struct GhRunLogParser {
  /// What the reader saw.
  public enum Event: Sendable, Hashable {
    /// A job's lines begin; the events that follow belong to it.
    case job(name: String, line: Int)
    /// An event of the current job's log.
    case log(LogEvent)
    /// gh names the step that starts at this line (the step column changed).
    case stepLabel(name: String, line: Int)
  }

  private let source: String?
  private var splitter = LineSplitter(maximumLineLength: 1 << 20, needles: [])
  private var job: (name: [UInt8], parser: GitHubLogParser, firstLine: Int)?
  private var step: [UInt8] = []
  private var events: [Event] = []
  private var malformedLines = 0

  /// Creates a reader.
  ///
  /// - Parameter source: The input's name, for diagnostics.
  public init(source: String? = nil) {
    self.source = source
  }

  /// Whether `bytes` (the start of an input) look like gh's three-column output.
  public static func looksLikeGhOutput(_ bytes: some Collection<UInt8>) -> Bool {
    let firstLine = bytes.prefix(4096).prefix { $0 != 0x0A }
    let fields = firstLine.split(separator: 0x09, maxSplits: 2, omittingEmptySubsequences: false)
    guard fields.count == 3, !fields[0].isEmpty, !fields[1].isEmpty else { return false }
    var raw = Array(fields[2])
    if raw.starts(with: [0xEF, 0xBB, 0xBF]) { raw.removeFirst(3) }
    return raw.withUnsafeBufferPointer {
      LogTime.timestampLength($0, requireTrailingSpace: false) != nil
    }
  }

  /// Reads the lines that `chunk` completes.
  public mutating func feed(_ chunk: some Collection<UInt8>) -> [Event] {
    var splitter = LineSplitter.placeholder
    swap(&splitter, &self.splitter)
    splitter.feed(chunk) { line in self.consume(line) }
    swap(&splitter, &self.splitter)
    return takeEvents()
  }

  /// Reads the last line and ends the last job.
  public mutating func finish() -> [Event] {
    var splitter = LineSplitter.placeholder
    swap(&splitter, &self.splitter)
    splitter.finish { line in self.consume(line) }
    swap(&splitter, &self.splitter)
    endJob()
    if malformedLines > 0 {
      events.append(
        .log(
          .diagnostic(
            Diagnostic(
              .warning,
              "\(malformedLines) lines do not have gh's job and step columns and were skipped",
              source: source))))
    }
    return takeEvents()
  }

  private mutating func takeEvents() -> [Event] {
    var taken: [Event] = []
    swap(&taken, &events)
    return taken
  }

  private mutating func consume(_ line: LineSplitter.Line) {
    let bytes = line.bytes
    guard let firstTab = bytes.firstIndex(of: 0x09),
      let secondTab = bytes.dropping(firstTab + 1).firstIndex(of: 0x09).map({ $0 + firstTab + 1 })
    else {
      if !bytes.isEmpty { malformedLines += 1 }
      return
    }
    let jobName = bytes.slice(0, firstTab)
    let stepName = bytes.slice(firstTab + 1, secondTab)
    let raw = bytes.dropping(secondTab + 1)
    if job == nil || !(job?.name.elementsEqual(jobName) ?? false) {
      endJob()
      let name = jobName.string
      job = (
        Array(jobName), GitHubLogParser(source: source.map { "\($0) (job \(name))" } ?? name),
        line.number
      )
      step = []
      events.append(.job(name: name, line: line.number))
    }
    if !step.elementsEqual(stepName) {
      step = Array(stepName)
      if !ByteSearch.hasPrefix(stepName, "UNKNOWN STEP") {
        events.append(.stepLabel(name: stepName.string, line: line.number))
      }
    }
    guard var current = job else { return }
    job = nil
    var produced = current.parser.feed(raw)
    produced += current.parser.feed(CollectionOfOne(0x0A))
    let offset = current.firstLine - 1
    for event in produced { events.append(.log(event.shiftingLines(by: offset))) }
    job = current
  }

  private mutating func endJob() {
    guard var current = job else { return }
    job = nil
    let offset = current.firstLine - 1
    for event in current.parser.finish() { events.append(.log(event.shiftingLines(by: offset))) }
  }
}

extension LogEvent {
  /// The same event with its line numbers moved by `offset`.
  func shiftingLines(by offset: Int) -> LogEvent {
    guard offset != 0 else { return self }
    switch self {
    case .jobName(let name, let line): return .jobName(name, line: line + offset)
    case .stepStarted(var start):
      start.line += offset
      return .stepStarted(start)
    case .input(let name, let value, let line):
      return .input(name: name, value: value, line: line + offset)
    case .cache(let cacheLine, let line): return .cache(cacheLine, line: line + offset)
    case .reportedKey(let key, let line): return .reportedKey(key, line: line + offset)
    case .reportedHit(let line): return .reportedHit(line: line + offset)
    case .reportedMiss(let line): return .reportedMiss(line: line + offset)
    case .nextestSummary(let summary, let line):
      return .nextestSummary(summary, line: line + offset)
    case .nextestTest(let test, let line): return .nextestTest(test, line: line + offset)
    case .diagnostic(var diagnostic):
      diagnostic.line = diagnostic.line.map { $0 + offset }
      return .diagnostic(diagnostic)
    case .end: return self
    }
  }
}
