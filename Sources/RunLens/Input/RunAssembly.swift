/// Puts one run together from its inputs: job logs, `gh run view --log` output, the files of a
/// run-logs zip or of a folder, jobs JSON and JUnit XML, each fed as a stream of chunks.
///
/// The caller owns the I/O (opening files, zips, standard input, directories); the assembly
/// owns every decision about the bytes: the kind of each input, told from its content once
/// ``InputKind/decisionLength`` bytes (or the whole input) were seen, whatever the read sizes;
/// which parser reads it; how a zip's step files join into one job; what a read failure means
/// for the report. Nothing fed is dropped silently: a cap that stops reading says so in a
/// diagnostic and marks the report partial.
///
/// Stream inputs go ``beginInput(_:fallbackName:kind:)`` → ``feed(_:)`` … → ``endInput()``
/// (or ``failInput(_:)`` when a read fails). When ``feed(_:)`` answers ``InputKind/zip``, stop
/// feeding: ``divertInput()`` hands back the bytes held so far, and the archive's files are
/// fed job by job: ``beginJob(_:in:)``, then per file ``beginJobFile(_:)``, ``feed(_:)`` …,
/// ``endJobFile(failure:)``, and ``endJob()``; ``RunLogsLayout/plan(_:)`` says which files make
/// which job.
///
/// ```swift
/// var assembly = RunAssembly()
/// assembly.beginInput("job.log")
/// _ = assembly.feed(bytes)
/// assembly.endInput()
/// let report = assembly.build()
/// ```
///
/// - Important: Single-pass: one input (or archive job) at a time, fed in order.
public struct RunAssembly: ~Copyable {
  /// Limits of the assembly.
  public struct Options: Sendable, Hashable {
    /// The most bytes of a JSON input held to parse it (jobs documents and metrics are far
    /// smaller); a larger input that was not named as JSON is read as a log instead.
    public var maximumJSONLength: Int

    /// Creates options.
    public init(maximumJSONLength: Int = 64 << 20) {
      self.maximumJSONLength = maximumJSONLength
    }

    /// 64 MiB of JSON.
    public static let `default` = Options()
  }

  /// An input that could not be read at all, or not to its end.
  public struct Failure: Sendable, Hashable, Error {
    /// The input's name.
    public var source: String
    /// Why, in lowercase words.
    public var reason: String

    /// Creates a failure.
    public init(source: String, reason: String) {
      self.source = source
      self.reason = reason
    }
  }

  /// What is being read now.
  private enum Mode {
    case idle
    case detecting
    case log
    case gh
    case json
    case junit
    /// A zip, which the caller reads (``divertInput()``).
    case zip
    /// A job of an archive, from one or more files.
    case archiveJob
  }

  private let options: Options
  private var mode = Mode.idle
  private var name = ""
  private var fallbackName = ""
  private var forcedKind: InputKind?
  /// The bytes seen before the kind was decided, or a JSON input's bytes.
  private var held: [UInt8] = []
  private var bytesRead: Int64 = 0
  private var lastByte: UInt8 = 0x0A
  private var logParser: GitHubLogParser?
  private var jobBuilder: JobRunBuilder?
  private var ghParser: GhRunLogParser?
  private var ghBuilder: GhRunBuilder?
  private var junitParser: JUnitParser?

  private var jobs: [JobRun] = []
  private var apiJobs: [APIJob] = []
  private var diagnostics: [Diagnostic] = []
  private var tests: TestSummaryBuilder?
  private var truncated = false
  /// Whether the current JSON input was too large and is no longer held.
  private var jsonDropped = false
  /// Inputs that could not be read, in order.
  public private(set) var failures: [Failure] = []
  /// The runs of runlens metrics JSON inputs (what `compare` and `history` read), in order.
  public private(set) var metricsRuns: [RunSample] = []

  /// Creates an empty assembly.
  public init(options: Options = .default) {
    self.options = options
  }

  // MARK: - Stream inputs

