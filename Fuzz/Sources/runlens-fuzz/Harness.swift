import Foundation
import RunLens
import RunLensArchive
import RunLensGitHub

/// Every entry point of runlens that takes outside bytes, each run over the whole path: parse,
/// build, then every renderer.
///
/// A crash, a trap, a hang, a leak or a failed check (`fatalError` below: a differential
/// mismatch, JSON that does not parse) is a finding.
enum Harness: String, CaseIterable {
  /// A raw job log, fed whole and split at fuzzer-chosen offsets: the events must agree.
  case log
  /// `gh run view --log` output, whole and split.
  case gh
  /// A JUnit XML file, whole and split: the events (errors included) must agree.
  case junit
  /// A jobs JSON document, alone and merged with a job log.
  case jobs
  /// A cache listing (`gh cache list --json` or the REST envelope), as a budget.
  case caches
  /// A metrics JSON file, as both sides of a comparison.
  case metrics
  /// A `runlens.json` configuration, applied to a report and a budget.
  case config
  /// A run-logs zip, read as the CLI reads it (central directory, else local headers).
  case zip
  /// Several inputs of any kind (separated by the byte 0x1E) put together into one run by
  /// `RunAssembly`, fed whole and in chunks: the reports must agree.
  case run
  /// A metrics JSON file as `history add` and `export` read it: the direct reader against
  /// `JSONDecoder`, the store's rows and the run they reassemble into, the history report's
  /// three renderings, NDJSON and OTLP.
  case history
  /// The GitHub API's documents and headers: workflow runs and the baseline picked from them,
  /// PR comments and the one to update, a created comment, a `Link` header, and a steps
  /// context (`report --steps`) applied to a report, rendered.
  case api
  /// Not an entry point: any text whose first non-blank byte opens an object or an array, given
  /// to ``JSONCheck`` and to `JSONSerialization`, which must agree (a check of the check the
  /// other harnesses make of the JSON they render).
  case jsoncheck

  /// Runs the harness on one input.
  func run(_ data: UnsafeBufferPointer<UInt8>) {
    switch self {
    case .log: Self.log(data)
    case .gh: Self.gh(data)
    case .junit: Self.junit(data)
    case .jobs: Self.jobs(Array(data))
    case .caches: Self.caches(Array(data))
    case .metrics: Self.metrics(Array(data))
    case .config: Self.config(Array(data))
    case .zip: Self.zip(Array(data))
    case .run: Self.run(Array(data))
    case .history: Self.history(Array(data))
    case .api: Self.api(Array(data))
    case .jsoncheck: Self.jsonCheck(Array(data))
    }
  }

  // MARK: - Splitting

  /// The input after its first four bytes, and the chunks it is fed in: cut at two offsets
  /// that those bytes choose, the middle part in chunks of 1 to 31 bytes.
  ///
  /// Every seed starts with four such bytes (`Fuzz/run.sh` adds them to the fixtures).
  static func chunked(_ data: UnsafeBufferPointer<UInt8>) -> (
    input: [UInt8], chunks: [ArraySlice<UInt8>]
  )? {
    guard data.count >= 4 else { return nil }
    let first = Int(data[0]) << 8 | Int(data[1])
    let second = Int(data[2]) << 8 | Int(data[3])
    let input = Array(data[4...])
    let cuts = [first % (input.count + 1), second % (input.count + 1)].sorted()
    let step = 1 + (first ^ second) % 31
    var chunks = [input[0..<cuts[0]]]
    var offset = cuts[0]
    while offset < cuts[1] {
      let end = min(offset + step, cuts[1])
      chunks.append(input[offset..<end])
      offset = end
    }
    chunks.append(input[cuts[1]...])
    return (input, chunks)
  }

  // MARK: - Harnesses

