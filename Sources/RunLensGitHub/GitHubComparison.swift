import Foundation
package import RunLens

/// A comparison of runs fetched from the GitHub API: a candidate run against the last
/// successful runs of its workflow on a baseline branch, or against the runs named.
package struct GitHubComparison: Sendable {
  /// `owner/name`.
  package var repository: String
  /// The candidate run's id.
  package var candidateRun: Int64
  /// Baseline runs named by id; when empty, the baseline is picked from ``baselineBranch``.
  package var baselineRuns: [Int64] = []
  /// The branch whose last successful runs are the baseline.
  package var baselineBranch = "main"
  /// How many runs the branch gives, 1 to 50.
  package var baselineCount = 5

  /// Creates a comparison of `candidateRun` in `repository`.
  package init(repository: String, candidateRun: Int64) {
    self.repository = repository
    self.candidateRun = candidateRun
  }

  /// The runs compared: the candidate, and the baseline runs named or else picked from the
  /// branch.
  ///
  /// - Throws: ``GitHubError`` when a run cannot be read.
  package func runs(with fetcher: RunFetcher) throws(GitHubError) -> (
    candidate: WorkflowRun, baseline: [WorkflowRun]
  ) {
    let candidate = try fetcher.run(candidateRun)
    guard baselineRuns.isEmpty else {
      return (candidate, try baselineRuns.map { id throws(GitHubError) in try fetcher.run(id) })
    }
    let baseline = try fetcher.lastRuns(of: candidate, branch: baselineBranch, count: baselineCount)
    return (candidate, baseline)
  }

  /// The warning for a baseline that came out empty.
  package var noBaselineWarning: String {
    "no successful completed run of the candidate's workflow on \(baselineBranch): nothing to "
      + "compare against"
  }

  /// Compares the runs and renders the comparison.
  ///
  /// - Parameters:
  ///   - candidate: The candidate run.
  ///   - baseline: The baseline runs.
  ///   - targets: The targets judged.
  ///   - json: Whether to render JSON (else Markdown for a pull-request comment, whose first
  ///     line, `<!-- runlens:comparison -->`, is the marker `runlens comment` finds).
  ///   - report: Reads one run (fetched into a folder) as a report; called for each baseline
  ///     run in order, then for the candidate.
  /// - Returns: The comparison and its text.
  /// - Throws: What `report` throws, or an error of `JSONSerialization`.
  package func render(
    candidate: WorkflowRun, baseline: [WorkflowRun], targets: Targets, json: Bool,
    report: (WorkflowRun) throws -> RunReport
  ) throws -> (comparison: Comparison, text: String) {
    func side(_ run: WorkflowRun) throws -> RunSample {
      RunSample(report: try report(run), source: run.url ?? "\(repository) run \(run.id)")
    }
    let baseSides = try baseline.map(side)
    let candidateSide = try side(candidate)
    // The samples carry their tests: the comparison's Markdown and JSON tell the changes
    // (newly failing, fixed, added, removed) against the baseline, given newest first.
    let comparison = Comparison(baseline: baseSides, candidate: [candidateSide], targets: targets)
    let advice = Advice.forComparison(comparison)
    let baseSources = baseline.map(RunSource.init)
    let candidateSources = [RunSource(candidate)]
    if json {
      let text = try Self.json(
        ComparisonReport.json(comparison, advice: advice), baseline: baseSources,
        candidate: candidateSources)
      return (comparison, text)
    }
    let text =
      ComparisonReport.markdown(comparison, advice: advice, budget: 60_000)
      + "\n" + RunSource.markdown(baseline: baseSources, candidate: candidateSources)
    return (comparison, text)
  }

  /// The comparison's JSON with `baseline.sources` and `candidate.sources` added.
  ///
  /// - Throws: An error of `JSONSerialization` when `text` is not JSON.
  package static func json(
    _ text: String, baseline: [RunSource], candidate: [RunSource]
  ) throws -> String {
    guard var object = try JSONSerialization.jsonObject(with: Data(text.utf8)) as? [String: Any]
    else { return text }
    func sources(_ list: [RunSource]) -> [[String: Any]] {
      list.map { source in
        [
          "runId": source.runID, "sha": source.sha ?? NSNull(),
          "createdAt": source.createdAt?.text ?? NSNull(), "url": source.url ?? NSNull(),
        ]
      }
    }
    for (key, list) in [("baseline", baseline), ("candidate", candidate)] {
      var side = object[key] as? [String: Any] ?? [:]
      side["sources"] = sources(list)
      object[key] = side
    }
    let data = try JSONSerialization.data(
      withJSONObject: object, options: [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes])
    return String(decoding: data, as: UTF8.self) + "\n"
  }
}

extension RunFetcher {
  /// The query that asks for the newest successful runs of a workflow on `branch`: pull
  /// requests' runs excluded, a few more than `count` so that the candidate can be dropped.
  package static func lastRunsQuery(branch: String, count: Int) -> [(String, String)] {
    [
      ("branch", branch), ("status", "success"), ("exclude_pull_requests", "true"),
      ("per_page", String(min(100, count + 5))),
    ]
  }

  /// The newest successful runs of `candidate`'s workflow on `branch`, the candidate excluded.
  ///
  /// - Throws: ``GitHubError``; ``GitHubError/Code/badResponse`` when the run names no
  ///   workflow or the answer is not a list of runs.
  package func lastRuns(of candidate: WorkflowRun, branch: String, count: Int)
    throws(GitHubError) -> [WorkflowRun]
  {
    guard let workflow = candidate.workflowID else {
      throw GitHubError(.badResponse, "run \(candidate.id): no workflow_id in the answer")
    }
    let body = try client.get(
      "/repos/\(repository)/actions/workflows/\(workflow)/runs",
      query: Self.lastRunsQuery(branch: branch, count: count), needs: .actionsRead)
    do {
      return WorkflowRuns.baseline(
        from: try WorkflowRuns.parse([UInt8](body)), excluding: candidate.id, count: count)
    } catch {
      throw GitHubError(.badResponse, "workflow \(workflow) runs: \(error.message)")
    }
  }
}
