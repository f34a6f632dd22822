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

  /// Compares runs fetched from the GitHub API (``GitHubComparison``): each run is fetched into
  /// a temporary folder and read as `report` reads a folder.
  func runWithGitHub() throws {
    guard let repo, let candidateRun else { return }
    let session = try GitHubAccess.session(cacheDirectory: cacheDir)
    var configuration = try ConfigurationFile.load(config)
    if let reductionTarget { configuration.targets.prBuildTimeReduction = reductionTarget }
    var github = GitHubComparison(repository: repo, candidateRun: candidateRun)
    github.baselineRuns = baselineRun
    github.baselineBranch = baselineBranch ?? "main"
    github.baselineCount = baselineRuns
    let runs: (candidate: WorkflowRun, baseline: [WorkflowRun])
    do {
      runs = try github.runs(with: session.fetcher(repo))
    } catch {
      throw GitHubAccess.fail(error)
    }
    if runs.baseline.isEmpty { Terminal.printError("warning: \(github.noBaselineWarning)") }
    let folder = FileManager.default.temporaryDirectory.appendingPathComponent(
      "runlens-compare-\(UUID().uuidString)")
    defer { try? FileManager.default.removeItem(at: folder) }
    let (comparison, text) = try github.render(
      candidate: runs.candidate, baseline: runs.baseline, targets: configuration.targets,
      json: format == .json
    ) { run in
      let directory = folder.appendingPathComponent("\(run.id)")
      _ = try GitHubAccess.fetch(
        repository: repo, run: run.id, attempt: nil, cacheDirectory: cacheDir, into: directory)
      var inputs = RunInputs()
      inputs.read([directory.path], workers: processorCount())
      for failure in inputs.assembly.failures {
        Terminal.printError("warning: run \(run.id): \(failure.reason)")
      }
      return inputs.build(targets: configuration.targets)
    }
    try OutputWriter.emit(text, to: output)
    if failOnTargets, comparison.targets.contains(where: { $0.met == false }) { throw ExitCode(2) }
  }
}