  /// Starts reading one input.
  ///
  /// - Parameters:
  ///   - name: The input's name, for diagnostics (`-` for standard input).
  ///   - fallbackName: The job's name when a log does not say it (default: from the file name).
  ///   - kind: The input's kind when the caller knows it (`--junit`, `--jobs`); otherwise it is
  ///     told from the content.
  public mutating func beginInput(
    _ name: String, fallbackName: String? = nil, kind: InputKind? = nil
  ) {
    precondition(mode == .idle, "beginInput while another input is being read")
    self.name = name
    self.fallbackName = fallbackName ?? Self.jobName(fromPath: name)
    forcedKind = kind
    held.removeAll(keepingCapacity: true)
    jsonDropped = false
    bytesRead = 0
    lastByte = 0x0A
    if let kind {
      start(kind)
    } else {
      mode = .detecting
    }
  }

  /// Reads the next bytes of the current input or archive file.
  ///
  /// - Parameter chunk: The next bytes, of any size.
  /// - Returns: The input's kind once it is known (`nil` while too few bytes were seen); on
  ///   ``InputKind/zip`` stop feeding and call ``divertInput()``.
  @discardableResult
  public mutating func feed(_ chunk: some BidirectionalCollection<UInt8>) -> InputKind? {
    bytesRead += Int64(chunk.count)
    if let last = chunk.last { lastByte = last }
    switch mode {
    case .idle, .zip:
      preconditionFailure("feed without beginInput or beginJobFile, or after a zip")
    case .detecting:
      held.append(contentsOf: chunk)
      guard held.count >= InputKind.decisionLength else { return nil }
      decide()
    case .log, .archiveJob:
      jobBuilder?.apply(logParser?.feed(chunk) ?? [])
    case .gh:
      ghBuilder?.apply(ghParser?.feed(chunk) ?? [])
    case .json:
      holdJSON(chunk)
    case .junit:
      feedJUnit(chunk)
    }
    return currentKind
  }

  /// Reads the next bytes of a log whose LF offsets were found beforehand (the CLI's
  /// read-ahead thread finds them while the parse runs); the same as ``feed(_:)`` otherwise.
  @discardableResult
  package mutating func feed(
    _ chunk: UnsafeBufferPointer<UInt8>, lineFeeds: UnsafeBufferPointer<UInt32>?
  ) -> InputKind? {
    guard let lineFeeds, mode == .log || mode == .archiveJob else { return feed(chunk) }
    bytesRead += Int64(chunk.count)
    if let last = chunk.last { lastByte = last }
    jobBuilder?.apply(logParser?.feed(chunk, lineFeeds: lineFeeds) ?? [])
    return currentKind
  }

  /// Tells the current input's kind from the bytes fed so far, at the end of a stream shorter
  /// than ``InputKind/decisionLength``.
  ///
  /// - Returns: The kind; on ``InputKind/zip`` call ``divertInput()``, else ``endInput()``.
  public mutating func decideKind() -> InputKind {
    if mode == .detecting { decide() }
    return currentKind ?? .jobLog
  }

  /// Ends the current input: what it held becomes jobs, a jobs list, tests or diagnostics.
  public mutating func endInput() {
    if mode == .detecting { decide() }
    switch mode {
    case .idle, .detecting, .archiveJob:
      preconditionFailure("endInput without a stream input")
    case .zip:
      // A zip the caller did not divert: nothing of it was read.
      diagnostics.append(Diagnostic(.error, "a zip archive that was not read", source: name))
      truncated = true
      held.removeAll()
    case .log:
      finishLog()
    case .gh:
      finishGh()
    case .json:
      finishJSON()
    case .junit:
      finishJUnit()
    }
    mode = .idle
  }

  /// Ends the current input after a read failed: what was read is kept (a job marked partial),
  /// and the failure is recorded.
  ///
  /// - Parameter reason: Why the read failed, in lowercase words.
  public mutating func failInput(_ reason: String) {
    if mode == .detecting, !held.isEmpty { decide() }
    if mode == .detecting || mode == .zip {
      // Nothing was read: only the failure.
      mode = .idle
      held.removeAll()
      failures.append(Failure(source: name, reason: reason))
      return
    }
    if mode == .log { jobBuilder?.markPartial("\(name) could not be read to its end: \(reason)") }
    truncated = truncated || mode != .log
    endInput()
    failures.append(Failure(source: name, reason: reason))
  }

  /// Ends an input that ``feed(_:)`` called a zip, without reading it.
  ///
  /// - Returns: The bytes fed so far, for a caller that cannot read them again (standard input).
  public mutating func divertInput() -> [UInt8] {
    precondition(mode == .zip, "divertInput for an input that is not a zip")
    mode = .idle
    defer { held.removeAll() }
    return held
  }

