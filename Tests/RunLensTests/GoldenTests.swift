import Foundation
import Testing

@testable import RunLens

/// Every `Fixtures/<case>/job.log` against its expected `summary.md` and `metrics.json`, and
/// the rendered examples in `Reports/`.
@Suite("Golden files")
struct GoldenTests {
  static let logCases = Golden.cases(containing: "job.log")
  static let junitCases = Golden.cases(containing: "junit.xml")
  static let ghCases = Golden.cases(containing: "gh.txt")
  static let allCases = Array(Set(logCases + junitCases + ghCases)).sorted()

  /// The report of a fixture folder (its job log, gh output with its jobs JSON, JUnit file),
  /// put together by the same ``RunAssembly`` the command line uses, fed `chunkSize` bytes at a
  /// time (whole when `nil`).
  static func report(_ name: String, chunkSize: Int? = nil) throws -> RunReport {
    var assembly = RunAssembly()
    func read(_ file: String, kind: InputKind? = nil) throws {
      let path = "Fixtures/\(name)/\(file)"
      let bytes = try Golden.bytes(path)
      assembly.beginInput(path, kind: kind)
      let size = max(1, chunkSize ?? bytes.count)
      for chunk in Parsing.chunks(bytes, size: size) {
        #expect(assembly.feed(chunk) != .zip)
      }
      #expect(assembly.decideKind() != .zip)
      assembly.endInput()
    }
    if logCases.contains(name) { try read("job.log") }
    if ghCases.contains(name) {
      try read("gh.txt")
      let jobs = Golden.packageRoot.appendingPathComponent("Fixtures/\(name)/jobs.json")
      if FileManager.default.fileExists(atPath: jobs.path) { try read("jobs.json", kind: .json) }
    }
    if junitCases.contains(name) { try read("junit.xml", kind: .junit) }
    return assembly.build()
  }

  @Test("fixtures exist")
  func fixturesExist() {
    #expect(Self.logCases.count >= 2)
    #expect(Self.junitCases.count >= 6)
  }

  @Test(
    "summary.md and metrics.json match, and Reports/ where a fixture is shown there",
    arguments: allCases)
  func goldens(_ name: String) throws {
    let report = try Self.report(name)
    let markdown = MarkdownSummary.render(report)
    let json = MetricsJSON.render(report)
    Golden.expect(markdown, matches: "Fixtures/\(name)/summary.md")
    Golden.expect(json, matches: "Fixtures/\(name)/metrics.json")
    for shown in Self.reports where shown.fixture == name {
      Golden.expect(markdown, matches: "Reports/\(shown.name).md")
      Golden.expect(json, matches: "Reports/\(shown.name).json")
    }
  }

  @Test("the assembled report is the same at every chunk size", arguments: allCases)
  func assemblyChunkInvariance(_ name: String) throws {
    let whole = try Self.report(name)
    for size in [1, 7, 4096] {
      #expect(try Self.report(name, chunkSize: size) == whole, "chunk size \(size)")
    }
  }

  @Test("the metrics JSON reads back as the run compare sees", arguments: allCases)
  func metricsRoundTrip(_ name: String) throws {
    let report = try Self.report(name)
    let path = "Fixtures/\(name)/metrics.json"
    let read = try RunSample(metricsJSON: MetricsJSON.renderUTF8(report), source: path)
    #expect(read == RunSample(report: report, source: path))
  }

  @Test("the JUnit reader gives the same events for every chunk size", arguments: junitCases)
  func junitChunkInvariance(_ name: String) throws {
    let bytes = try Golden.bytes("Fixtures/\(name)/junit.xml")
    let whole = Parsing.junitEvents(bytes, chunkSize: nil)
    for size in [1, 2, 7, 4096, 65536] {
      #expect(Parsing.junitEvents(bytes, chunkSize: size) == whole, "chunk size \(size)")
    }
  }

  @Test(
    "reading straight into a summary equals applying the events, for every chunk size",
    arguments: junitCases)
  func junitFastPathEqualsEvents(_ name: String) throws {
    let path = "Fixtures/\(name)/junit.xml"
    let bytes = try Golden.bytes(path)
    var expected = TestSummaryBuilder()
    expected.beginFile(path)
    expected.apply(Parsing.junitEvents(bytes, chunkSize: nil, source: path))
    for size in [1, 7, 4096, 65536] {
      var parser = JUnitParser(source: path)
      var builder = TestSummaryBuilder()
      builder.beginFile(path)
      var errors: [JUnitParseError] = []
      for chunk in Parsing.chunks(bytes, size: size) {
        if let error = parser.feed(chunk, into: &builder) { errors.append(error) }
      }
      if let error = parser.finish(into: &builder) { errors.append(error) }
      #expect(builder.build() == expected.build(), "chunk size \(size)")
      let expectedErrors = Parsing.junitEvents(bytes, chunkSize: size, source: path).compactMap {
        event -> JUnitParseError? in
        if case .failed(let error) = event { return error }
        return nil
      }
      #expect(errors == expectedErrors, "chunk size \(size)")
    }
  }

