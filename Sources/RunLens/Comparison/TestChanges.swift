/// The tests of a candidate run against its baseline: newly failing, fixed, and the change in
/// counts, from the JUnit or nextest facts of both sides.
///
/// Added and removed tests need every test's name on both sides; ``TestSummary`` keeps the
/// failures, the flaky and the slowest tests only, so they are not told here.
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

  /// Failing in the candidate, failing in no baseline run.
  package var newlyFailing: [Test]
  /// Failing in the newest baseline run, not failing in the candidate (which has tests).
  package var fixed: [Test]
  /// Still failing on both sides.
  package var stillFailing: [Test]
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
    let newest = baseline.first { $0 != nil } ?? nil
    let everFailing = baseline.reduce(into: Set<Test>()) { $0.formUnion(failing($1)) }
    let now = failing(candidate)
    newlyFailing = now.subtracting(everFailing).sorted()
    stillFailing = now.intersection(failing(newest)).sorted()
    fixed = candidate == nil ? [] : failing(newest).subtracting(now).sorted()
    self.baseline = counts(newest)
    self.candidate = counts(candidate)
  }

  /// Whether there is anything to show.
  package var isEmpty: Bool { baseline == nil && candidate == nil }

  /// The section for the PR comment.
  package func markdown() -> String {
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
    ] where !tests.isEmpty {
      out += "**\(title) (\(tests.count)):** "
      out += tests.prefix(50).map { Markdown.code("\($0.suite) \($0.name)") }.joined(
        separator: ", ")
      if tests.count > 50 { out += ", … \(tests.count - 50) more" }
      out += "\n\n"
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
