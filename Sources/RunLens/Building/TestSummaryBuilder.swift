/// Folds the events of one or more JUnit files into a ``TestSummary``.
///
/// Memory is bounded whatever the number of tests: counts are sums, at most
/// ``maximumListed`` failures and flaky tests are listed (the rest are counted), the text of
/// listed failures is kept up to ``maximumKeptText`` bytes in all, and only the 10 slowest
/// tests and ``maximumSuites`` suites are remembered. Every test's name is kept (as bytes,
/// made into strings once by ``build()``) up to ``maximumNamed`` tests and
/// ``maximumNameBytes`` bytes of names; past either, none are.
package struct TestSummaryBuilder {
  /// The most failures and flaky tests listed.
  package static let maximumListed = 500
  /// The most bytes of failure text (details and output) kept over all failures.
  package static let maximumKeptText = 1 << 20
  /// The most suites listed; further suites are summed into one row.
  package static let maximumSuites = 2000
  /// How many of the slowest tests are kept.
  package static let slowestCount = 10
  /// The most tests whose names are kept for ``TestSummary/testNames``.
  package static let maximumNamed = 100_000
  /// The most bytes of test names kept for ``TestSummary/testNames``.
  package static let maximumNameBytes = 16 << 20

  private var summary: TestSummary
  private var keptText = 0
  private var suiteIndex: [String: Int] = [:]
  /// The suite of the last test case and its row: cases come grouped by suite.
  private var lastSuite: (name: String, index: Int)?
  private var file: FileState?
  /// The names of the tests so far, back to back; `nil` once past a limit.
  private var nameBytes: [UInt8]? = []
  /// Where each name in `nameBytes` ends.
  private var nameEnds: [Int] = []
  /// The suite of each run of names: the run starts at name `start`.
  private var nameRuns: [(suite: String, start: Int)] = []

  private struct FileState {
    var path: String
    var tests = 0
    var testTime = Duration.zero
    var suiteTime: Duration? = .zero
    var hasTopLevelSuite = false
    var rootTime: Duration?
    var isPartial = false
  }

  /// Creates a builder.
  package init(source: TestSummary.Source = .junit) {
    summary = TestSummary(source: source)
  }

  /// Starts a new file; the events that follow belong to it.
  package mutating func beginFile(_ path: String) {
    endFile()
    file = FileState(path: path)
  }

  /// Applies events in order.
  package mutating func apply(_ events: [JUnitEvent]) {
    for event in events { apply(event) }
  }

  /// Applies one event.
  package mutating func apply(_ event: JUnitEvent) {
    if file == nil { file = FileState(path: "junit") }
    switch event {
    case .testCase(let result): add(result)
    case .suiteEnded(_, let time, let depth):
      guard depth == 0 else { return }
      file?.hasTopLevelSuite = true
      if let time, let sum = file?.suiteTime {
        file?.suiteTime = sum + time
      } else {
        file?.suiteTime = nil
      }
    case .reportEnded(let time):
      file?.rootTime = time
    case .failed:
      file?.isPartial = true
    }
  }

  /// Counts one test case; its name is made only when the case is listed.
  mutating func add(_ test: some TestCaseFacts) {
    if file == nil { file = FileState(path: "junit") }
    summary.total += 1
    file?.tests += 1
    let outcome = test.outcome
    switch outcome {
    case .passed: summary.passed += 1
    case .failed: summary.failed += 1
    case .error: summary.errors += 1
    case .skipped: summary.skipped += 1
    }
    if test.isFlaky {
      summary.flaky += 1
      if summary.flakyTests.count < Self.maximumListed {
        summary.flakyTests.append(
          .init(suite: test.suite, name: test.testName, attempts: test.attempts))
      }
    }
    if let duration = test.duration {
      summary.testTime += duration
      file?.testTime += duration
      if summary.slowest.count < Self.slowestCount
        || duration > summary.slowest[summary.slowest.count - 1].duration
      {
        insertSlow(.init(suite: test.suite, name: test.testName, duration: duration))
      }
    }
    if outcome == .failed || outcome == .error {
      if summary.failures.count < Self.maximumListed {
        let result = test.result()
        var failure = TestSummary.Failure(
          suite: result.suite, name: result.name, outcome: result.outcome, message: result.message,
          failureType: result.failureType, attempts: result.attempts, isFlaky: result.isFlaky,
          details: result.details, output: result.output, cutBytes: result.cutBytes,
          file: result.file, line: result.line)
        let size = (failure.details?.utf8.count ?? 0) + (failure.output?.utf8.count ?? 0)
        if keptText + size > Self.maximumKeptText {
          failure.cutBytes += size
          failure.details = nil
          failure.output = nil
        } else {
          keptText += size
        }
        summary.failures.append(failure)
      } else {
        summary.unlistedFailures += 1
      }
    }
    addToSuite(test)
    if nameBytes != nil { keepName(test) }
  }

  /// Adds the test's name to `nameBytes`, or drops every name past a limit.
  private mutating func keepName(_ test: some TestCaseFacts) {
    guard nameEnds.count < Self.maximumNamed else {
      dropNames()
      return
    }
    test.appendName(to: &nameBytes)
    let end = nameBytes?.count ?? 0
    guard end <= Self.maximumNameBytes else {
      dropNames()
      return
    }
    if nameRuns.last?.suite != test.suite { nameRuns.append((test.suite, nameEnds.count)) }
    nameEnds.append(end)
  }

  private mutating func dropNames() {
    nameBytes = nil
    nameEnds = []
    nameRuns = []
  }

  /// The kept names by suite, each list sorted by UTF-8 bytes and without repeats.
  ///
  /// Sorted and deduplicated as byte ranges, mostly by their first eight bytes as one number,
  /// so a `String` is made once per distinct name (comparing strings, or bytes one element at
  /// a time, costs several times more: 25,000 names took 40 M instructions that way).
  private func names() -> [String: [String]]? {
    guard let bytes = nameBytes else { return nil }
    return bytes.withUnsafeBufferPointer { buffer in
      var keys: [String: [NameKey]] = [:]
      for (runIndex, run) in nameRuns.enumerated() {
        let end = runIndex + 1 < nameRuns.count ? nameRuns[runIndex + 1].start : nameEnds.count
        keys[run.suite, default: []].append(
          contentsOf: (run.start..<end).lazy.map {
            NameKey(($0 == 0 ? 0 : nameEnds[$0 - 1])..<nameEnds[$0], in: buffer)
          })
      }
      return keys.mapValues { list in
        let sorted = list.sorted { $0.precedes($1, in: buffer) }
        var names: [String] = []
        names.reserveCapacity(sorted.count)
        var last: UnsafeBufferPointer<UInt8>?
        for key in sorted {
          let name = UnsafeBufferPointer(rebasing: buffer[key.range])
          if let last, ByteSearch.equal(last, name) { continue }
          names.append(String(decoding: name, as: UTF8.self))
          last = name
        }
        return names
      }
    }
  }

  /// A name to sort: its first eight bytes as a big-endian number decide most comparisons
  /// without reading the bytes again.
  private struct NameKey {
    var head: UInt64
    var range: Range<Int>

    init(_ range: Range<Int>, in buffer: UnsafeBufferPointer<UInt8>) {
      var head: UInt64 = 0
      for offset in 0..<8 {
        head <<= 8
        if offset < range.count { head |= UInt64(buffer[range.lowerBound + offset]) }
      }
      self.head = head
      self.range = range
    }

    /// Whether this name sorts before `other` in byte order (a prefix first).
    ///
    /// Different heads order the names as their bytes do: the first differing byte is in the
    /// head, or the shorter name is a prefix padded with zeros.
    func precedes(_ other: NameKey, in buffer: UnsafeBufferPointer<UInt8>) -> Bool {
      if head != other.head { return head < other.head }
      return ByteSearch.precedes(
        UnsafeBufferPointer(rebasing: buffer[range]),
        UnsafeBufferPointer(rebasing: buffer[other.range]))
    }
  }

  private mutating func insertSlow(_ test: TestSummary.TimedTest) {
    if summary.slowest.count == Self.slowestCount, let last = summary.slowest.last,
      test.duration <= last.duration
    {
      return
    }
    let index = summary.slowest.firstIndex { $0.duration < test.duration } ?? summary.slowest.count
    summary.slowest.insert(test, at: index)
    if summary.slowest.count > Self.slowestCount { summary.slowest.removeLast() }
  }

  private mutating func addToSuite(_ result: some TestCaseFacts) {
    let index: Int
    if let last = lastSuite, last.name == result.suite {
      index = last.index
    } else {
      index = suiteRow(result.suite)
      lastSuite = (result.suite, index)
    }
    summary.suites[index].total += 1
    switch result.outcome {
    case .passed: summary.suites[index].passed += 1
    case .failed: summary.suites[index].failed += 1
    case .error: summary.suites[index].errors += 1
    case .skipped: summary.suites[index].skipped += 1
    }
    if result.isFlaky { summary.suites[index].flaky += 1 }
    if let duration = result.duration { summary.suites[index].testTime += duration }
  }

  /// The row of a suite, added when new (or the "(other suites)" row beyond the limit).
  private mutating func suiteRow(_ suite: String) -> Int {
    var name = suite
    if suiteIndex[name] == nil, suiteIndex.count >= Self.maximumSuites { name = "(other suites)" }
    let index: Int
    if let known = suiteIndex[name] {
      index = known
    } else {
      index = summary.suites.count
      suiteIndex[name] = index
      summary.suites.append(
        .init(
          name: name, total: 0, passed: 0, failed: 0, errors: 0, skipped: 0, flaky: 0,
          testTime: .zero))
    }
    return index
  }

  private mutating func endFile() {
    guard let state = file else { return }
    file = nil
    let wall = state.rootTime ?? (state.hasTopLevelSuite ? state.suiteTime : nil) ?? state.testTime
    summary.duration = (summary.duration ?? .zero) + wall
    summary.files.append(.init(path: state.path, tests: state.tests, isPartial: state.isPartial))
  }

  /// The summary of every file applied so far.
  package func build() -> TestSummary {
    var copy = self
    copy.endFile()
    copy.summary.testNames = names()
    if copy.summary.testNames == nil {
      copy.summary.testNamesNotKeptBecause =
        "more than 100,000 tests or 16 MiB of test names (names are not kept past that)"
    }
    return copy.summary
  }
}

/// What the summary reads of a test case; the name and the full result are asked for only
/// when the case is listed.
protocol TestCaseFacts {
  var suite: String { get }
  var outcome: TestCaseResult.Outcome { get }
  var isFlaky: Bool { get }
  var attempts: Int { get }
  var duration: Duration? { get }
  /// The test's name.
  var testName: String { get }
  /// Everything known of the case.
  func result() -> TestCaseResult
  /// Appends the name's UTF-8 bytes to `bytes` (when not `nil`) without making a `String`.
  func appendName(to bytes: inout [UInt8]?)
}

extension TestCaseResult: TestCaseFacts {
  var testName: String { name }
  func result() -> TestCaseResult { self }
  func appendName(to bytes: inout [UInt8]?) { bytes?.append(contentsOf: name.utf8) }
}
