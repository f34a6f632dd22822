import Testing

@testable import RunLens

@Suite("gh output reader")
struct GhRunLogParserTests {
  /// A job log written as gh prints it, with lines gh's columns lack put in between, and the
  /// gh line of each of the log's lines.
  struct Wrapped {
    /// The job log as its parser reads it inside gh's output: each line without the CR that
    /// ended it (gh's reader drops it), then LF.
    var log: [UInt8] = []
    var gh: [UInt8] = []
    /// The gh line of each job line (from 1; a line with a lone CR gives several).
    var ghLineOfJobLine: [Int] = [0]
  }

  /// `bytes` as gh output of one job: a line without columns after every `every` lines, the
  /// step column changed every 40 lines.
  static func wrap(_ bytes: [UInt8], junkEvery every: Int) -> Wrapped {
    var wrapped = Wrapped()
    var ghLine = 0
    var lines = bytes.split(separator: 0x0A, omittingEmptySubsequences: false)
    if bytes.last == 0x0A { lines.removeLast() }
    for (index, line) in lines.enumerated() {
      if index % every == every - 1 {
        wrapped.gh += Array("no columns here\n".utf8)
        ghLine += 1
      }
      var raw = Array(line)
      if raw.last == 0x0D { raw.removeLast() }
      wrapped.gh += Array("build (linux)\tstep \(index / 40)\t".utf8) + raw + [0x0A]
      ghLine += 1
      wrapped.log += raw + [0x0A]
      // A CR not at the end ends a job line of its own (a CR at the end is the CRLF's).
      let carriageReturns = raw.dropLast().filter { $0 == 0x0D }.count
      wrapped.ghLineOfJobLine += Array(repeating: ghLine, count: 1 + carriageReturns)
    }
    return wrapped
  }

  static func logEvents(_ events: [GhRunLogParser.Event]) -> [LogEvent] {
    events.compactMap { event in
      guard case .log(let log) = event else { return nil }
      if case .diagnostic(let diagnostic) = log,
        diagnostic.message.contains("do not have gh's job and step columns")
      {
        return nil
      }
      return log
    }
  }

  @Test(
    "a job's events in gh output are its log's events, each on the gh line of its job line",
    arguments: Golden.cases(containing: "job.log"))
  func linesMapped(_ name: String) throws {
    let bytes = try Golden.bytes("Fixtures/\(name)/job.log")
    for every in [3, 1000] {
      let wrapped = Self.wrap(bytes, junkEvery: every)
      let map = wrapped.ghLineOfJobLine
      var raw = GitHubLogParser(source: "build (linux)")
      let fed = raw.feed(wrapped.log)
      let ended = raw.finish()
      #expect(raw.lineCount == map.count - 1, "\(name): job lines")
      let last = map.last ?? 0
      let expected =
        fed.map { $0.mappingLines { map[min(max($0, 0), map.count - 1)] } }
        + ended.map { $0.mappingLines { _ in last } }
      for size in [wrapped.gh.count, 61, 4096] {
        var parser = GhRunLogParser()
        var events: [GhRunLogParser.Event] = []
        for chunk in Parsing.chunks(wrapped.gh, size: size) { events += parser.feed(chunk) }
        events += parser.finish()
        #expect(Self.logEvents(events) == expected, "\(name), every \(every), chunk size \(size)")
      }
    }
  }

  @Test("a step's label follows the events of the lines before it")
  func labelOrder() {
    let gh = """
      b\tSet up job\t2025-10-04T13:59:59.0000000Z Current runner version: '2.328.0'
      b\tSet up job\t2025-10-04T13:59:59.5000000Z Complete job name: b
      b\tone\t2025-10-04T14:00:00.0000000Z ##[group]Run echo a
      b\tone\t2025-10-04T14:00:00.1000000Z shell: /usr/bin/bash -e {0}
      b\tone\t2025-10-04T14:00:00.2000000Z ##[endgroup]
      b\tone\t2025-10-04T14:00:01.0000000Z a
      b\ttwo\t2025-10-04T14:00:02.0000000Z ##[group]Run echo b
      b\ttwo\t2025-10-04T14:00:02.1000000Z shell: /usr/bin/bash -e {0}
      b\ttwo\t2025-10-04T14:00:02.2000000Z ##[endgroup]
      b\ttwo\t2025-10-04T14:00:03.0000000Z b

      """
    var parser = GhRunLogParser()
    let events = parser.feed(Array(gh.utf8)) + parser.finish()
    let order = events.compactMap { event -> String? in
      switch event {
      case .stepLabel(let name, let line): "label \(name) \(line)"
      case .log(.stepStarted(let start)): "step \(start.line)"
      default: nil
      }
    }
    #expect(
      order == ["label Set up job 1", "step 1", "label one 3", "step 3", "label two 7", "step 7"])
  }

  @Test("a batch whose lines start more runs than the map keeps maps its events as read alone")
  func batchBeyondTheMap() {
    // Found by review: 4,096 lines, each after a line without columns, in one feed (under
    // 64 KiB), dropped the run of the first line before the first step's event was mapped.
    let stamp = "2025-10-04T14:00:00.0000000Z "
    var gh = "b\ts\t\(stamp)Current runner version: '2.328.0'\n"
    gh += "b\ts\t\(stamp)##[group]Run echo a\n\n"
    for _ in 0..<(LineMap.limit + 10) { gh += "b\ts\tx\n\n" }
    let bytes = Array(gh.utf8)
    for size in [bytes.count, 64, 4096] {
      var parser = GhRunLogParser()
      var events: [GhRunLogParser.Event] = []
      for chunk in Parsing.chunks(bytes, size: size) { events += parser.feed(chunk) }
      events += parser.finish()
      let starts = events.compactMap { event -> Int? in
        if case .log(.stepStarted(let start)) = event { return start.line }
        return nil
      }
      #expect(starts == [1], "chunk size \(size)")
    }
  }

  @Test("the map keeps its newest runs; a line before them maps to the oldest kept")
  func lineMapLimit() {
    var map = LineMap()
    // Every job line its own run: a skipped gh line after each.
    for jobLine in 1...(3 * LineMap.limit) {
      map.add(jobLine: jobLine, ghLine: 2 * jobLine, oneGhLine: false)
    }
    #expect(map.ghLine(of: 3 * LineMap.limit) == 6 * LineMap.limit)
    #expect(map.ghLine(of: 3 * LineMap.limit - 100) == 6 * LineMap.limit - 200)
    let oldest = map.ghLine(of: 1)
    #expect(oldest > 2 && oldest == map.ghLine(of: 2))
    // One run: consecutive lines continue it; a gh line of several job lines is one run.
    var one = LineMap()
    for jobLine in 1...10 { one.add(jobLine: jobLine, ghLine: jobLine + 5, oneGhLine: false) }
    one.add(jobLine: 11, ghLine: 16, oneGhLine: true)
    one.add(jobLine: 14, ghLine: 17, oneGhLine: false)
    #expect((1...10).map { one.ghLine(of: $0) } == Array(6...15))
    #expect((11...13).map { one.ghLine(of: $0) } == [16, 16, 16])
    #expect(one.ghLine(of: 14) == 17)
    #expect(one.ghLine(of: 20) == 23)
  }
}
