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
package struct GhRunLogParser {
  /// What the reader saw.
  package enum Event: Sendable, Hashable {
    /// A job's lines begin; the events that follow belong to it.
    case job(name: String, line: Int)
    /// An event of the current job's log.
    case log(LogEvent)
    /// gh names the step that starts at this line (the step column changed).
    case stepLabel(name: String, line: Int)
  }

  private let source: String?
  private var splitter = LineSplitter(
    maximumLineLength: 1 << 20, needles: [], splitsOnLoneCR: false)
  /// The gh line of the previous raw line, for events about it (a step header is confirmed by
  /// the line after it).
  private var previousLine = 0
  /// The current job's name column; `nil` before the first job and after the last.
  private var jobName: [UInt8]?
  /// The current job's parser: a stored value, fed where it stands (in an optional, each feed
  /// moved all of its state out and back in).
  private var jobParser = GitHubLogParser()
  private var step: [UInt8] = []
  /// Room for a raw line and its LF, fed to the job's parser in one call.
  private var rawLine: [UInt8] = []
  private var events: [Event] = []
  private var malformedLines = 0

  /// Creates a reader.
  ///
  /// - Parameter source: The input's name, for diagnostics.
  package init(source: String? = nil) {
    self.source = source
  }

  /// Whether `bytes` (the start of an input) look like gh's three-column output.
  package static func looksLikeGhOutput(_ bytes: some Collection<UInt8>) -> Bool {
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
  package mutating func feed(_ chunk: some Collection<UInt8>) -> [Event] {
    var splitter = LineSplitter.placeholder
    swap(&splitter, &self.splitter)
    splitter.feed(chunk) { line in self.consume(line) }
    swap(&splitter, &self.splitter)
    return takeEvents()
  }

  /// Reads the last line and ends the last job.
  package mutating func finish() -> [Event] {
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
    var bytes = line.bytes
    if bytes.last == 0x0D { bytes = bytes.slice(0, bytes.count - 1) }
    if bytes.count >= 3, bytes[0] == 0xEF, bytes[1] == 0xBB, bytes[2] == 0xBF {
      bytes = bytes.dropping(3)
    }
    // The columns' tabs found with `memchr`, not a loop per byte.
    let firstTab = ByteSearch.index(of: 0x09, in: bytes, from: 0, to: bytes.count)
    let secondTab = ByteSearch.index(of: 0x09, in: bytes, from: firstTab + 1, to: bytes.count)
    guard secondTab < bytes.count else {
      if !bytes.isEmpty { malformedLines += 1 }
      return
    }
    let jobColumn = bytes.slice(0, firstTab)
    let stepColumn = bytes.slice(firstTab + 1, secondTab)
    let raw = bytes.dropping(secondTab + 1)
    if !(jobName.map { ByteSearch.equal(jobColumn, $0) } ?? false) {
      endJob()
      let name = jobColumn.string
      jobName = Array(jobColumn)
      jobParser = GitHubLogParser(source: source.map { "\($0) (job \(name))" } ?? name)
      step = []
      events.append(.job(name: name, line: line.number))
    }
    if !ByteSearch.equal(stepColumn, step) {
      step = Array(stepColumn)
      if !ByteSearch.hasPrefix(stepColumn, "UNKNOWN STEP") {
        events.append(.stepLabel(name: stepColumn.string, line: line.number))
      }
    }
    // One gh line may hold several raw lines (a lone CR inside it): events about the raw lines
    // from this one on belong to this gh line, earlier ones to the previous gh line.
    let firstInner = jobParser.lineCount + 1
    // The raw line and its LF, copied with one memcpy into a buffer kept from line to line
    // (an array's append(contentsOf:) of a buffer slice costs several times that).
    var buffer: [UInt8] = []
    swap(&buffer, &rawLine)
    if buffer.count <= raw.count { buffer = [UInt8](repeating: 0, count: max(raw.count + 1, 256)) }
    let produced: [LogEvent] = buffer.withUnsafeMutableBufferPointer { buffer in
      guard let target = buffer.baseAddress else { return [] }
      if let source = raw.baseAddress { target.update(from: source, count: raw.count) }
      target[raw.count] = 0x0A
      return jobParser.feed(UnsafeBufferPointer(rebasing: buffer[0...raw.count]))
    }
    swap(&buffer, &rawLine)
    let previous = previousLine
    for event in produced {
      events.append(.log(event.mappingLines { $0 >= firstInner ? line.number : previous }))
    }
    previousLine = line.number
  }

  private mutating func endJob() {
    guard jobName != nil else { return }
    jobName = nil
    let last = previousLine
    for event in jobParser.finish() { events.append(.log(event.mappingLines { _ in last })) }
    // The finished parser's state is not kept.
    jobParser = GitHubLogParser()
  }

}

extension LogEvent {
  /// The same event with its line numbers mapped by `map`.
  func mappingLines(_ map: (Int) -> Int) -> LogEvent {
    switch self {
    case .jobName(let name, let line): return .jobName(name, line: map(line))
    case .stepStarted(var start):
      start.line = map(start.line)
      return .stepStarted(start)
    case .input(let name, let value, let line):
      return .input(name: name, value: value, line: map(line))
    case .cache(let cacheLine, let line): return .cache(cacheLine, line: map(line))
    case .reportedKey(let key, let line): return .reportedKey(key, line: map(line))
    case .reportedHit(let line): return .reportedHit(line: map(line))
    case .reportedMiss(let line): return .reportedMiss(line: map(line))
    case .nextestSummary(let summary, let line): return .nextestSummary(summary, line: map(line))
    case .nextestTest(let test, let line): return .nextestTest(test, line: map(line))
    case .stepEnded(let ending, let line): return .stepEnded(ending, line: map(line))
    case .build(let buildLine, let line): return .build(buildLine, line: map(line))
    case .diagnostic(var diagnostic):
      diagnostic.line = diagnostic.line.map(map)
      return .diagnostic(diagnostic)
    case .end: return self
    }
  }

}
