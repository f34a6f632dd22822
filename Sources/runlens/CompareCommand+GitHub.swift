import ArgumentParser
import Foundation
import RunLens
import RunLensGitHub

extension CompareCommand {
  /// Checks the GitHub options.
  func validateGitHub() throws {
    try GitHubAccess.validate(repository: repo)
    guard repo != nil else { return }
    if candidateRun == nil { throw ValidationError("--repo needs --candidate-run RUN_ID") }
    if baselineBranch == nil && baselineRun.isEmpty {
      throw ValidationError("--repo needs --baseline-branch BRANCH or --baseline-run RUN_ID")
    }
    if !(1...50).contains(baselineRuns) {
      throw ValidationError("--baseline-runs must be from 1 to 50")
    }
  }

  /// Compares runs fetched from the GitHub API: the candidate run against the last successful
  /// runs of its workflow on the baseline branch (or the runs named).
  func runWithGitHub() throws {
    guard let repo, let candidateRun else { return }
    let client = try GitHubAccess.client()
    let fetcher = RunFetcher(
      client: client, repository: repo, cache: GitHubAccess.cache(cacheDir))
    var configuration = try ConfigurationFile.load(config)
    if let reductionTarget { configuration.targets.prBuildTimeReduction = reductionTarget }
    let candidate: WorkflowRun
    var baseline: [WorkflowRun]
    do {
      candidate = try fetcher.run(candidateRun)
      if !baselineRun.isEmpty {
        baseline = try baselineRun.map { id throws(GitHubError) in try fetcher.run(id) }
      } else {
        baseline = try Self.lastRuns(
          of: candidate, branch: baselineBranch ?? "main", count: baselineRuns, fetcher: fetcher)
      }
    } catch {
      throw GitHubAccess.fail(error)
    }
    if baseline.isEmpty {
      Terminal.printError(
        "warning: no successful completed run of the candidate's workflow on "
          + "\(baselineBranch ?? "main"): nothing to compare against")
    }
    let folder = FileManager.default.temporaryDirectory.appendingPathComponent(
      "runlens-compare-\(UUID().uuidString)")
    defer { try? FileManager.default.removeItem(at: folder) }
    func read(_ run: WorkflowRun) throws -> RunSample {
      let directory = folder.appendingPathComponent("\(run.id)")
      _ = try GitHubAccess.fetch(
        repository: repo, run: run.id, attempt: nil, cacheDirectory: cacheDir, into: directory)
      var inputs = RunInputs()
      inputs.read([directory.path], workers: processorCount())
      for failure in inputs.assembly.failures {
        Terminal.printError("warning: run \(run.id): \(failure.reason)")
      }
      let report = inputs.build(targets: configuration.targets)
      let source = run.url ?? "\(repo) run \(run.id)"
      return RunSample(report: report, source: source)
    }
    let baseSides = try baseline.map(read)
    let candidateSide = try read(candidate)
    // The samples carry their tests: the comparison's Markdown and JSON tell the changes.
    let comparison = Comparison(
      baseline: baseSides, candidate: [candidateSide], targets: configuration.targets)
    let advice = Advice.forComparison(comparison)
    let baseSources = baseline.map(RunSource.init)
    let candidateSources = [RunSource(candidate)]
    let text: String
    if format == .json {
      text = try Self.json(
        ComparisonReport.json(comparison, advice: advice), baseline: baseSources,
        candidate: candidateSources)
    } else {
      // Its first line, `<!-- runlens:comparison -->`, is the marker `runlens comment` finds.
      text =
        ComparisonReport.markdown(comparison, advice: advice, budget: 60_000)
        + "\n" + RunSource.markdown(baseline: baseSources, candidate: candidateSources)
    }
    try OutputWriter.emit(text, to: output)
    if failOnTargets, comparison.targets.contains(where: { $0.met == false }) { throw ExitCode(2) }
  }

  /// The newest successful runs of `candidate`'s workflow on `branch`, the candidate excluded.
  static func lastRuns(of candidate: WorkflowRun, branch: String, count: Int, fetcher: RunFetcher)
    throws(GitHubError) -> [WorkflowRun]
  {
    guard let workflow = candidate.workflowID else {
      throw GitHubError(.badResponse, "run \(candidate.id): no workflow_id in the answer")
    }
    let body = try fetcher.client.get(
      "/repos/\(fetcher.repository)/actions/workflows/\(workflow)/runs",
      query: [
        ("branch", branch), ("status", "success"), ("exclude_pull_requests", "true"),
        ("per_page", String(min(100, count + 5))),
      ], needs: .actionsRead)
    do {
      return WorkflowRuns.baseline(
        from: try WorkflowRuns.parse([UInt8](body)), excluding: candidate.id, count: count)
    } catch {
      throw GitHubError(.badResponse, "workflow \(workflow) runs: \(error.message)")
    }
  }

  /// The comparison's JSON with `baseline.sources` and `candidate.sources` added.
  static func json(_ text: String, baseline: [RunSource], candidate: [RunSource]) throws -> String {
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
