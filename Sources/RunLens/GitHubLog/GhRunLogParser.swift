/// A streaming reader of `gh run view --log` (and `--log-failed`) output.
///
/// Each line is `JOB<TAB>STEP<TAB>RAW LINE`, jobs one after the other; the raw line is a job-log
/// line with its timestamp (the first line of each step segment may start with a BOM, and a raw
/// line may itself contain tabs, so only the first two split). The reader hands each job's raw
/// lines to its own ``GitHubLogParser`` and reports the step column as labels; a step column of
/// `UNKNOWN STEP` (gh's fallback when the run-logs zip has no step files) gives none.
///
/// Line numbers in the events are lines of the gh output, not of the job: each job line is
/// mapped to the gh line that held it (``LineMap``).
///
/// A job's raw lines are fed to its parser in batches (the lines of one job and step column,
/// up to ``batchLimit`` bytes, or what a feed completes): one call per batch instead of one per
/// line, which cost about 900 instructions a line. A raw line that holds a CR is fed alone,
/// since the job's parser may split it at a lone CR into several job lines, all on its gh line.
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

  /// The bytes of raw lines gathered before they are fed to the job's parser.
  static let batchLimit = 64 << 10

  private let source: String?
  private var splitter = LineSplitter(
    maximumLineLength: 1 << 20, needles: [], splitsOnLoneCR: false)
  /// The gh line of the previous raw line: the line of the events of the job's end.
  private var previousLine = 0
  /// The current job's name column; `nil` before the first job and after the last.
  private var jobName: [UInt8]?
  /// The current job's parser: a stored value, fed where it stands (in an optional, each feed
  /// moved all of its state out and back in).
  private var jobParser = GitHubLogParser()
  /// The gh line of each line of the current job.
  private var lineMap = LineMap()
  private var step: [UInt8] = []
  /// The job column, a tab, the step column and a tab, as the current lines start; empty
  /// before the first job.
  private var columns: [UInt8] = []
  /// Raw lines, each with its LF, not yet fed to the job's parser: `batchCount` bytes of
  /// `batch`, `batchedLines` lines.
  private var batch: [UInt8] = []
  private var batchCount = 0
  private var batchedLines = 0
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
    feedBatch()
    return takeEvents()
  }

  /// Reads the last line and ends the last job.
  package mutating func finish() -> [Event] {
    var splitter = LineSplitter.placeholder
    swap(&splitter, &self.splitter)
    splitter.finish { line in self.consume(line) }
    swap(&splitter, &self.splitter)
    feedBatch()
    endJob()
    batch = []
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
    // Most lines repeat the previous line's columns: one compare with them (neither holds a
    // tab, so the line's first two tabs end them) instead of two searches and two compares.
    if !columns.isEmpty, bytes.count >= columns.count,
      ByteSearch.equal(bytes.slice(0, columns.count), columns)
    {
      batchRawLine(bytes.dropping(columns.count), line: line.number)
      return
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
      feedBatch()
      endJob()
      let name = jobColumn.string
      jobName = Array(jobColumn)
      jobParser = GitHubLogParser(source: source.map { "\($0) (job \(name))" } ?? name)
      lineMap = LineMap()
      step = []
      events.append(.job(name: name, line: line.number))
    }
    if !ByteSearch.equal(stepColumn, step) {
      // The label follows the events of the lines before it.
      feedBatch()
      step = Array(stepColumn)
      if !ByteSearch.hasPrefix(stepColumn, "UNKNOWN STEP") {
        events.append(.stepLabel(name: stepColumn.string, line: line.number))
      }
    }
    columns = Array(bytes.prefix(secondTab + 1))
    batchRawLine(raw, line: line.number)
  }

  /// Takes the raw line of gh line `line` of the current job and step into the batch.
  private mutating func batchRawLine(_ raw: UnsafeBufferPointer<UInt8>, line: Int) {
    let jobLine = jobParser.lineCount + batchedLines + 1
    previousLine = line
    if ByteSearch.index(of: 0x0D, in: raw, from: 0, to: raw.count) < raw.count {
      // The job's parser may end a line at a lone CR: the raw line is fed alone, and every job
      // line it gives is on this gh line. (The batch before it is fed first, before the run
      // could drop old runs.)
      feedBatch()
      lineMap.add(jobLine: jobLine, ghLine: line, oneGhLine: true)
      append(raw)
      feedBatch()
      return
    }
    if lineMap.isFull, lineMap.startsRun(jobLine: jobLine, ghLine: line) {
      // The run would drop old runs: the batch's events are mapped first, while their lines'
      // runs are kept, so that where a batch ends never changes a line.
      feedBatch()
    }
    lineMap.add(jobLine: jobLine, ghLine: line, oneGhLine: false)
    append(raw)
    if batchCount >= Self.batchLimit { feedBatch() }
  }

  /// Appends a raw line and its LF to the batch, with one copy (an array's
  /// `append(contentsOf:)` of a buffer costs several times that).
  private mutating func append(_ raw: UnsafeBufferPointer<UInt8>) {
    let start = batchCount
    let needed = start + raw.count + 1
    if needed > batch.count {
      // At most the limit plus one line (below gh's splitter's 1 MiB cap).
      let capacity = max(needed, Self.batchLimit + 4096, batch.count * 2)
      batch.append(contentsOf: repeatElement(0, count: capacity - batch.count))
    }
    batch.withUnsafeMutableBufferPointer { buffer in
      let target = buffer.baseAddress.unsafelyUnwrapped + start
      if let from = raw.baseAddress { target.update(from: from, count: raw.count) }
      target[raw.count] = 0x0A
    }
    batchCount = needed
    batchedLines += 1
  }

  /// Feeds the batch to the job's parser; its events' job lines become gh lines.
  private mutating func feedBatch() {
    guard batchCount > 0 else { return }
    var bytes: [UInt8] = []
    swap(&bytes, &batch)
    let count = batchCount
    let produced = bytes.withUnsafeBufferPointer { bytes in
      jobParser.feed(UnsafeBufferPointer(rebasing: bytes[0..<count]))
    }
    swap(&bytes, &batch)
    batchCount = 0
    batchedLines = 0
    for event in produced {
      events.append(.log(event.mappingLines { lineMap.ghLine(of: $0) }))
    }
  }

  private mutating func endJob() {
    guard jobName != nil else { return }
    jobName = nil
    columns = []
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

/// Where a job's lines stand in gh's output: runs of job lines on consecutive gh lines, or all
/// on one gh line (a gh line that held a CR, which the job's parser may split).
///
/// A run starts where a job line does not follow the previous one in gh's output: after a gh
/// line without columns (skipped), or around a gh line that held a CR. Most jobs are one run.
/// At most ``limit`` runs are kept (the newest), so that input made of such lines holds no
/// more memory than that; a line before the oldest kept run maps to that run's first gh line.
/// The reader maps a batch's events before a run that drops old ones is added, so the runs
/// dropped depend on the input alone, never on where a batch ended.
struct LineMap {
  static let limit = 4096

  private struct Run {
    var jobLine: Int
    var ghLine: Int
    var oneGhLine: Bool
  }

  private var runs: [Run] = []
  /// The job line and gh line that continue the last run.
  private var nextJobLine = -1
  private var nextGhLine = -1

  /// Whether adding a run drops old runs.
  var isFull: Bool { runs.count == Self.limit }

  /// Whether job line `jobLine` on gh line `ghLine` (alone on it) starts a run.
  func startsRun(jobLine: Int, ghLine: Int) -> Bool {
    jobLine != nextJobLine || ghLine != nextGhLine
  }

  /// Records that job line `jobLine` is on gh line `ghLine`.
  ///
  /// When `oneGhLine`, it is the first of several job lines on that gh line. Job lines come in
  /// order.
  @inline(__always)
  mutating func add(jobLine: Int, ghLine: Int, oneGhLine: Bool) {
    if !oneGhLine, jobLine == nextJobLine, ghLine == nextGhLine {
      nextJobLine += 1
      nextGhLine += 1
      return
    }
    if runs.count == Self.limit { runs.removeFirst(Self.limit / 2) }
    runs.append(Run(jobLine: jobLine, ghLine: ghLine, oneGhLine: oneGhLine))
    // After a gh line of several job lines, the next job line starts a run of its own.
    nextJobLine = oneGhLine ? -1 : jobLine + 1
    nextGhLine = oneGhLine ? -1 : ghLine + 1
  }

  /// The gh line of job line `jobLine`.
  func ghLine(of jobLine: Int) -> Int {
    // The last run that starts at or before the line.
    var low = 0
    var high = runs.count
    while low < high {
      let middle = (low + high) / 2
      if runs[middle].jobLine <= jobLine { low = middle + 1 } else { high = middle }
    }
    guard low > 0 else { return runs.first?.ghLine ?? 0 }
    let run = runs[low - 1]
    return run.oneGhLine ? run.ghLine : run.ghLine + (jobLine - run.jobLine)
  }
}