  static func log(_ data: UnsafeBufferPointer<UInt8>) {
    guard let (input, chunks) = chunked(data) else { return }
    var whole = GitHubLogParser(source: "fuzz.log")
    let expected = whole.feed(input) + whole.finish()
    var split = GitHubLogParser(source: "fuzz.log")
    var events: [LogEvent] = []
    for chunk in chunks { events += split.feed(chunk) }
    events += split.finish()
    guard events == expected else {
      fatalError("log: the events differ when the input is split (\(chunks.map(\.count)))")
    }
    // The same chunks through the splitter's own search for line ends and needles, in Swift,
    // instead of the vectorised scan (CByteScan) that the other paths use: two
    // implementations of the same marks.
    var searched = GitHubLogParser(source: "fuzz.log")
    searched.usesVectorisedScan = false
    var searchedEvents: [LogEvent] = []
    for chunk in chunks { searchedEvents += searched.feed(chunk) }
    searchedEvents += searched.finish()
    guard searchedEvents == expected else {
      fatalError("log: the events differ between the vectorised scan and the splitter's search")
    }
    // The same chunks with their line ends found and marked beforehand, as the CLI's
    // read-ahead thread does, with the timestamps marked too (short lines) or not.
    for timestamps in [false, true] {
      var marked = GitHubLogParser(source: "fuzz.log")
      var markedEvents: [LogEvent] = []
      for chunk in chunks {
        chunk.withUnsafeBufferPointer { bytes in
          let offsets = UnsafeMutablePointer<UInt32>.allocate(capacity: max(1, bytes.count))
          defer { offsets.deallocate() }
          let count = GitHubLogParser.lineFeeds(
            in: bytes, into: offsets, timestamps: timestamps)
          markedEvents += marked.feed(
            bytes, lineFeeds: UnsafeBufferPointer(start: offsets, count: count))
        }
      }
      markedEvents += marked.finish()
      guard markedEvents == expected else {
        fatalError("log: the events differ with marked line ends (timestamps: \(timestamps))")
      }
    }
    var builder = JobRunBuilder(source: "fuzz.log", fallbackName: "job")
    builder.apply(expected)
    render(RunReport(jobs: [builder.build()]))
  }

  static func gh(_ data: UnsafeBufferPointer<UInt8>) {
    guard let (input, chunks) = chunked(data) else { return }
    _ = GhRunLogParser.looksLikeGhOutput(input)
    _ = InputKind.detect(input)
    var whole = GhRunLogParser(source: "gh.txt")
    let expected = whole.feed(input) + whole.finish()
    var split = GhRunLogParser(source: "gh.txt")
    var events: [GhRunLogParser.Event] = []
    for chunk in chunks { events += split.feed(chunk) }
    events += split.finish()
    guard events == expected else {
      fatalError("gh: the events differ when the input is split (\(chunks.map(\.count)))")
    }
    var builder = GhRunBuilder(source: "gh.txt")
    builder.apply(expected)
    render(RunReport(jobs: builder.build()))
  }

  static func junit(_ data: UnsafeBufferPointer<UInt8>) {
    guard let (input, chunks) = chunked(data) else { return }
    var whole = JUnitParser(source: "junit.xml")
    let expected = whole.feed(input) + whole.finish()
    var split = JUnitParser(source: "junit.xml")
    var events: [JUnitEvent] = []
    for chunk in chunks { events += split.feed(chunk) }
    events += split.finish()
    guard events == expected else {
      fatalError("junit: the events differ when the input is split (\(chunks.map(\.count)))")
    }
    // The CLI's path: straight into a builder.
    var builder = TestSummaryBuilder()
    builder.beginFile("junit.xml")
    var direct = JUnitParser(source: "junit.xml")
    for chunk in chunks { _ = direct.feed(chunk, into: &builder) }
    _ = direct.finish(into: &builder)
    let (summary, diagnostics) = TestSummary.parsing(junit: [("junit.xml", input)])
    render(RunReport(jobs: [], junit: summary, diagnostics: diagnostics))
    render(RunReport(jobs: [], junit: builder.build()))
  }

  /// A small job log with steps, caches and times, for the jobs harness to merge with.
  static let sampleLog: JobRun = {
    let log = """
      2025-10-04T14:01:49.3433368Z Current runner version: '2.328.0'
      2025-10-04T14:01:50.0000000Z ##[group]Run actions/cache@v4
      2025-10-04T14:01:50.0001000Z with:
      2025-10-04T14:01:50.0002000Z   key: Linux-deps-0123456789abcdef
      2025-10-04T14:01:50.0003000Z ##[endgroup]
      2025-10-04T14:01:51.0000000Z Cache Size: ~274 MB (287463118 B)
      2025-10-04T14:01:52.0000000Z Cache restored from key: Linux-deps-0123456789abcdef
      2025-10-04T14:01:53.0000000Z ##[group]Run cargo test
      2025-10-04T14:01:53.0001000Z ##[endgroup]
      2025-10-04T14:02:53.0000000Z Complete job name: unit (stable)

      """
    return JobRun(parsingLog: Array(log.utf8), source: "job.log", fallbackName: "unit (stable)")
  }()