  /// Records an input that could not be opened or read at all.
  ///
  /// - Parameters:
  ///   - source: The input's name.
  ///   - reason: Why, in lowercase words.
  public mutating func recordFailure(_ source: String, reason: String) {
    failures.append(Failure(source: source, reason: reason))
  }

  /// Adds a diagnostic about the inputs (a file not read, an archive cut short).
  ///
  /// - Parameters:
  ///   - diagnostic: The diagnostic.
  ///   - dropsInput: Whether input was left unread, which makes the report partial.
  public mutating func add(_ diagnostic: Diagnostic, dropsInput: Bool = false) {
    diagnostics.append(diagnostic)
    truncated = truncated || dropsInput
  }

  // MARK: - Archive jobs

  /// Starts one job of a run-logs zip or folder.
  ///
  /// - Parameters:
  ///   - job: The job and its files, from ``RunLogsLayout/plan(_:)``.
  ///   - archive: The archive's or folder's name.
  public mutating func beginJob(_ job: RunLogsLayout.Job, in archive: String) {
    precondition(mode == .idle, "beginJob while another input is being read")
    // A folder given with its trailing `/` (`run/`) gives `run/1_build.txt`, not `run//…`.
    let separator = archive.hasSuffix("/") ? "" : "/"
    name = "\(archive)\(separator)\(job.files.first?.path ?? job.name)"
    fallbackName = job.name
    bytesRead = 0
    logParser = GitHubLogParser(source: name)
    jobBuilder = JobRunBuilder(source: name, fallbackName: job.name)
    mode = .archiveJob
  }

  /// Starts one file of the current archive job; a step file labels the step it holds.
  ///
  /// - Parameter file: The file, from the job's plan.
  public mutating func beginJobFile(_ file: RunLogsLayout.File) {
    precondition(mode == .archiveJob, "beginJobFile outside a job")
    lastByte = 0x0A
    if let step = file.stepName {
      jobBuilder?.labelStep(step, atLine: (logParser?.lineCount ?? 0) + 1)
    }
  }

  /// Ends one file of the current archive job.
  ///
  /// - Parameters:
  ///   - path: The file's path in the archive, for the diagnostic.
  ///   - failure: Why the file could not be read to its end, if it could not; the job is then
  ///     marked partial.
  public mutating func endJobFile(_ path: String, failure: String? = nil) {
    precondition(mode == .archiveJob, "endJobFile outside a job")
    if let failure {
      diagnostics.append(Diagnostic(.error, failure, source: path))
      jobBuilder?.markPartial("\(path) could not be read to its end: \(failure)")
    }
    // Files are joined line by line: a file that does not end its last line ends it here.
    if lastByte != 0x0A {
      jobBuilder?.apply(logParser?.feed(CollectionOfOne(0x0A)) ?? [])
      lastByte = 0x0A
    }
  }

  /// Ends the current archive job; a job none of whose bytes could be read is only a diagnostic.
  public mutating func endJob() {
    precondition(mode == .archiveJob, "endJob outside a job")
    let events = logParser?.finish() ?? []
    jobBuilder?.apply(events)
    if bytesRead > 0, let builder = jobBuilder { jobs.append(builder.build()) }
    logParser = nil
    jobBuilder = nil
    mode = .idle
  }

  /// Reads the jobs of a run-logs zip or of a folder: plans them from the file paths
  /// (``RunLogsLayout/plan(_:)``) and feeds each job's files in order.
  ///
  /// - Parameters:
  ///   - archive: The zip's or folder's name.
  ///   - paths: Every file path in it, with `/` separators.
  ///   - read: Reads one file, handing each chunk to the function it is given; returns why the
  ///     file could not be read to its end, or `nil`.
  /// - Returns: The paths that are neither job nor step files.
  package mutating func readArchive(
    _ archive: String, paths: [String],
    read: (_ path: String, _ feed: (UnsafeRawBufferPointer) -> Void) -> String?
  ) -> [String] {
    let plan = RunLogsLayout.plan(paths)
    for job in plan.jobs { readJob(job, in: archive, read: read) }
    return plan.others
  }

