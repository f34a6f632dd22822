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
    defer { try? FileManager.default.removeItem(at: folder) }
    let result = try GitHubAccess.fetch(
      repository: repo, run: runID, attempt: attempt, cacheDirectory: cacheDir, into: folder)
    Terminal.printError("runlens: \(repo) run \(runID): \(GitHubAccess.summary(result))")
    var local = self
    local.repo = nil
    local.runID = nil
    local.inputs.append(folder.path)
    try local.run()
  }
}

/// The in-job mode: the job's own cache outcome and steps from `${{ toJSON(steps) }}`, while
/// its log does not exist yet.
enum InJobReport {
  /// Adds the steps context's cache restores (and, without the jobs API, its steps) to the
  /// current job: the one job still in progress, else the job named `$GITHUB_JOB`, else a new
  /// job named after it.
  static func apply(_ path: String, to jobs: [JobRun]) throws -> [JobRun] {
    guard let data = FileManager.default.contents(atPath: path) else {
      Terminal.printError("error: \(path): cannot read the steps context")
      throw ExitCode.failure
    }
    let steps: [StepsContext.Step]
    do {
      steps = try StepsContext.parse([UInt8](data))
    } catch {
      Terminal.printError("error: \(path): \(error.message)")
      throw ExitCode.failure
    }
    let environment = ProcessInfo.processInfo.environment
    let jobKey = environment["GITHUB_JOB"].flatMap { $0.isEmpty ? nil : $0 }
    var jobs = jobs
    let running = jobs.indices.filter { jobs[$0].status == "in_progress" }
    var index: Int?
    if let jobKey {
      index = jobs.firstIndex { $0.name == jobKey || $0.name.hasPrefix(jobKey + " (") }
    }
    if index == nil, running.count == 1 { index = running[0] }
    if index == nil {
      var job = JobRun(name: jobKey ?? "this job", source: path)
      job.hasLog = false
      job.status = "in_progress"
      jobs.append(job)
      index = jobs.count - 1
    }
    guard let index else { return jobs }
    var restores = StepsContext.restores(steps)
    // The API's steps carry names and times; the context only ids.
    let stepTimes = jobs[index].steps
    for position in restores.indices {
      restores[position].duration =
        stepTimes.first { $0.name == restores[position].step }?
        .duration
    }
    jobs[index].restores += restores
    if jobs[index].steps.isEmpty {
      jobs[index].steps = steps.map { step in
        Step(name: step.id, kind: .action, line: 0, conclusion: step.conclusion ?? step.outcome)
      }
    }
    return jobs
  }
}