  static func jobs(_ bytes: [UInt8]) {
    guard let api = try? JobsAPI.parse(bytes) else { return }
    render(RunReport(jobs: RunReport.merge([], with: api)))
    var named = sampleLog
    if let first = api.first { named.name = first.name }
    render(RunReport(jobs: RunReport.merge([named, sampleLog], with: api)))
  }

  static func caches(_ bytes: [UInt8]) {
    guard let entries = try? CacheListing.parse(bytes) else { return }
    for (limit, asOf) in [
      (Int64(10_000_000_000), "2025-10-05T00:00:00Z"), (0, "2262-04-11T00:00:00Z"),
      (Int64.max, "1677-09-22T00:00:00Z"),
    ] {
      guard let time = LogTime(parsing: asOf) else { fatalError("caches: bad as-of \(asOf)") }
      let budget = CacheBudget(entries: entries, limitBytes: limit, asOf: time)
      let advice = Advice.forBudget(budget)
      _ = CacheBudgetReport.markdown(budget, advice: advice)
      checkJSON(CacheBudgetReport.json(budget, advice: advice), "caches")
    }
  }

  static func metrics(_ bytes: [UInt8]) {
    guard let sample = try? RunSample(metricsJSON: bytes, source: "metrics.json") else { return }
    let other = RunSample(report: RunReport(jobs: [sampleLog]), source: "job.log")
    for (baseline, candidate) in [
      ([sample], [sample]), ([sample, sample, sample], [other, other, other]),
      ([other, other, other], [sample, sample, sample, sample]),
    ] {
      let comparison = Comparison(baseline: baseline, candidate: candidate)
      let advice = Advice.forComparison(comparison)
      _ = ComparisonReport.markdown(comparison, advice: advice)
      checkJSON(ComparisonReport.json(comparison, advice: advice), "metrics")
    }
  }