  /// Reads one job of a run-logs zip or folder, its files in order (see
  /// ``readArchive(_:paths:read:)``).
  package mutating func readJob(
    _ job: RunLogsLayout.Job, in archive: String,
    read: (_ path: String, _ feed: (UnsafeRawBufferPointer) -> Void) -> String?
  ) {
    beginJob(job, in: archive)
    for file in job.files {
      beginJobFile(file)
      let failure = read(file.path) { chunk in self.feed(chunk) }
      endJobFile("\(archive): \(file.path)", failure: failure)
    }
    endJob()
  }

  /// Adds what another assembly read (inputs read on another thread), after what this one read:
  /// joining the parts in input order gives the report a single assembly would give.
  ///
  /// - Parameter other: An assembly with no input in progress and no JUnit file read (test
  ///   results are read by one assembly).
  public mutating func append(_ other: consuming RunAssembly) {
    precondition(mode == .idle && other.mode == .idle, "append while an input is being read")
    jobs += other.jobs
    apiJobs += other.apiJobs
    diagnostics += other.diagnostics
    failures += other.failures
    metricsRuns += other.metricsRuns
    truncated = truncated || other.truncated
    if let theirs = other.tests {
      if tests == nil { tests = theirs }
    }
  }

  /// Whether this assembly has read JUnit XML.
  package var hasTests: Bool { tests != nil }

  // MARK: - The run

  /// The report of everything read: the jobs in input order, merged with the jobs lists read,
  /// the tests of the JUnit files, and every diagnostic.
  ///
  /// - Parameter targets: The thresholds to judge.
  /// - Returns: The report; ``RunReport/isPartial`` when input was left unread.
  public func build(targets: Targets = .default) -> RunReport {
    precondition(mode == .idle, "build while an input is being read")
    let merged = apiJobs.isEmpty ? jobs : RunReport.merge(jobs, with: apiJobs)
    var all = diagnostics
    for failure in failures {
      all.append(Diagnostic(.error, "cannot read: \(failure.reason)", source: failure.source))
    }
    for run in metricsRuns {
      all.append(
        Diagnostic(
          .warning, "runlens metrics JSON, not a log: compare reads it as a run; not reported",
          source: run.source))
    }
    var report = RunReport(
      jobs: merged, junit: tests?.build(), diagnostics: [], targets: targets)
    for name in report.jobsFromUnrelatedRuns {
      let sources = merged.filter { $0.name == name }.compactMap(\.source)
      all.append(
        Diagnostic(
          .warning,
          "job \(name) appears more than once with times that do not overlap (\(sources.joined(separator: ", "))): two runs given as one? the wall time is not computed across them"
        ))
    }
    if merged.isEmpty, tests == nil {
      all.append(Diagnostic(.warning, Self.nothingFound))
    }
    report.diagnostics = all
    report.inputDropped = truncated
    return report
  }

  /// The warning of a report whose inputs held no job log and no test results.
  public static let nothingFound = "no job log was found in the inputs; nothing to report"

  /// Whether any input was read (a job, a jobs list or a JUnit file).
  public var isEmpty: Bool {
    jobs.isEmpty && apiJobs.isEmpty && tests == nil && metricsRuns.isEmpty
  }

  /// The job name a file name suggests: `3_unit (stable).txt` gives `unit (stable)`.
  ///
  /// - Parameter path: A file's path; `-` is standard input.
  /// - Returns: The name without folders, an ordinal prefix, or a `.txt`/`.log` ending.
  package static func jobName(fromPath path: String) -> String {
    guard path != "-" else { return "stdin" }
    var name = Substring(path.split(separator: "/").last ?? Substring(path))
    for suffix in [".txt", ".log"] where name.hasSuffix(suffix) {
      name = name.dropLast(suffix.count)
    }
    if let underscore = name.firstIndex(of: "_"), name[..<underscore].allSatisfy(\.isNumber),
      underscore != name.startIndex
    {
      name = name[name.index(after: underscore)...]
    }
    return name.isEmpty ? path : String(name)
  }

  // MARK: - Internals

  private var currentKind: InputKind? {
    switch mode {
    case .idle, .detecting: return nil
    case .zip: return .zip
    case .log, .archiveJob: return .jobLog
    case .gh: return .ghLog
    case .json: return .json
    case .junit: return .junit
    }
  }