  @Test("the gh reader gives the same events for every chunk size", arguments: ghCases)
  func ghChunkInvariance(_ name: String) throws {
    let bytes = try Golden.bytes("Fixtures/\(name)/gh.txt")
    func events(_ size: Int) -> [GhRunLogParser.Event] {
      var parser = GhRunLogParser()
      var events: [GhRunLogParser.Event] = []
      for chunk in Parsing.chunks(bytes, size: size) {
        events += parser.feed(chunk)
      }
      return events + parser.finish()
    }
    let whole = events(bytes.count)
    for size in [1, 7, 4096, 65536] {
      #expect(events(size) == whole, "chunk size \(size)")
    }
  }

  @Test(
    "line ends found beforehand, with timestamps or not, give the same events at every chunk size",
    arguments: logCases)
  func lineFeedInvariance(_ name: String) throws {
    let bytes = try Golden.bytes("Fixtures/\(name)/job.log")
    let whole = Parsing.events(bytes, chunkSize: nil)
    for size in [1, 7, 4096, 65536] {
      for timestamps in [false, true] {
        var parser = GitHubLogParser()
        var events: [LogEvent] = []
        for piece in Parsing.chunks(bytes, size: size) {
          piece.withUnsafeBufferPointer { chunk in
            let offsets = UnsafeMutablePointer<UInt32>.allocate(capacity: chunk.count)
            defer { offsets.deallocate() }
            let count = GitHubLogParser.lineFeeds(
              in: chunk, into: offsets, timestamps: timestamps)
            let expected = chunk.indices.filter { chunk[$0] == 0x0A }
            #expect(
              Array(UnsafeBufferPointer(start: offsets, count: count)).map {
                Int($0 & LineSplitter.Mark.offset)
              } == expected)
            events += parser.feed(
              chunk, lineFeeds: UnsafeBufferPointer(start: offsets, count: count))
          }
        }
        events += parser.finish()
        #expect(events == whole, "chunk size \(size), timestamps \(timestamps)")
      }
    }
  }

  @Test("the log reader gives the same events for every chunk size", arguments: logCases)
  func chunkInvariance(_ name: String) throws {
    let bytes = try Golden.bytes("Fixtures/\(name)/job.log")
    let whole = Parsing.events(bytes, chunkSize: nil)
    for size in [1, 2, 7, 4096, 65536] {
      let chunked = Parsing.events(bytes, chunkSize: size)
      #expect(chunked == whole, "chunk size \(size)")
    }
  }

  @Test(
    "the splitter's own search gives the events of the vectorised scan, at every chunk size",
    arguments: logCases)
  func searchMatchesScan(_ name: String) throws {
    let bytes = try Golden.bytes("Fixtures/\(name)/job.log")
    let whole = Parsing.events(bytes, chunkSize: nil)
    for size in [1, 7, 4096, bytes.count + 1] {
      var parser = GitHubLogParser()
      parser.usesVectorisedScan = false
      var events: [LogEvent] = []
      for chunk in Parsing.chunks(bytes, size: size) {
        events += parser.feed(chunk)
      }
      events += parser.finish()
      #expect(events == whole, "chunk size \(size)")
    }
  }

  /// The reports in `Reports/`, rendered from fixtures for people to read.
  static let reports: [(fixture: String, name: String)] = [
    ("nix-fallback-hit", "job-summary-fallback-hit"),
    ("nix-miss", "job-summary-miss"),
    ("nextest-flaky-and-retries", "tests-flaky-and-retries"),
    ("nextest-odd-content", "tests-odd-content"),
    ("gh-run-three-jobs", "run-three-jobs"),
  ]

  @Test("Reports/two-jobs.md is current")
  func reportsAreCurrent() throws {
    let both = RunReport(
      jobs: try ["nix-miss", "nix-fallback-hit"].map { try Self.report($0).jobs[0] })
    Golden.expect(MarkdownSummary.render(both), matches: "Reports/two-jobs.md")
  }
}