  static func config(_ bytes: [UInt8]) {
    guard let configuration = try? Configuration(json: bytes) else { return }
    render(RunReport(jobs: [sampleLog], targets: configuration.targets))
    let listing = #"""
      [{"id": 1, "key": "Linux-deps-0123456789abcdef-unit", "ref": "refs/pull/1/merge",
        "sizeInBytes": 2000000000, "lastAccessedAt": "2025-10-04T14:01:49Z"}]
      """#
    guard let entries = try? CacheListing.parse(Array(listing.utf8)),
      let asOf = LogTime(parsing: "2025-10-12T00:00:00Z")
    else { fatalError("config: the sample listing does not parse") }
    let budget = CacheBudget(
      entries: entries, limitBytes: configuration.limitBytes, asOf: asOf,
      allocations: configuration.allocations)
    let advice = Advice.forBudget(budget)
    _ = CacheBudgetReport.markdown(budget, advice: advice)
    checkJSON(CacheBudgetReport.json(budget, advice: advice), "config")
  }

  /// Stops an entry that unpacks to more than the harness reads (the CLI's zip-bomb guard).
  struct TooLarge: Error {}

  static func zip(_ bytes: [UInt8]) {
    let limit = 4 << 20
    var unpacked = 0
    var jobs: [JobRun] = []
    func readJob(
      _ job: RunLogsLayout.Job, _ extract: (String, (Data) throws -> Void) throws -> Void
    ) {
      var parser = GitHubLogParser(source: job.name)
      var builder = JobRunBuilder(source: job.name, fallbackName: job.name)
      for file in job.files {
        if let step = file.stepName { builder.labelStep(step, atLine: parser.lineCount + 1) }
        do {
          try extract(file.path) { data in
            unpacked += data.count
            guard unpacked <= limit else { throw TooLarge() }
            builder.apply(parser.feed(data))
          }
        } catch {
          builder.markPartial("\(file.path): \(error)")
        }
        builder.apply(parser.feed(CollectionOfOne(0x0A)))
      }
      builder.apply(parser.finish())
      jobs.append(builder.build())
    }
    if let reader = ZipEntryReader(bytes: bytes) {
      for job in RunLogsLayout.plan(Array(reader.entries.keys).sorted()).jobs {
        readJob(job) { path, body in try reader.extract(path, bufferSize: 4096, body) }
      }
    } else {
      let reader = CutZipReader(bytes: bytes)
      var entries: [String: CutZipReader.Entry] = [:]
      for entry in reader.entries() where !entry.path.hasSuffix("/") { entries[entry.path] = entry }
      for job in RunLogsLayout.plan(Array(entries.keys).sorted()).jobs {
        readJob(job) { path, body in
          guard let entry = entries[path] else { return }
          try reader.extract(entry, body)
        }
      }
    }
    render(RunReport(jobs: jobs))
  }

  /// The inputs of a run, assembled with every input fed in chunks of `chunkSize` bytes
  /// (whole when `nil`); a zip is read as the CLI reads it.
  static func assemble(_ inputs: [ArraySlice<UInt8>], chunkSize: Int?) -> RunReport {
    var assembly = RunAssembly()
    for (index, input) in inputs.enumerated() {
      let name = "input-\(index + 1).txt"
      assembly.beginInput(name)
      var kind: InputKind?
      var offset = input.startIndex
      let size = chunkSize ?? max(1, input.count)
      while offset < input.endIndex, kind != .zip {
        let end = min(offset + size, input.endIndex)
        kind = assembly.feed(input[offset..<end])
        offset = end
      }
      if kind == nil { kind = assembly.decideKind() }
      guard kind == .zip else {
        assembly.endInput()
        continue
      }
      _ = assembly.divertInput()
      let bytes = Array(input)
      guard let reader = ZipEntryReader(bytes: bytes) else {
        assembly.add(Diagnostic(.error, "not a readable zip", source: name), dropsInput: true)
        continue
      }
      var unpacked = 0
      for job in RunLogsLayout.plan(Array(reader.entries.keys)).jobs {
        assembly.beginJob(job, in: name)
        for file in job.files {
          assembly.beginJobFile(file)
          var failure: String?
          do {
            try reader.extract(file.path, bufferSize: size) { data in
              unpacked += data.count
              guard unpacked <= 4 << 20 else { throw TooLarge() }
              assembly.feed(data)
            }
          } catch {
            failure = "\(error)"
          }
          assembly.endJobFile("\(name): \(file.path)", failure: failure)
        }
        assembly.endJob()
      }
    }
    return assembly.build()
  }

  static func run(_ bytes: [UInt8]) {
    guard let first = bytes.first else { return }
    let inputs = bytes.dropFirst().split(
      separator: 0x1E, maxSplits: 4, omittingEmptySubsequences: false)
    let whole = assemble(inputs, chunkSize: nil)
    let split = assemble(inputs, chunkSize: 1 + Int(first) * 37)
    let expected = MetricsJSON.render(whole)
    guard MetricsJSON.render(split) == expected else {
      fatalError("run: the report differs when the inputs are fed in chunks")
    }
    render(whole, metricsJSON: expected)
  }

  /// A second run for the history harness's reports, from ``sampleLog``.
  static let sampleRun: HistoryRun = {
    guard let run = try? HistoryRun(report: RunReport(jobs: [sampleLog])) else {
      fatalError("history: the sample log makes no run")
    }
    return run
  }()

  /// The run of one metrics document, checked three ways, or `nil` when it is not one.
  static func historyRun(_ bytes: [UInt8]) -> HistoryRun? {
    let decoded = HistoryRun.metricsJSON(bytes, direct: false)
    let direct = HistoryRun.metricsJSON(bytes, direct: true)
    // The direct reader gives up (nil) on what it is not sure of; what it reads, JSONDecoder
    // reads the same.
    if let direct, direct != decoded {
      fatalError("history: the direct reader and JSONDecoder read different runs")
    }
    guard let run = decoded else { return nil }
    guard (try? HistoryRun(metricsJSON: bytes)) == run else {
      fatalError("history: HistoryRun(metricsJSON:) differs from both readers")
    }
    // The rows the store writes, in any order, reassemble into the run it reads back.
    var tables: [HistoryTable: [[HistoryCell]]] = [:]
    for (table, rows) in run.allRows(key: run.key) {
      guard rows.allSatisfy({ $0.count == table.columns.count }) else {
        fatalError("history: a row of \(table) does not have its table's columns")
      }
      tables[table] = rows.reversed()
    }
    guard HistoryRun.assemble(tables) == [run] else {
      fatalError("history: the store's rows do not reassemble into the run")
    }
    return run
  }

  static func history(_ bytes: [UInt8]) {
    // Up to four metrics documents, separated by the byte 0x1E: trends need several runs.
    var runs: [HistoryRun] = []
    for document in bytes.split(separator: 0x1E, maxSplits: 3, omittingEmptySubsequences: true) {
      if let run = historyRun(Array(document)) { runs.append(run) }
    }
    guard !runs.isEmpty else { return }
    let first = runs[0]
    let options = [
      HistoryReport.Options(), .init(since: .days(Int.max), limitBytes: 0),
      .init(
        since: .date("2026-01-01"), branch: first.branch, workflow: first.workflow,
        limitBytes: Int64.max),
    ]
    // The input's length picks a window and limit for each list of runs (rendering all
    // three for both took most of an execution); the fuzzer reaches each by its lengths.
    let all = runs + [sampleRun, first]
    for (runs, chosen) in [(runs, bytes.count % 3), (all, bytes.count / 3 % 3)] {
      let report = HistoryReport(runs: runs, options: options[chosen])
      _ = HistoryReportRenderer.markdown(report)
      _ = HistoryReportRenderer.html(report)
      checkJSON(HistoryReportRenderer.json(report), "history report JSON")
    }
    // The exports of every run, the sample's and a repeated one's included.
    for table in HistoryTable.allCases {
      // Split on the byte: a Character-wise split was a fifth of an execution.
      for line in NDJSONExport.render(all, table: table).utf8.split(separator: 0x0A) {
        checkJSON(String(decoding: line, as: UTF8.self), "NDJSON")
      }
    }
    checkJSON(OTLPExport.render(all), "OTLP")
  }

  static func api(_ bytes: [UInt8]) {
    if let runs = try? WorkflowRuns.parse(bytes) {
      let excluded = runs.first?.id ?? 0
      let picked = WorkflowRuns.baseline(from: runs, excluding: excluded, count: 3)
      let times = picked.map { $0.createdAt?.nanosecondsSinceEpoch ?? Int64.min }
      guard picked.count <= 3, Set(picked.map(\.id)).count == picked.count,
        picked.allSatisfy({
          $0.id != excluded && $0.status == "completed" && $0.conclusion == "success"
        }),
        Swift.zip(times, times.dropFirst()).allSatisfy({ $0 >= $1 })
      else { fatalError("api: the baseline breaks its rules") }
    }
    if let comments = try? PullRequestComment.parse(bytes) {
      for comment in comments.prefix(16) {
        guard let marker = PullRequestComment.marker(of: comment.body) else { continue }
        // Each marked comment's author finds a comment: their oldest with the marker.
        if let author = comment.author {
          guard
            let found = PullRequestComment.existing(in: comments, marker: marker, author: author),
            found.body.hasPrefix(marker), found.isBy(author), found.id <= comment.id
          else { fatalError("api: the comment to update is not its author's oldest marked one") }
        }
        // Whatever the login, what is found has the marker and is that login's, by a check of
        // its own: the bytes with ASCII letters in lower case.
        func folded(_ text: String) -> [UInt8] {
          text.utf8.map { (0x41...0x5A).contains($0) ? $0 + 0x20 : $0 }
        }
        for login in ["github-actions[bot]", "GITHUB-ACTIONS[BOT]", "", comment.author ?? "x"] {
          if let found = PullRequestComment.existing(in: comments, marker: marker, author: login),
            !found.body.hasPrefix(marker) || found.author.map(folded) != folded(login)
          {
            fatalError("api: the comment to update is another's, or lacks the marker")
          }
        }
      }
    }
    _ = PullRequestComment.parse(created: bytes)
    if let login = try? PullRequestComment.viewerLogin(bytes), login.isEmpty {
      fatalError("api: an empty viewer login")
    }
    _ = GitHubClient.isGraphQLRateLimit(Data(bytes))
    let text = String(decoding: bytes, as: UTF8.self)
    // (`<>` gives the empty reference, which no text "contains".)
    if let next = LinkHeader.next(text), !next.isEmpty, !text.contains(next) {
      fatalError("api: the next page's URL is not in the Link header")
    }
    // The first line as a rate-limit header's value, and the first 8 bytes as a wait: every
    // wait is a finite number of seconds, not below zero, that a message can show.
    // (On the bytes: "\r\n" is one Character, equal to neither.)
    let line = String(decoding: bytes.prefix { $0 != 0x0A && $0 != 0x0D }, as: UTF8.self)
    if let seconds = GitHubClient.wholeSeconds(line), !(0..<1e12).contains(seconds) {
      fatalError("api: x-ratelimit-reset \(seconds)")
    }
    if let date = GitHubClient.httpDate(line),
      line.utf8.count != 29 || !(-62_167_219_200...253_402_300_860).contains(date)
    {
      fatalError("api: HTTP-date \(date)")
    }
    if let wait = GitHubClient.retryAfter(line, now: 1_800_000_000),
      !wait.isFinite || wait < 0
    {
      fatalError("api: Retry-After \(wait)")
    }
    var pattern: UInt64 = 0
    for byte in bytes.prefix(8) { pattern = pattern << 8 | UInt64(byte) }
    _ = GitHubClient.seconds(Double(bitPattern: pattern))
    _ = GitHubClient.message(Data(bytes))
    if let steps = try? StepsContext.parse(bytes) {
      _ = StepsContext.restores(steps)
      render(
        StepsContext.apply(
          steps, to: RunReport(jobs: [sampleLog]), jobKey: "unit", source: "steps.json"))
      render(StepsContext.apply(steps, to: RunReport(jobs: []), jobKey: nil, source: "steps.json"))
    }
  }

  static func jsonCheck(_ bytes: [UInt8]) {
    let text = String(decoding: bytes, as: UTF8.self)
    guard let first = text.utf8.first(where: { ![0x20, 0x0A, 0x0D, 0x09].contains($0) }),
      first == UInt8(ascii: "{") || first == UInt8(ascii: "[")
    else { return }
    let parsed = (try? JSONSerialization.jsonObject(with: Data(text.utf8))) != nil
    let valid = JSONCheck.isValid(text)
    // JSONSerialization takes a comma before `}` or `]`, and reads text with NUL bytes as
    // UTF-16 or UTF-32 (`[\0]\0` is `[]`), which RFC 8259's UTF-8 JSON (and JSONCheck, and what
    // runlens writes) does not: there only JSONCheck's yes is held to JSONSerialization's.
    if parsed, !valid, text.utf8.contains(0) || JSONCheck.hasTrailingComma(text) { return }
    guard valid == parsed else {
      fatalError("jsoncheck: JSONSerialization says \(parsed), JSONCheck the opposite")
    }
  }

  // MARK: - Rendering

  /// Every renderer of a report; the JSON must parse, and the Markdown keep to its budget.
  ///
  /// The Markdown is rendered once, to a 2 KiB budget: that renders the full text first (the
  /// same code and options as the default budget, which only compares the size with a larger
  /// number), then, when it is larger, every shorter form.
  ///
  /// - Parameters:
  ///   - report: The report.
  ///   - metricsJSON: The report's metrics JSON when the caller has rendered it already.
  static func render(_ report: RunReport, metricsJSON: String? = nil) {
    let markdown = MarkdownSummary.render(report, options: .init(byteBudget: 2048))
    guard markdown.utf8.count <= 2048 else {
      fatalError("Markdown: \(markdown.utf8.count) bytes for a budget of 2048")
    }
    _ = Annotations.render(report)
    _ = Advice.forReport(report)
    checkJSON(metricsJSON ?? MetricsJSON.render(report), "metrics JSON")
    _ = RunSample(report: report, source: "report")
  }

  /// Whether ``checkJSON(_:_:)`` also parses with `JSONSerialization` and stops when the two
  /// disagree (`RUNLENS_FUZZ_CROSSCHECK=1`): a check of ``JSONCheck`` itself.
  nonisolated(unsafe) static var crossCheck = false

  /// Fails when `text` is not JSON.
  static func checkJSON(_ text: String, _ what: String) {
    let valid = JSONCheck.isValid(text)
    if crossCheck {
      let parsed = (try? JSONSerialization.jsonObject(with: Data(text.utf8))) != nil
      guard parsed == valid else {
        fatalError(
          "\(what): JSONCheck says \(valid), JSONSerialization \(parsed):\n\(text.prefix(2000))")
      }
    }
    guard valid else {
      fatalError("\(what): the rendered JSON does not parse:\n\(text.prefix(2000))")
    }
  }
}
