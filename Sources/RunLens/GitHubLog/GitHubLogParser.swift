import CByteScan

/// A streaming reader of one GitHub Actions job log (the raw text the runner stores).
///
/// Feed it the log in chunks of any size and it returns what it saw as ``LogEvent``s: steps,
/// header inputs, cache lines, echoed cache keys and diagnostics. It holds at most one line
/// (capped by ``Options/maximumLineLength``), so memory does not grow with the input. Most
/// lines are rejected after a timestamp check and a one-byte test; only lines that can matter
/// are decoded.
///
/// What it knows of the format (see the README's "Input formats"):
/// - A UTF-8 BOM may start any line and is dropped; lines end at LF, CRLF or a lone CR.
/// - Runner lines start with `YYYY-MM-DDTHH:MM:SS.fffffffZ `; a line without a timestamp in a
///   timestamped log continues the previous line's message. A log without any timestamps
///   (output captured with `tee`) is read the same way, with unknown times.
/// - A step starts at a top-level `##[group]Run …` header, `Post job cleanup.` or
///   `Cleaning up orphan processes`. The header, up to its `##[endgroup]`, shows the step's
///   inputs and script, never its output, so echo lines in it are not counted.
/// - ANSI colour codes, also written in caret notation (`^[[36;1m`), are ignored for matching.
///
/// - Important: Single-pass and not thread-safe: one owner feeds it in order, then calls
///   ``finish()`` once.
package struct GitHubLogParser {
  /// Limits of the reader.
  package struct Options: Sendable, Hashable {
    /// The longest line kept, in bytes; longer lines are cut with a diagnostic.
    package var maximumLineLength: Int
    /// The longest input value or key kept, in bytes.
    package var maximumValueLength: Int
    /// The most diagnostics of one kind reported per input before they are summarised.
    package var maximumRepeatedDiagnostics: Int

    /// Creates options.
    package init(
      maximumLineLength: Int = 1 << 20, maximumValueLength: Int = 8 << 10,
      maximumRepeatedDiagnostics: Int = 10
    ) {
      self.maximumLineLength = maximumLineLength
      self.maximumValueLength = maximumValueLength
      self.maximumRepeatedDiagnostics = maximumRepeatedDiagnostics
    }

    /// A 1 MiB line cap, 8 KiB values, 10 repeated diagnostics.
    package static let `default` = Options()
  }

  private enum State {
    /// Nothing read yet.
    case start
    /// Inside a step's `##[group]Run` header.
    case header
    /// Step output (or the set-up block).
    case output
  }

  enum Needle {
    static let escape: UInt32 = 1 << 0
    static let caret: UInt32 = 1 << 1
    static let cacheKey: UInt32 = 1 << 2
    static let upperCache: UInt32 = 1 << 3
    /// A marked line that holds neither `K` nor `H` (``letters``): no needle can appear in it
    /// even once its escape sequences are stripped, so a coloured line need not be searched for
    /// a needle that they split.
    static let withoutLetters = LineSplitter.withoutLetters
    /// A letter of each needle that escape sequences may split (`Cache Key:`, `CACHE `).
    static let letters: [UInt8] = [UInt8(ascii: "K"), UInt8(ascii: "H")]
    /// Each needle with the index of its rarest byte, which `memchr` looks for.
    static let all: [LineSplitter.Needle] = [
      LineSplitter.Needle([0x1B], anchor: 0),
      LineSplitter.Needle(Array("^[".utf8), anchor: 0),
      LineSplitter.Needle(Array("Cache Key:".utf8), anchor: 6),
      LineSplitter.Needle(Array("CACHE ".utf8), anchor: 3),
    ]
  }

  private let options: Options
  private let source: String?
  private var splitter: LineSplitter
  private var events: [LogEvent] = []
  private var state = State.start
  private var foldDepth = 0
  /// What the next line is expected to carry, as a cache action announced it.
  private var expectation = CacheActions.FollowUp.none
  private var hadTimestamps = false
  private var currentStepIsSetupAction = false
  /// After nextest's summary line: its final status list follows.
  private var inNextestFinalList = false
  private var pendingInput: (name: String, value: [UInt8], line: Int)?
  /// A `##[group]Run …` line whose meaning the next line decides: a step header is followed by
  /// its script (cyan), `with:`, `shell:`, `env:` or `##[endgroup]`; anything else makes it a
  /// fold that a step printed in its own output.
  private var pendingHeader: (text: [UInt8], line: Int, time: LogTime?)?
  /// The cache-action family of the current step's action.
  private var currentFamily: CacheActions.Family?
  private var firstTime: LogTime?
  private var inWithBlock = false
  private var lastTimestamp = TimestampBytes()
  /// The line of ``lastTimestamp``, and the last line whose timestamp was reported out of range.
  private var lastTimestampLine = 0
  private var reportedTimestampLine = 0
  private var outOfRangeTimestamps = 0
  /// ``firstByteTable``, held here so that a line's test is a load, not a lazy-global check;
  /// widened by the first bytes of Nix's lines once a step names Nix (``Nix/mentionsNix(_:)``)
  /// and of the compiler caches' rows once a step names one.
  private var firstByteRules = Self.firstByteTable
  /// Whether a step of this job named Nix: Nix's lines are read from then on.
  private var readsNix = false
  /// Whether the last Nix line announced a list without a count (Nix ≤ 2.3): only then are
  /// its `  /nix/store/…` entries counted, and read.
  private var nixListOpen = false {
    didSet { readsIndentedRows = nixListOpen || readsCompilerCaches }
  }
  /// Whether an indented line other than cargo's may matter: a Nix list is open, or a step
  /// named a compiler cache (``nixListOpen`` or ``readsCompilerCaches``, kept in one flag so
  /// that an indented line tests one byte).
  private var readsIndentedRows = false
  /// The run of `copying path` lines from one substituter not yet reported: its URI, the paths
  /// and the line of the last.
  private var nixCopies: (uri: [UInt8], paths: Int, line: Int) = ([], 0, 0)
  /// The vertices of the current BuildKit build, so that only the lines that count become
  /// events.
  private var buildKitVertices = BuildKit.Vertices()
  /// The line of the last BuildKit line counted in ``buildKitVertices``.
  private var buildKitLine = 0
  /// cargo's frequent lines, counted here and reported once per step (``flushCargoCounts()``).
  private var cargoCounts = Cargo.Counts()
  private var cargoCountsLine = 0
  /// Whether a step of this job named ccache or sccache: their tables are read from then on.
  private var readsCompilerCaches = false {
    didSet { readsIndentedRows = nixListOpen || readsCompilerCaches }
  }
  /// Whether the current step started a BuildKit build (``BuildKit/mayStartBuild(_:)``): its
  /// `#N …` lines are read until the step ends.
  private var readsBuildKit = false
  /// The cache-line patterns, held here for the same reason (four pointers).
  private let cacheLines = CacheLineMatcher.table
  private var byteCount: Int64 = 0
  private var firstNUL: Int64?
  private var cutLines = 0
  private var invalidUTF8Lines = 0
  private var scratch: [UInt8] = []
  /// Room for the marked line ends of a piece of a chunk (``feed(_:)``).
  private var lineFeedScratch: [UInt32] = []
  /// Whether ``feed(_:)`` finds line ends and needles with the vectorised scan (CByteScan),
  /// or with the splitter's own search in Swift: the same events either way, which the tests
  /// and the fuzz harness check by setting this to `false`.
  package var usesVectorisedScan = true

  /// Creates a reader.
  ///
  /// - Parameters:
  ///   - source: The name of the input, used in diagnostics.
  ///   - options: Limits of the reader.
  package init(source: String? = nil, options: Options = .default) {
    self.source = source
    self.options = options
    self.splitter = LineSplitter(maximumLineLength: options.maximumLineLength, needles: Needle.all)
  }

  /// Reads the lines that `chunk` completes.
  ///
  /// - Parameter chunk: The next bytes of the log, of any size.
  /// - Returns: The events of the lines completed by this chunk, in log order.
  package mutating func feed(_ chunk: some Collection<UInt8>) -> [LogEvent] {
    noteStart(chunk)
    var splitter = LineSplitter.placeholder
    swap(&splitter, &self.splitter)
    let marked: Void? =
      usesVectorisedScan
      ? chunk.withContiguousStorageIfAvailable { bytes in feedMarked(bytes, splitter: &splitter) }
      : nil
    if marked == nil {
      splitter.feed(chunk) { line in self.consume(line) }
    }
    swap(&splitter, &self.splitter)
    return takeEvents()
  }

  /// The bytes of a chunk marked in one vectorised pass (``lineFeeds(in:into:timestamps:)``), a
  /// piece of ``markedPiece`` bytes at a time, and split by the marks: cheaper than the
  /// splitter's own `memchr` search for each line end and needle.
  private mutating func feedMarked(
    _ bytes: UnsafeBufferPointer<UInt8>, splitter: inout LineSplitter
  ) {
    var offsets: [UInt32] = []
    swap(&offsets, &lineFeedScratch)
    // Room for the largest piece fed so far, grown by doubling: a parser fed small chunks
    // (each job of `gh run view --log` output gets its lines one at a time) keeps a small
    // buffer instead of zeroing 64 KiB for each job.
    let needed = min(bytes.count, Self.markedPiece)
    if offsets.count < needed {
      offsets = [UInt32](
        repeating: 0, count: min(max(needed, 2 * offsets.count, 64), Self.markedPiece))
    }
    offsets.withUnsafeMutableBufferPointer { offsets in
      let base = offsets.baseAddress.unsafelyUnwrapped
      var start = 0
      while start < bytes.count {
        let piece = bytes.slice(start, start + Self.markedPiece)
        let count = Self.lineFeeds(in: piece, into: base, timestamps: false)
        splitter.feed(piece, lineFeeds: UnsafeBufferPointer(start: base, count: count)) { line in
          self.consume(line)
        }
        start += piece.count
      }
    }
    swap(&offsets, &lineFeedScratch)
  }

  /// The bytes marked at a time by ``feed(_:)``: the room for their offsets is four times as
  /// many bytes, kept from chunk to chunk.
  private static let markedPiece = 16 << 10

  /// Reads the lines that `chunk` completes, given the offsets of its LF bytes.
  ///
  /// The same as ``feed(_:)``, for a reader that found the line ends beforehand on another
  /// thread (the CLI's read-ahead does): the parse then does not search for them, nor for the
  /// needles of a marked line.
  ///
  /// - Parameters:
  ///   - chunk: The next bytes of the log, shorter than 16 MiB.
  ///   - lineFeeds: The offset in `chunk` of every LF byte, in ascending order, as
  ///     ``lineFeeds(in:into:timestamps:)`` gives them (an offset may also be unmarked).
  /// - Returns: The events of the lines completed by this chunk, in log order.
  package mutating func feed(
    _ chunk: UnsafeBufferPointer<UInt8>, lineFeeds: UnsafeBufferPointer<UInt32>
  ) -> [LogEvent] {
    precondition(chunk.count <= Int(LineSplitter.Mark.offset), "a chunk of 16 MiB or more")
    noteStart(chunk)
    var splitter = LineSplitter.placeholder
    swap(&splitter, &self.splitter)
    splitter.feed(chunk, lineFeeds: lineFeeds) { line in self.consume(line) }
    swap(&splitter, &self.splitter)
    return takeEvents()
  }

  /// The offsets of every LF byte of `bytes`, for ``feed(_:lineFeeds:)``, each marked with the
  /// needles of the text it ends, whether it holds a needle's letter and, when asked, whether it
  /// starts with a runner timestamp
  /// (``LineSplitter/markNeedles(_:in:lineFeeds:count:timestamps:letters:)``): a reader finds
  /// them with the line ends, and the parse then does not search for them in most lines.
  ///
  /// - Parameters:
  ///   - bytes: A chunk shorter than 16 MiB.
  ///   - offsets: Room for `bytes.count` offsets.
  ///   - timestamps: Whether to test each line for a runner timestamp too, so that the parse
  ///     need not: for a read-ahead thread when lines are short, the parse (whose cost is per
  ///     line) then being the slower thread. On the thread that parses it saves nothing.
  /// - Returns: How many offsets were written.
  package static func lineFeeds(
    in bytes: UnsafeBufferPointer<UInt8>, into offsets: UnsafeMutablePointer<UInt32>,
    timestamps: Bool
  ) -> Int {
    precondition(bytes.count <= Int(LineSplitter.Mark.offset), "a chunk of 16 MiB or more")
    guard let base = bytes.baseAddress else { return 0 }
    // One vectorised pass for the line ends and the needles (``Needle/all``); a test checks
    // it against LineSplitter's `memchr` passes.
    let count = runlens_mark_log_lines(base, bytes.count, offsets)
    if timestamps {
      LineSplitter.markTimestamps(in: bytes, lineFeeds: offsets, count: count)
    }
    return count
  }

  /// Counts the bytes and looks for a NUL in the first 8 KiB (a binary file).
  private mutating func noteStart(_ chunk: some Collection<UInt8>) {
    if byteCount < 8192, firstNUL == nil {
      let limit = Int(8192 - byteCount)
      let found: Int?? = chunk.withContiguousStorageIfAvailable { bytes in
        let end = min(limit, bytes.count)
        let at = ByteSearch.index(of: 0, in: bytes, from: 0, to: end)
        return at < end ? at : nil
      }
      let offset =
        found
        ?? chunk.prefix(limit).firstIndex(of: 0).map {
          chunk.distance(from: chunk.startIndex, to: $0)
        }
      if let offset { firstNUL = byteCount + Int64(offset) }
    }
    byteCount += Int64(chunk.count)
  }

  /// Reads the last line (one without a terminator) and reports the end of the input.
  ///
  /// - Returns: The remaining events, ending with ``LogEvent/end(_:)``.
  package mutating func finish() -> [LogEvent] {
    var splitter = LineSplitter.placeholder
    swap(&splitter, &self.splitter)
    splitter.finish { line in self.consume(line) }
    swap(&splitter, &self.splitter)
    if pendingHeader != nil {
      resolvePendingHeader(next: nil, isContinuation: false)
    }
    flushInput()
    flushCargoCounts()
    flushNixCopies()
    flushBuildKit()
    let lineCount = self.splitter.lineCount
    if cutLines > options.maximumRepeatedDiagnostics {
      diagnose(.warning, "\(cutLines - options.maximumRepeatedDiagnostics) more lines were cut")
    }
    if invalidUTF8Lines > options.maximumRepeatedDiagnostics {
      diagnose(
        .note,
        "\(invalidUTF8Lines - options.maximumRepeatedDiagnostics) more lines had invalid UTF-8")
    }
    if byteCount == 0 {
      diagnose(.warning, "empty input")
    } else if let firstNUL {
      diagnose(
        .error,
        "input looks binary (a NUL byte at offset \(firstNUL)); it is not a job log")
    } else if !hadTimestamps {
      diagnose(.note, "no line has a runner timestamp; times and durations are unknown")
    }
    events.append(
      .end(
        LogEvent.EndOfLog(
          firstTime: firstTime, lastTime: lastTime(), lineCount: lineCount,
          byteCount: byteCount, hadTimestamps: hadTimestamps)))
    return takeEvents()
  }

  /// The number of lines read so far.
  package var lineCount: Int { splitter.lineCount }

  /// Whether the input had no byte, or a NUL byte in its first 8 KiB: not a job log at all.
  package var isNotALog: Bool { byteCount == 0 || firstNUL != nil }

  /// The bytes held for the line in progress; stays below the line cap plus one chunk.
  var bufferedByteCount: Int { splitter.bufferedByteCount }

  private mutating func takeEvents() -> [LogEvent] {
    var taken: [LogEvent] = []
    swap(&taken, &events)
    return taken
  }

  private mutating func diagnose(
    _ severity: Diagnostic.Severity, _ message: String, line: Int? = nil
  ) {
    events.append(.diagnostic(Diagnostic(severity, message, source: source, line: line)))
  }

  // MARK: - Lines

  private mutating func consume(_ line: LineSplitter.Line) {
    var bytes = line.bytes
    if line.wasCut {
      cutLines += 1
      if cutLines <= options.maximumRepeatedDiagnostics {
        diagnose(
          .warning,
          "line is longer than \(options.maximumLineLength) bytes; only its start was read",
          line: line.number)
      }
    }
    if bytes.count >= 3, bytes[0] == 0xEF, bytes[1] == 0xBB, bytes[2] == 0xBF {
      bytes = bytes.dropping(3)
    }
    var time: Int?
    if let length =
      line.startsWithRunnerTimestamp
      ? 29 : LogTime.timestampLength(bytes, requireTrailingSpace: true)
    {
      time = length
      lastTimestamp.store(bytes, length: length)
      lastTimestampLine = line.number
      bytes = bytes.dropping(length)
      if !hadTimestamps {
        hadTimestamps = true
        firstTime = lastTime()
      }
    }
    let isContinuation = time == nil && hadTimestamps
    if state == .start {
      guard !bytes.isEmpty else { return }
      startFirstStep(bytes, line: line.number)
    }
    if pendingHeader != nil {
      resolvePendingHeader(next: bytes, isContinuation: isContinuation)
    }
    if state == .header {
      headerLine(bytes, isContinuation: isContinuation, line: line.number)
      return
    }
    guard !bytes.isEmpty else {
      expectation = .none
      return
    }
    if line.needles & (Needle.escape | Needle.caret) != 0 {
      colouredLine(bytes, needles: line.needles, line: line.number)
    } else if bytes[0] == UInt8(ascii: "#"), readsBuildKit,
      line.needles & ~Needle.withoutLetters == 0,
      expectation == .none, BuildKit.isCandidate(bytes)
    {
      // A line of a running build, most of a BuildKit log: a row (`#13 185.6    Compiling
      // …`) or a step line or verdict. What ``outputLine(_:needles:line:)`` would do with
      // it, without the call.
      let verb = BuildKit.verbIndex(bytes)
      if verb > 0 { buildKitLine(bytes, verb: verb, line: line.number) }
    } else {
      outputLine(bytes, needles: line.needles, line: line.number)
    }
  }

  /// An output line with escape sequences: decided in place from its first plain bytes, and
  /// copied without its escapes only when ``outputLine(_:needles:line:)`` would read it.
  ///
  /// The tests here are the ones ``outputLine(_:needles:line:)`` makes before it reads
  /// anything (the first-byte table, cargo's and nextest's columns, Nix's and the compiler
  /// caches' heads), made on ``ANSI/Scan/prefix``; a needle counts when the line holds it or
  /// it may span an escape (``ANSI/Scan/mayJoinNeedle``). A cargo `Running` line, a test's
  /// `ok` and a coloured prompt cost a scan of their escapes and no copy.
  @inline(never)
  private mutating func colouredLine(
    _ bytes: UnsafeBufferPointer<UInt8>, needles: UInt32, line: Int
  ) {
    let carets = needles & Needle.caret != 0
    let scan = ANSI.scan(
      bytes, carets: carets, mayHoldNeedle: needles & Needle.withoutLetters == 0)
    guard scan.plainCount > 0 else {
      expectation = .none
      return
    }
    var plainNeedles = needles & (Needle.cacheKey | Needle.upperCache)
    if scan.mayJoinNeedle { plainNeedles = Needle.cacheKey | Needle.upperCache }
    if expectation == .none, plainNeedles == 0, !currentStepIsSetupAction {
      var prefix = scan.prefix
      let read = withUnsafeBytes(of: &prefix) { raw in
        let head = UnsafeBufferPointer(
          start: raw.baseAddress.unsafelyUnwrapped.assumingMemoryBound(to: UInt8.self),
          count: min(scan.plainCount, ANSI.prefixLength))
        return mayRead(head, plainCount: scan.plainCount)
      }
      guard read else { return }
    }
    if scratch.count < bytes.count {
      scratch = [UInt8](repeating: 0, count: max(bytes.count, 1024))
    }
    var stripped: [UInt8] = []
    swap(&stripped, &scratch)
    stripped.withUnsafeMutableBufferPointer { buffer in
      let count = ANSI.strip(bytes, carets: carets, into: buffer)
      outputLine(
        UnsafeBufferPointer(start: buffer.baseAddress, count: count), needles: plainNeedles,
        line: line)
    }
    swap(&stripped, &scratch)
  }

  /// Whether ``outputLine(_:needles:line:)`` reads a line whose plain text starts with
  /// `head` (its first ``ANSI/prefixLength`` bytes), when no needle, expectation or set-up
  /// action is in play: what its early returns test, on the head.
  @inline(__always)
  private func mayRead(_ head: UnsafeBufferPointer<UInt8>, plainCount: Int) -> Bool {
    let rules = firstByteRules[Int(head[0])]
    if rules == 0 { return false }
    if head[0] == 0x20 {
      // nextest's summary column, cargo's status column, an entry of an open Nix list, a
      // compiler cache's row: ``indentedBuildToolLine(_:rules:line:)``'s tests.
      return inNextestFinalList || (plainCount > 14 && head[5] == UInt8(ascii: "S"))
        || Cargo.isCandidate(head)
        || (nixListOpen && rules & FirstByte.nix != 0 && plainCount > 12
          && head[2] == UInt8(ascii: "/"))
        || (rules & FirstByte.compilerCache != 0 && CompilerCaches.isCandidate(head))
    }
    let buildTool =
      (rules & FirstByte.nix != 0 && Nix.isCandidate(head))
      || (rules & FirstByte.compilerCache != 0 && CompilerCaches.isCandidate(head))
    switch head[0] {
    case UInt8(ascii: "#"):
      return true
    case UInt8(ascii: "P"):
      // `Post job cleanup.` (its first 16 bytes), or a cache action's line.
      return ByteSearch.hasPrefix(head, "Post job cleanup")
        || CacheLineMatcher.mayMatch(head, in: cacheLines)
    case UInt8(ascii: "C"):
      // ``cLine(_:rules:line:)``: `Cleaning up …`, `Complete job name: …`, a cache line.
      return plainCount >= 8
        && (buildTool || head[1] == UInt8(ascii: "l") || head[1] == UInt8(ascii: "o")
          || CacheLineMatcher.mayMatch(head, in: cacheLines))
    default:
      return buildTool || CacheLineMatcher.mayMatch(head, in: cacheLines)
    }
  }

  /// The first line decides whether the log starts with the runner's set-up block.
  private mutating func startFirstStep(_ bytes: UnsafeBufferPointer<UInt8>, line: Int) {
    state = .output
    if ByteSearch.hasPrefix(bytes, "##[group]Run ") { return }
    let looksLikeRunner =
      ByteSearch.hasPrefix(bytes, "Current runner version")
      || ByteSearch.hasPrefix(bytes, "##[group]") || ByteSearch.hasPrefix(bytes, "Runner name:")
      || ByteSearch.hasPrefix(bytes, "Requested labels:")
      || ByteSearch.hasPrefix(bytes, "Job defined at:")
    events.append(
      .stepStarted(
        LogEvent.StepStart(
          kind: looksLikeRunner ? .setup : .output,
          name: looksLikeRunner ? "Set up job" : "Output",
          action: nil, time: lastTime(), line: line)))
  }

  // MARK: - Step headers

  private mutating func headerLine(
    _ bytes: UnsafeBufferPointer<UInt8>, isContinuation: Bool, line: Int
  ) {
    if isContinuation {
      if pendingInput != nil {
        appendToInput(bytes)
      }
      return
    }
    if ByteSearch.hasPrefix(bytes, "##[endgroup]") {
      flushInput()
      state = .output
      foldDepth = 0
      return
    }
    if ByteSearch.hasPrefix(bytes, "##[group]Run ")
      || ByteSearch.hasPrefix(bytes, "Post job cleanup.")
      || ByteSearch.hasPrefix(bytes, "Cleaning up orphan processes")
    {
      // A header that never closed: treat the new marker as the next step.
      flushInput()
      state = .output
      outputLine(bytes, needles: 0, line: line)
      return
    }
    flushInput()
    if bytes.count == 5, ByteSearch.hasPrefix(bytes, "with:") {
      inWithBlock = true
      return
    }
    if ByteSearch.hasPrefix(bytes, "env:") || ByteSearch.hasPrefix(bytes, "shell:") {
      inWithBlock = false
      return
    }
    guard inWithBlock, bytes.count > 2, bytes[0] == 0x20, bytes[1] == 0x20 else { return }
    let text = bytes.dropping(2)
    guard
      let colon = ByteSearch.firstIndex(of: ": ", in: text)
        ?? (text.last == 0x3A ? text.count - 1 : nil)
    else { return }
    let name = text.slice(0, colon)
    guard Self.keptInputs.contains(where: { $0.elementsEqual(name) }) else { return }
    pendingInput = (name.string, Array(text.dropping(colon + 2)), line)
  }

  /// The inputs some cache-action family reads.
  private static let keptInputs: [[UInt8]] = CacheActions.Family.inputNames.map { Array($0.utf8) }

  private mutating func appendToInput(_ bytes: UnsafeBufferPointer<UInt8>) {
    guard var input = pendingInput else { return }
    pendingInput = nil
    if input.value.count + bytes.count < options.maximumValueLength {
      input.value.append(0x0A)
      input.value.append(contentsOf: bytes)
    }
    pendingInput = input
  }

  private mutating func flushInput() {
    guard let input = pendingInput else { return }
    pendingInput = nil
    var value = input.value
    while let last = value.last, last == 0x0A || last == 0x20 || last == 0x0D { value.removeLast() }
    let text = value.withUnsafeBufferPointer { decode($0, line: input.line) }
    events.append(.input(name: input.name, value: text, line: input.line))
  }

  // MARK: - Output

  /// setup-node, setup-python, setup-go…: `npm cache is not found`, `Cache is not found`.
  @inline(__always)
  private mutating func setupCacheMiss(_ bytes: UnsafeBufferPointer<UInt8>, line: Int) {
    guard currentStepIsSetupAction, ToolkitCache.isSetupMiss(bytes) else { return }
    cache(.notFound([]), line)
  }

  private mutating func apply(_ match: CacheLineMatcher.Match, line: Int) {
    if let cacheLine = match.line { cache(cacheLine, line) }
    if let followUp = match.expects, !followUp.onlyInOwnStep || followUp.family == currentFamily {
      expectation = followUp
    }
  }

  /// The rules a line starting with a byte can match, as bits of ``firstByteRules``.
  private enum FirstByte {
    /// A rule of ``outputLine(_:needles:line:)``'s switch: a marker, a post step, `C…` lines,
    /// indented lines (nextest, cargo), or a cache action's line.
    static let switchRules: UInt8 = 1 << 0
    /// A line of Nix's (set once a step names Nix, ``Nix/firstBytes``).
    static let nix: UInt8 = 1 << 1
    /// A row of a compiler cache's table (set once a step names one,
    /// ``CompilerCaches/firstBytes``).
    static let compilerCache: UInt8 = 1 << 2
  }

  /// Which rules a line starting with the byte can match (``FirstByte``), before any step
  /// named Nix or a compiler cache.
  private static let firstByteTable: [UInt8] = (0..<256).map { value in
    let byte = UInt8(value)
    let matters =
      byte == UInt8(ascii: "#") || byte == UInt8(ascii: "P") || byte == UInt8(ascii: " ")
      || CacheLineMatcher.mayStart(byte)
    return matters ? FirstByte.switchRules : 0
  }

  private mutating func outputLine(_ bytes: UnsafeBufferPointer<UInt8>, needles: UInt32, line: Int)
  {
    guard !bytes.isEmpty else {
      expectation = .none
      return
    }
    let expected = expectation
    expectation = .none
    if expected != .none {
      if let cacheLine = CacheActions.read(expected, bytes, decode: { decode($0, line: line) }) {
        cache(cacheLine, line)
      }
    }
    // Most lines start with a byte no rule looks at, and need nothing but the needle tests:
    // one table load and a well-predicted branch instead of a jump through the switch.
    let rules = firstByteRules[Int(bytes[0])]
    if rules == 0, !currentStepIsSetupAction,
      needles & (Needle.cacheKey | Needle.upperCache) == 0
    {
      return
    }
    switch bytes[0] {
    case UInt8(ascii: "#"):
      if BuildKit.isCandidate(bytes) {
        // Outside a build, only the line that starts one is read: other steps' `#N …` lines
        // (a test's output, a booting builder) cost three byte compares. Inside one, its
        // rows cost a word's digit test and one table bit, without a call.
        if readsBuildKit || BuildKit.mayStartBuild(bytes) {
          let verb = BuildKit.verbIndex(bytes)
          if verb > 0 { buildKitLine(bytes, verb: verb, line: line) }
        }
      } else if markerLine(bytes, line: line) {
        // A step header's own text (`##[group]Run echo "Cache Key: …"`) is not output.
        return
      }
    case UInt8(ascii: "P"):
      if ByteSearch.hasPrefix(bytes, "Post job cleanup.") {
        startStep(.post, name: "Post job cleanup", action: nil, line: line)
      } else if let match = CacheLineMatcher.match(
        bytes, in: cacheLines, decode: { decode($0, line: line) })
      {
        apply(match, line: line)
      }
    case UInt8(ascii: "C"): cLine(bytes, rules: rules, line: line)
    case UInt8(ascii: " "):
      nextestLine(bytes, line: line)
      if Cargo.isCandidate(bytes) || readsIndentedRows {
        indentedBuildToolLine(bytes, rules: rules, line: line)
      }
    default:
      if rules & FirstByte.switchRules == 0, !currentStepIsSetupAction,
        needles & (Needle.cacheKey | Needle.upperCache) == 0
      {
        // Only a build tool's line can start so (`these …`, `copying …` in a Nix job): the
        // word tests run here, and only a line that passes one pays for a call.
        if rules & FirstByte.nix != 0, Nix.isCandidate(bytes) {
          nixLine(bytes, line: line)
        } else if rules & FirstByte.compilerCache != 0, CompilerCaches.isCandidate(bytes) {
          _ = buildToolLine(bytes, rules: rules, line: line)
        }
        return
      }
      if rules & (FirstByte.nix | FirstByte.compilerCache) != 0,
        buildToolLine(bytes, rules: rules, line: line)
      {
        // A build tool's line is nothing else.
      } else if let match = CacheLineMatcher.match(
        bytes, in: cacheLines, decode: { self.decode($0, line: line) })
      {
        apply(match, line: line)
      } else if currentStepIsSetupAction {
        setupCacheMiss(bytes, line: line)
      }
    }
    if needles & Needle.cacheKey != 0, let at = ByteSearch.firstIndex(of: "Cache Key:", in: bytes) {
      let key = bytes.dropping(at + 10).trimmingSpaces()
      if key.isEmpty {
        // Swatinem/rust-cache prints `Cache Key:` alone, with its key on the next line.
        if let followUp = currentFamily?.followUpAfterBareCacheKey { expectation = followUp }
      } else {
        events.append(.reportedKey(decode(Self.unquoted(key), line: line), line: line))
      }
    }
    if needles & Needle.upperCache != 0 {
      if ByteSearch.firstIndex(of: "CACHE HIT", in: bytes) != nil {
        events.append(.reportedHit(line: line))
      }
      if ByteSearch.firstIndex(of: "CACHE MISS", in: bytes) != nil {
        events.append(.reportedMiss(line: line))
      }
    }
  }

  /// A line of BuildKit's that passed ``BuildKit/mayBeRead(_:)``: its step lines and
  /// verdicts are counted here and reported once per build (``flushBuildKit()``).
  @inline(never)
  private mutating func buildKitLine(_ bytes: UnsafeBufferPointer<UInt8>, verb: Int, line: Int) {
    guard BuildKit.mayReadVerb(bytes, verb: verb) else { return }
    // A build's verdicts, most of its lines that count, are counted without a `Line`.
    if readsBuildKit, let (vertex, ran) = BuildKit.verdict(bytes, verb: verb),
      buildKitVertices.countVerdict(
        vertex: vertex, ran: ran,
        duration: { BuildKit.seconds(bytes.dropping(verb + 4).trimmingSpaces()) })
    {
      buildKitLine = line
      return
    }
    if readsBuildKit, let (vertex, from) = BuildKit.step(bytes, verb: verb),
      buildKitVertices.countStep(vertex: vertex, from: from)
    {
      buildKitLine = line
      return
    }
    guard let buildKit = BuildKit.read(bytes) else { return }
    if case .buildStarted = buildKit {
      flushBuildKit()
      readsBuildKit = true
    }
    guard readsBuildKit else { return }
    if buildKitVertices.count(buildKit) {
      events.append(.build(.buildKit(buildKit), line: line))
    } else {
      buildKitLine = line
    }
  }

  /// Handles a `##[…]` marker; returns whether it started a step.
  private mutating func markerLine(_ bytes: UnsafeBufferPointer<UInt8>, line: Int) -> Bool {
    guard ByteSearch.hasPrefix(bytes, "##[") else { return false }
    if ByteSearch.hasPrefix(bytes, "##[group]") {
      if ByteSearch.hasPrefix(bytes, "##[group]Run ") {
        // At any fold depth: a step that failed inside its own fold leaves it open.
        pendingHeader = (Array(bytes.dropping(13)), line, lastTime())
        return true
      }
      foldDepth += 1
    } else if ByteSearch.hasPrefix(bytes, "##[endgroup]") {
      foldDepth = max(0, foldDepth - 1)
    } else {
      // `##[warning]`, `##[error]`, `##[notice]`: match the message itself.
      guard let close = ByteSearch.firstIndex(of: "]", in: bytes), close + 1 < bytes.count else {
        return false
      }
      let message = bytes.dropping(close + 1)
      if close == 8, ByteSearch.hasPrefix(bytes, "##[error]"), let ending = Self.stepEnding(message)
      {
        events.append(.stepEnded(ending, line: line))
        return false
      }
      if message[0] == UInt8(ascii: "C") {
        cLine(message, rules: firstByteRules[Int(UInt8(ascii: "C"))], line: line)
      } else if let match = CacheLineMatcher.match(
        message, in: cacheLines, annotated: true, decode: { self.decode($0, line: line) })
      {
        apply(match, line: line)
      } else {
        setupCacheMiss(message, line: line)
      }
    }
    return false
  }

  /// The runner's error line that ends a step, if `message` (after `##[error]`) is one.
  static func stepEnding(_ message: UnsafeBufferPointer<UInt8>) -> LogEvent.StepEnding? {
    if ByteSearch.hasPrefix(message, "Process completed with exit code ") {
      var code = 0
      var index = 33
      while index < message.count, index < 45, (48...57).contains(message[index]) {
        code = code * 10 + Int(message[index] - 48)
        index += 1
      }
      return index > 33 ? .exitCode(code) : nil
    }
    if ByteSearch.hasPrefix(message, "The operation was canceled.") { return .cancelled }
    if ByteSearch.hasPrefix(message, "The action '"),
      ByteSearch.firstIndex(of: "' has timed out after ", in: message) != nil
    {
      return .timedOut
    }
    return nil
  }

  /// Lines that start with `C`: the runner's markers and most cache lines.
  private mutating func cLine(_ bytes: UnsafeBufferPointer<UInt8>, rules: UInt8, line: Int) {
    guard bytes.count >= 8 else { return }
    if rules & FirstByte.compilerCache != 0, CompilerCaches.isCandidate(bytes),
      let row = CompilerCaches.read(bytes)
    {
      events.append(.build(.compilerCache(row), line: line))
      return
    }
    if bytes[1] == UInt8(ascii: "l"), ByteSearch.hasPrefix(bytes, "Cleaning up orphan processes") {
      startStep(.complete, name: "Complete job", action: nil, line: line)
    } else if bytes[1] == UInt8(ascii: "o"), ByteSearch.hasPrefix(bytes, "Complete job name: ") {
      events.append(.jobName(decode(bytes.dropping(19).trimmingSpaces(), line: line), line: line))
    } else if let match = CacheLineMatcher.match(
      bytes, in: cacheLines, decode: { self.decode($0, line: line) })
    {
      apply(match, line: line)
    } else {
      setupCacheMiss(bytes, line: line)
    }
  }

  /// nextest's status lines start with spaces (the status word is right-aligned in 12 columns).
  @inline(__always)
  private mutating func nextestLine(_ bytes: UnsafeBufferPointer<UInt8>, line: Int) {
    // nextest right-aligns its status word in 12 columns, so its summary line is always
    // `     Summary [`: outside the final status list, one byte test rejects every other line.
    guard inNextestFinalList || (bytes.count > 14 && bytes[5] == UInt8(ascii: "S")) else { return }
    nextestStatusLine(bytes, line: line)
  }

  private mutating func nextestStatusLine(_ bytes: UnsafeBufferPointer<UInt8>, line: Int) {
    var index = 0
    while index < bytes.count, index < 16, bytes[index] == 0x20 { index += 1 }
    let rest = bytes.dropping(index)
    guard rest.count >= 8 else { return }
    if rest[0] == UInt8(ascii: "S"), ByteSearch.hasPrefix(rest, "Summary [") {
      if let summary = Nextest.summary(rest.string) {
        events.append(.nextestSummary(summary, line: line))
        inNextestFinalList = true
      }
    } else if inNextestFinalList {
      if let test = Nextest.statusLine(rest.string) {
        events.append(.nextestTest(test, line: line))
      } else {
        inNextestFinalList = false
      }
    }
  }

  /// A line whose first byte a Nix or compiler-cache rule looks at (not a space); returns
  /// whether it was one.
  ///
  /// Out of line, so that the parser's hot function stays small: the tests here cost a line
  /// one word load and compare (``Nix/isCandidate(_:)``, ``CompilerCaches/isCandidate(_:)``).
  @inline(never)
  private mutating func buildToolLine(
    _ bytes: UnsafeBufferPointer<UInt8>, rules: UInt8, line: Int
  ) -> Bool {
    if rules & FirstByte.nix != 0, Nix.isCandidate(bytes), nixLine(bytes, line: line) {
      return true
    }
    if rules & FirstByte.compilerCache != 0, CompilerCaches.isCandidate(bytes),
      let row = CompilerCaches.read(bytes)
    {
      events.append(.build(.compilerCache(row), line: line))
      return true
    }
    return false
  }

  /// A line that starts with a space and may be cargo's status line, a Nix list entry or a
  /// ccache row.
  @inline(never)
  private mutating func indentedBuildToolLine(
    _ bytes: UnsafeBufferPointer<UInt8>, rules: UInt8, line: Int
  ) {
    if Cargo.isCandidate(bytes) {
      if cargoCounts.add(bytes) {
        cargoCountsLine = line
      } else if let cargo = Cargo.read(bytes, decode: { self.decode($0, line: line) }) {
        events.append(.build(.cargo(cargo), line: line))
      }
    } else if rules & FirstByte.nix != 0, bytes.count > 12, bytes[2] == UInt8(ascii: "/") {
      // Entries count only in the lists of Nix ≤ 2.3, whose announcement gives no count.
      if nixListOpen { nixLine(bytes, line: line) }
    } else if rules & FirstByte.compilerCache != 0, CompilerCaches.isCandidate(bytes),
      let row = CompilerCaches.read(bytes)
    {
      events.append(.build(.compilerCache(row), line: line))
    }
  }

  /// Reports the BuildKit layers counted since the last report, at the line of the last one.
  private mutating func flushBuildKit() {
    guard let tally = buildKitVertices.takeTally() else { return }
    events.append(.build(.buildKit(.tally(tally)), line: buildKitLine))
  }

  /// Reports the counted cargo lines, at the line of the last one.
  private mutating func flushCargoCounts() {
    guard !cargoCounts.isEmpty else { return }
    events.append(.build(.cargo(.counts(cargoCounts)), line: cargoCountsLine))
    cargoCounts = Cargo.Counts()
  }

  /// Reads a line of Nix's; returns whether it was one.
  ///
  /// `copying path` lines, hundreds in a cold job, are counted per run of one substituter
  /// (``flushNixCopies()``): no text is decoded for them.
  @discardableResult
  private mutating func nixLine(_ bytes: UnsafeBufferPointer<UInt8>, line: Int) -> Bool {
    if bytes[0] == UInt8(ascii: "c") {
      guard let uri = Nix.copyingSource(bytes) else { return false }
      nixListOpen = false
      if nixCopies.paths > 0, ByteSearch.equal(nixCopies.uri, uri) {
        nixCopies.paths += 1
      } else {
        flushNixCopies()
        nixCopies = (Array(uri), 1, line)
      }
      nixCopies.line = line
      return true
    }
    guard
      let nix = Nix.read(
        bytes, time: lastTimestamp.time(), decode: { self.decode($0, line: line) })
    else { return false }
    if case .listEntry = nix {
    } else {
      flushNixCopies()
      nixListOpen = Nix.opensList(nix)
    }
    events.append(.build(.nix(nix), line: line))
    return true
  }

  /// Reports the counted `copying path` lines, at the line of the last one.
  private mutating func flushNixCopies() {
    guard nixCopies.paths > 0 else { return }
    let uri = nixCopies.uri.withUnsafeBufferPointer { decode($0, line: nixCopies.line) }
    events.append(.build(.nix(.copied(from: uri, paths: nixCopies.paths)), line: nixCopies.line))
    nixCopies = ([], 0, 0)
  }

  /// Decides what the pending `##[group]Run …` line was, from the line after it.
  ///
  /// - Parameters:
  ///   - next: The next line's message (without timestamp), or `nil` at the end.
  ///   - isContinuation: Whether the next line has no timestamp in a timestamped log.
  private mutating func resolvePendingHeader(
    next: UnsafeBufferPointer<UInt8>?, isContinuation: Bool
  ) {
    guard let candidate = pendingHeader else { return }
    pendingHeader = nil
    var isScript = false
    if let next {
      // Script lines are cyan; some copies of a log lose the ESC byte or write it as `^[`.
      let cyan =
        ByteSearch.hasPrefix(next, "\u{1B}[36;1m") || ByteSearch.hasPrefix(next, "^[[36;1m")
        || ByteSearch.hasPrefix(next, "[36;1m")
      let shell = ByteSearch.hasPrefix(next, "shell:")
      let isHeaderBody =
        cyan || shell || (next.count == 5 && ByteSearch.hasPrefix(next, "with:"))
        || (next.count == 4 && ByteSearch.hasPrefix(next, "env:"))
        || ByteSearch.hasPrefix(next, "##[endgroup]")
      guard isHeaderBody, !isContinuation else {
        // A fold the step printed itself (`::group::Run …`).
        foldDepth += 1
        return
      }
      isScript = cyan || shell
    }
    candidate.text.withUnsafeBufferPointer { text in
      let trimmed = text.trimmingSpaces()
      let uses = isScript ? nil : Self.actionReference(trimmed)
      let shown = trimmed.count > 200 ? trimmed.slice(0, 200) : trimmed
      let name = "Run " + decode(shown, line: candidate.line) + (trimmed.count > 200 ? "…" : "")
      startStep(
        uses == nil ? .script : .action, name: name, action: uses, line: candidate.line,
        time: candidate.time)
    }
    state = .header
    inWithBlock = false
  }

  private mutating func startStep(
    _ kind: Step.Kind, name: String, action: String?, line: Int, time: LogTime? = nil
  ) {
    flushInput()
    flushCargoCounts()
    flushNixCopies()
    flushBuildKit()
    nixListOpen = false
    buildKitVertices = BuildKit.Vertices()
    // `Post job cleanup.` right after a `##[group]Run …` line: that line was a fold.
    pendingHeader = nil
    foldDepth = 0
    expectation = .none
    currentFamily = CacheActions.Family(action: action)
    currentStepIsSetupAction = ToolkitCache.printsSetupMiss(action)
    if !readsNix, Nix.mentionsNix(name) || Nix.mentionsNix(action ?? "") {
      readsNix = true
      for byte in Nix.firstBytes { firstByteRules[Int(byte)] |= FirstByte.nix }
    }
    if !readsCompilerCaches,
      CompilerCaches.mentionsCompilerCache(name)
        || CompilerCaches.mentionsCompilerCache(action ?? "")
    {
      readsCompilerCaches = true
      for byte in CompilerCaches.firstBytes {
        firstByteRules[Int(byte)] |= FirstByte.compilerCache
      }
    }
    inNextestFinalList = false
    readsBuildKit = false
    events.append(
      .stepStarted(
        LogEvent.StepStart(
          kind: kind, name: name, action: action, time: time ?? lastTime(), line: line)))
  }

  private mutating func cache(_ cacheLine: CacheLine, _ line: Int) {
    events.append(.cache(cacheLine, line: line))
  }

  /// `owner/repo` of a header's `uses` text, or `nil` for a script.
  ///
  /// `actions/cache@v4` and `actions/cache/restore@v4` give `actions/cache`;
  /// `./path` and `docker://image` are kept whole.
  static func actionReference(_ text: UnsafeBufferPointer<UInt8>) -> String? {
    guard !text.isEmpty, !text.contains(0x20) else { return nil }
    if ByteSearch.hasPrefix(text, "docker://") || ByteSearch.hasPrefix(text, "./") {
      return text.string
    }
    guard let at = text.firstIndex(of: UInt8(ascii: "@")) else { return nil }
    let path = text.slice(0, at)
    let parts = path.split(separator: UInt8(ascii: "/"), omittingEmptySubsequences: false)
    guard parts.count >= 2, !parts[0].isEmpty, !parts[1].isEmpty else { return nil }
    return String(decoding: parts[0], as: UTF8.self) + "/"
      + String(decoding: parts[1], as: UTF8.self)
  }

  /// Removes one pair of quotes or backticks around a value.
  static func unquoted(_ bytes: UnsafeBufferPointer<UInt8>) -> UnsafeBufferPointer<UInt8> {
    guard bytes.count >= 2, let first = bytes.first, let last = bytes.last, first == last,
      first == UInt8(ascii: "\"") || first == UInt8(ascii: "'") || first == UInt8(ascii: "`")
    else { return bytes }
    return bytes.slice(1, bytes.count - 1)
  }

  /// The time of the last timestamp seen; `nil` when there is none or when its instant is
  /// outside the range a ``LogTime`` holds (after 2262-04-11), which is reported once for its
  /// line.
  private mutating func lastTime() -> LogTime? {
    if let time = lastTimestamp.time() { return time }
    guard !lastTimestamp.isEmpty, reportedTimestampLine != lastTimestampLine else { return nil }
    reportedTimestampLine = lastTimestampLine
    outOfRangeTimestamps += 1
    if outOfRangeTimestamps <= options.maximumRepeatedDiagnostics {
      diagnose(
        .warning,
        "timestamp \(lastTimestamp.text()) is outside the years 1677 to 2262; its time is unknown",
        line: lastTimestampLine)
    }
    return nil
  }

  /// Decodes extracted text, repairing invalid UTF-8 with a diagnostic.
  private mutating func decode(_ bytes: UnsafeBufferPointer<UInt8>, line: Int) -> String {
    let capped =
      bytes.count > options.maximumValueLength ? bytes.slice(0, options.maximumValueLength) : bytes
    if UTF8Validation.isValid(capped) { return String(decoding: capped, as: UTF8.self) }
    invalidUTF8Lines += 1
    if invalidUTF8Lines <= options.maximumRepeatedDiagnostics {
      diagnose(.note, "invalid UTF-8 replaced by U+FFFD", line: line)
    }
    return String(decoding: capped, as: UTF8.self)
  }
}

