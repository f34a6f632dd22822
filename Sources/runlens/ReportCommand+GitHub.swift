import ArgumentParser
import Foundation
import RunLens
import RunLensGitHub

extension ReportCommand {
  /// Checks the GitHub options: `--repo` and `--run` go together.
  func validateGitHub() throws {
    try GitHubAccess.validate(repository: repo)
    if (repo == nil) != (runID == nil) {
      throw ValidationError("--repo and --run go together (OWNER/REPO and the run's id)")
    }
    if attempt != nil, runID == nil { throw ValidationError("--attempt needs --repo and --run") }
    if let attempt, attempt < 1 { throw ValidationError("--attempt must be 1 or more") }
  }

  /// Whether the command has an input besides files: a run to fetch or a steps context.
  var hasGitHubInput: Bool { repo != nil || stepsContext != nil }

  /// Fetches the run into a temporary folder and reports it with the folder as one more input.
  func runFetchingRun() throws {
    guard let repo, let runID else { return }
    let folder = FileManager.default.temporaryDirectory.appendingPathComponent(
      "runlens-run-\(runID)-\(UUID().uuidString)")
    let removeFolder = { _ = try? FileManager.default.removeItem(at: folder) }
    // On an error; ``report(cleanUp:)`` ends the process, so it removes the folder itself.
    defer { removeFolder() }
    let result = try GitHubAccess.fetch(
      repository: repo, run: runID, attempt: attempt, cacheDirectory: cacheDir, into: folder)
    Terminal.printError("runlens: \(repo) run \(runID): \(result.summary)")
    var local = self
    local.repo = nil
    local.runID = nil
    local.inputs.append(folder.path)
    try local.report(cleanUp: removeFolder)
  }
}

/// The in-job mode: the job's own cache outcome and steps from `${{ toJSON(steps) }}`, while
/// its log does not exist yet.
enum InJobReport {
  /// Reads the steps context at `path` and adds it to the report's current job
  /// (``StepsContext/apply(_:to:jobKey:source:)``); an unreadable file exits 1.
  static func apply(_ path: String, to report: RunReport) throws -> RunReport {
    guard let data = FileManager.default.contents(atPath: path) else {
      Terminal.printError("error: \(path): cannot read the steps context")
      throw ExitCode.failure
    }
    do {
      let steps = try StepsContext.parse([UInt8](data))
      return StepsContext.apply(
        steps, to: report, jobKey: ProcessInfo.processInfo.environment["GITHUB_JOB"], source: path)
    } catch {
      Terminal.printError("error: \(path): \(error.message)")
      throw ExitCode.failure
    }
  }
}