  /// Tells the kind from the bytes held and starts its reader with them.
  private mutating func decide() {
    let kind = InputKind.detect(held)
    if kind == .zip {
      // The caller reads the archive; the bytes stay held for divertInput().
      mode = .zip
      return
    }
    let bytes = held
    held.removeAll(keepingCapacity: kind == .json)
    start(kind)
    guard !bytes.isEmpty else { return }
    switch mode {
    case .log: jobBuilder?.apply(logParser?.feed(bytes) ?? [])
    case .gh: ghBuilder?.apply(ghParser?.feed(bytes) ?? [])
    case .json: holdJSON(bytes)
    case .junit: feedJUnit(bytes)
    case .idle, .detecting, .archiveJob, .zip: break
    }
  }

  private mutating func start(_ kind: InputKind) {
    switch kind {
    case .jobLog, .zip:
      logParser = GitHubLogParser(source: name)
      jobBuilder = JobRunBuilder(source: name, fallbackName: fallbackName)
      mode = .log
    case .ghLog:
      ghParser = GhRunLogParser(source: name)
      ghBuilder = GhRunBuilder(source: name)
      mode = .gh
    case .json:
      mode = .json
    case .junit:
      if tests == nil { tests = TestSummaryBuilder() }
      tests?.beginFile(name)
      junitParser = JUnitParser(source: name)
      mode = .junit
    }
  }

  private mutating func holdJSON(_ chunk: some Collection<UInt8>) {
    if jsonDropped { return }
    guard held.count + chunk.count > options.maximumJSONLength else {
      held.append(contentsOf: chunk)
      return
    }
    if forcedKind == .json {
      // A jobs document named as such that is far too large: stop holding, say so once.
      diagnostics.append(
        Diagnostic(
          .error,
          "over \(options.maximumJSONLength >> 20) MiB: too large for a jobs document; not read",
          source: name))
      truncated = true
      jsonDropped = true
      held = []
      return
    }
    // Too large for the JSON it looked like: it is a log whose first line is JSON.
    diagnostics.append(
      Diagnostic(
        .note,
        "starts like JSON but is over \(options.maximumJSONLength >> 20) MiB; read as a log",
        source: name))
    let bytes = held
    held.removeAll()
    start(.jobLog)
    jobBuilder?.apply(logParser?.feed(bytes) ?? [])
    jobBuilder?.apply(logParser?.feed(chunk) ?? [])
  }

  private mutating func finishLog() {
    jobBuilder?.apply(logParser?.finish() ?? [])
    if let builder = jobBuilder {
      if logParser?.isNotALog ?? false {
        // An empty or binary input is no job: its diagnostics stay, no job is invented.
        diagnostics += builder.build().diagnostics
      } else {
        jobs.append(builder.build())
      }
    }
    logParser = nil
    jobBuilder = nil
  }

  private mutating func finishGh() {
    ghBuilder?.apply(ghParser?.finish() ?? [])
    jobs += ghBuilder?.build() ?? []
    ghParser = nil
    ghBuilder = nil
  }

  private mutating func finishJSON() {
    let bytes = held
    held.removeAll()
    if jsonDropped { return }  // too large, already reported
    // runlens's own metrics name jobs too: they are told apart by their schema version.
    if forcedKind == nil, let run = try? RunSample(metricsJSON: bytes, source: name) {
      metricsRuns.append(run)
      return
    }
    do {
      apiJobs += try JobsAPI.parse(bytes)
    } catch {
      if forcedKind == .json {
        diagnostics.append(Diagnostic(.error, error.message, source: name))
        return
      }
      // Not a jobs document after all: the whole input is read as a log.
      start(.jobLog)
      jobBuilder?.apply(logParser?.feed(bytes) ?? [])
      finishLog()
    }
  }

  private mutating func feedJUnit(_ chunk: some Collection<UInt8>) {
    guard var builder = tests.take() else { return }
    if let error = junitParser?.feed(chunk, into: &builder) {
      diagnostics.append(error.diagnostic)
    }
    tests = builder
  }

  private mutating func finishJUnit() {
    guard var builder = tests.take() else { return }
    if let error = junitParser?.finish(into: &builder) {
      diagnostics.append(error.diagnostic)
    }
    if let root = junitParser?.foreignRoot {
      diagnostics.append(
        Diagnostic(
          .warning,
          "the root element is <\(root)>, not <testsuites> or <testsuite>: not a JUnit file; no test read",
          source: name))
    }
    tests = builder
    junitParser = nil
  }
}