/// The bytes of the last timestamp seen, kept without allocating per line.
private struct TimestampBytes {
  private var storage: (UInt64, UInt64, UInt64, UInt64) = (0, 0, 0, 0)
  private var length = 0

  @inline(__always)
  mutating func store(_ bytes: UnsafeBufferPointer<UInt8>, length: Int) {
    guard let base = bytes.baseAddress else { return }
    if length == 29 {
      // The runner's form: four word loads and stores instead of a copy call.
      let raw = UnsafeRawPointer(base)
      storage = (
        raw.loadUnaligned(fromByteOffset: 0, as: UInt64.self),
        raw.loadUnaligned(fromByteOffset: 8, as: UInt64.self),
        raw.loadUnaligned(fromByteOffset: 16, as: UInt64.self),
        raw.loadUnaligned(fromByteOffset: 21, as: UInt64.self) >> 24
      )
      self.length = 29
      return
    }
    let count = min(length, 32)
    storage = (0, 0, 0, 0)
    withUnsafeMutableBytes(of: &storage) { raw in
      raw.copyMemory(from: UnsafeRawBufferPointer(start: base, count: count))
    }
    self.length = count
  }

  /// Whether no timestamp was stored yet.
  var isEmpty: Bool { length == 0 }

  /// The stored timestamp's text.
  func text() -> String {
    var copy = storage
    return withUnsafeBytes(of: &copy) { raw in
      String(decoding: raw[0..<length], as: UTF8.self).trimmedWhitespace()
    }
  }

  func time() -> LogTime? {
    guard length > 0 else { return nil }
    var copy = storage
    return withUnsafeBytes(of: &copy) { raw in
      LogTime.parsePrefix(
        UnsafeBufferPointer(rebasing: raw.bindMemory(to: UInt8.self)[0..<length]),
        requireTrailingSpace: false)?.time
    }
  }
}
