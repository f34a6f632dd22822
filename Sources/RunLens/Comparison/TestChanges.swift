/// The tests of a candidate run against its baseline: newly failing, fixed, added and removed
/// tests, and the change in counts, from the JUnit or nextest facts of both sides.
///
/// Added and removed tests are told against the newest baseline run whose test names are
/// known (``TestSummary/testNames``); when the candidate's or every baseline run's names are
/// not known, ``namesNotToldBecause`` says why.
package struct TestChanges: Sendable, Hashable {
  /// A test by suite (or nextest binary) and name.
  package struct Test: Sendable, Hashable, Comparable {
    /// The suite, class or nextest binary.
    package var suite: String
    /// The test's name.
    package var name: String

    /// Orders by suite, then name.
    package static func < (left: Test, right: Test) -> Bool {
      (left.suite, left.name) < (right.suite, right.name)
    }
  }

  /// Counts of one side.
  package struct Counts: Sendable, Hashable {
    /// Tests run.
    package var total: Int
    /// Passed.
    package var passed: Int
    /// Failed (errors included).
    package var failed: Int
    /// Skipped.
    package var skipped: Int
  }

  /// The most tests a Markdown list names; the rest are counted.
  package static let listed = 50

  /// Failing in the candidate, failing in no baseline run.
  package var newlyFailing: [Test]
  /// Failing in the newest baseline run, not failing in the candidate (which has tests).
  package var fixed: [Test]
  /// Still failing on both sides.
  package var stillFailing: [Test]
  /// In the candidate, not in the baseline run ``namesBaseline`` (empty when not told).
  package var added: [Test] = []
  /// In the baseline run ``namesBaseline``, not in the candidate (empty when not told).
  package var removed: [Test] = []
  /// The baseline run added and removed tests are told against: the newest with test names.
  package var namesBaseline: String?
  /// Why added and removed tests are not told, when they are not (and some side has tests).
  package var namesNotToldBecause: String?
  /// The newest baseline run's counts.
  package var baseline: Counts?
  /// The candidate's counts.
  package var candidate: Counts?

  /// Compares the candidate's tests with the baseline runs' (newest first).
  ///
  /// - Parameters:
  ///   - baseline: The baseline runs' test facts, newest first (`nil` for a run without tests).
  ///   - candidate: The candidate's test facts.
  package init(baseline: [TestSummary?], candidate: TestSummary?) {
    self.init(
      baselineRuns: baseline.enumerated().map { ("baseline run \($0.offset + 1)", $0.element) },
      candidate: candidate)
  }

  /// Compares the candidate's tests with the baseline runs' (newest first), naming the runs.
  ///
  /// - Parameters:
  ///   - baseline: Each baseline run's name (its source) and test facts, newest first.
  ///   - candidate: The candidate's test facts.
  package init(
    baselineRuns baseline: [(source: String, tests: TestSummary?)], candidate: TestSummary?
  ) {
    func failing(_ summary: TestSummary?) -> Set<Test> {
      Set((summary?.failures ?? []).map { Test(suite: $0.suite, name: $0.name) })
    }
    func counts(_ summary: TestSummary?) -> Counts? {
      summary.map {
        Counts(
          total: $0.total, passed: $0.passed,
          failed: $0.failed.addingReportingOverflow($0.errors)
            .partialValue, skipped: $0.skipped)
      }
    }
    let newest = baseline.first { $0.tests != nil }?.tests
    let everFailing = baseline.reduce(into: Set<Test>()) { $0.formUnion(failing($1.tests)) }
    let now = failing(candidate)
    newlyFailing = now.subtracting(everFailing).sorted()
    stillFailing = now.intersection(failing(newest)).sorted()
    fixed = candidate == nil ? [] : failing(newest).subtracting(now).sorted()
    self.baseline = counts(newest)
    self.candidate = counts(candidate)
    guard newest != nil || candidate != nil else { return }
    guard let candidateNames = candidate?.testNames else {
      namesNotToldBecause = "the candidate's test names are not known (\(Self.why(candidate)))"
      return
    }
    guard let named = baseline.first(where: { $0.tests?.testNames != nil }),
      let baselineNames = named.tests?.testNames
    else {
      let reason = newest.map(Self.why) ?? "no baseline run has test results"
      namesNotToldBecause = "no baseline run's test names are known (\(reason))"
      return
    }
    namesBaseline = named.source
    (added, removed) = Self.difference(candidateNames, baselineNames)
  }

  /// The tests only in `candidate` and those only in `baseline`, each sorted.
  private static func difference(
    _ candidate: [String: [String]], _ baseline: [String: [String]]
  ) -> (added: [Test], removed: [Test]) {
    func only(_ first: [String: [String]], _ second: [String: [String]]) -> [Test] {
      var tests: [Test] = []
      for (suite, names) in first {
        let other = Set(second[suite] ?? [])
        tests += names.filter { !other.contains($0) }.map { Test(suite: suite, name: $0) }
      }
      return tests.sorted()
    }
    return (only(candidate, baseline), only(baseline, candidate))
  }

  /// Why a side's test names are not known.
  private static func why(_ summary: TestSummary?) -> String {
    guard let summary else { return "no test results" }
    if let reason = summary.testNamesNotKeptBecause { return reason }
    if summary.source == .nextestLog {
      return "nextest's log names only failing and flaky tests; give its JUnit file"
    }
    return "its metrics JSON has no tests.names: written by an older runlens"
  }

  /// Whether there is anything to show.
  package var isEmpty: Bool { baseline == nil && candidate == nil }

  /// The section for the PR comment.
  ///
  /// - Parameter limit: The most tests named in each list; the rest are counted.
  /// - Returns: The Markdown, empty when neither side has test results.
  package func markdown(limit: Int = listed) -> String {
    guard !isEmpty else { return "" }
    var out = "### Tests against the baseline\n\n"
    func cell(_ value: Int?) -> String { value.map(String.init) ?? "—" }
    func change(_ before: Int?, _ after: Int?) -> String {
      guard let before, let after else { return "—" }
      let delta = after.subtractingReportingOverflow(before).partialValue
      return delta > 0 ? "+\(delta)" : delta == 0 ? "±0" : "\(delta)"
    }
    out += "| | Baseline (newest) | Candidate | Change |\n| --- | ---: | ---: | ---: |\n"
    let rows: [(String, (Counts) -> Int)] = [
      ("Tests", { $0.total }), ("Passed", { $0.passed }), ("Failed", { $0.failed }),
      ("Skipped", { $0.skipped }),
    ]
    for (title, value) in rows {
      let before = baseline.map(value)
      let after = candidate.map(value)
      out += "| \(title) | \(cell(before)) | \(cell(after)) | \(change(before, after)) |\n"
    }
    out += "\n"
    for (title, tests) in [
      ("❌ Newly failing", newlyFailing), ("✅ Fixed", fixed), ("⚠️ Still failing", stillFailing),
      ("➕ Added", added), ("➖ Removed", removed),
    ] where !tests.isEmpty {
      out += "**\(title) (\(tests.count)):** "
      out += tests.prefix(limit).map { Markdown.code("\($0.suite) \($0.name)") }.joined(
        separator: ", ")
      if tests.count > limit { out += ", and \(tests.count - limit) more" }
      out += "\n\n"
    }
    if let namesBaseline {
      out += "Added and removed tests are against \(Markdown.code(namesBaseline)), the newest "
      out += "baseline run whose test names are known"
      out += added.isEmpty && removed.isEmpty ? ": none.\n\n" : ".\n\n"
    } else if let namesNotToldBecause {
      out += "Added and removed tests are not told: \(Markdown.text(namesNotToldBecause)).\n\n"
    }
    return out
  }
}

/// A run a comparison used, for the links under it.
package struct RunSource: Sendable, Hashable {
  /// The run's id.
  package var runID: Int64
  /// The commit.
  package var sha: String?
  /// When the run was created.
  package var createdAt: LogTime?
  /// The run's page.
  package var url: String?

  /// Creates a source from a workflow run.
  package init(_ run: WorkflowRun) {
    runID = run.id
    sha = run.headSHA
    createdAt = run.createdAt
    url = run.url
  }

  /// Markdown lines naming the runs of both sides, with links.
  package static func markdown(baseline: [RunSource], candidate: [RunSource]) -> String {
    func line(_ source: RunSource) -> String {
      let name = source.url.map { "[\(source.runID)](\($0))" } ?? "\(source.runID)"
      let sha = source.sha.map { " · " + Markdown.code(String($0.prefix(7))) } ?? ""
      let date = source.createdAt.map { " · \(String($0.text.prefix(10)))" } ?? ""
      return "- run \(name)\(sha)\(date)\n"
    }
    var out = "### Runs compared\n\n"
    out += "**Baseline (\(baseline.count)):**\n\n" + baseline.map(line).joined() + "\n"
    out += "**Candidate:**\n\n" + candidate.map(line).joined() + "\n"
    return out
  }
}
