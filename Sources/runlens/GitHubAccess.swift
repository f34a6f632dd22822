import ArgumentParser
import Foundation
import RunLensGitHub

/// The command line's side of the GitHub API: the session from the process environment,
/// progress on a terminal, and errors on standard error.
enum GitHubAccess {
  /// The environment's session (``GitHubSession``); a missing token is a usage error.
  static func session(cacheDirectory: String? = nil) throws -> GitHubSession {
    do {
      return try GitHubSession(
        environment: ProcessInfo.processInfo.environment, cacheDirectory: cacheDirectory)
    } catch {
      throw fail(error)
    }
  }

  /// Checks an `OWNER/REPO` argument.
  static func validate(repository: String?) throws {
    if let message = repository.flatMap(GitHubSession.repositoryProblem) {
      throw ValidationError(message)
    }
  }

  /// Prints a GitHub error and fails the command: exit 1, or 64 for a usage error.
  static func fail(_ error: any Error) -> any Error {
    if let error = error as? GitHubError, error.isUsageError {
      return ValidationError(error.message)
    }
    Terminal.printError("error: \(GitHubError.message(for: error))")
    return ExitCode.failure
  }

  /// Fetches a run's jobs and logs into `directory`, with progress on a terminal and a
  /// warning per log that could not be fetched.
  static func fetch(
    repository: String, run: Int64, attempt: Int?, cacheDirectory: String?, into directory: URL
  ) throws -> RunFetcher.Result {
    let session = try session(cacheDirectory: cacheDirectory)
    var line: (@Sendable (String) -> Void)?
    if Terminal.isInteractive(.standardError) { line = { Terminal.printError($0, newline: false) } }
    do {
      let result = try session.fetch(
        repository, run: run, attempt: attempt, into: directory, progressLine: line)
      for problem in result.problems { Terminal.printError("warning: \(problem)") }
      if let problem = result.cacheProblem {
        Terminal.printError("warning: the logs are not kept in the cache: \(problem)")
      }
      return result
    } catch {
      throw fail(error)
    }
  }
}

/// `runlens fetch`: a run's jobs and completed jobs' logs, from the GitHub API into a folder.
struct FetchCommand: ParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "fetch",
    abstract: "Download a run's jobs and the logs of its completed jobs from the GitHub API.",
    discussion: """
      Writes DIR/jobs.json (every page of the run's jobs in one document) and
      DIR/logs/<job_id>.log for each completed job; `runlens report DIR` reads the folder.
      Logs of jobs still queued or running are not requested. The token comes from GH_TOKEN,
      else GITHUB_TOKEN (needs actions: read); the API from GITHUB_API_URL.
      Exit codes: 0 fetched (a log that failed is a warning); 1 the run or its jobs could not be
      read; 64 usage error.
      """
  )

  @Option(help: "The repository, OWNER/REPO.")
  var repo: String

  @Option(name: .customLong("run"), help: "The run's id (github.run_id).")
  var runID: Int64

  @Option(help: "The run attempt (default: the latest).")
  var attempt: Int?

  @Option(name: .shortAndLong, help: "The folder to write.")
  var output: String

  @Option(help: "Where downloaded logs are kept (default: $XDG_CACHE_HOME/runlens).")
  var cacheDir: String?

  func validate() throws {
    try GitHubAccess.validate(repository: repo)
    if let attempt, attempt < 1 { throw ValidationError("--attempt must be 1 or more") }
  }

  func run() throws {
    let result = try GitHubAccess.fetch(
      repository: repo, run: runID, attempt: attempt, cacheDirectory: cacheDir,
      into: URL(fileURLWithPath: output))
    Terminal.printError("runlens: \(output): \(result.summary)")
  }
}
