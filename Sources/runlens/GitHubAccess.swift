import ArgumentParser
import Foundation
import RunLens
import RunLensGitHub

/// What the commands that call the GitHub API share: the connection from the environment,
/// error messages, and fetching a run into a folder.
enum GitHubAccess {
  /// A client for the environment's connection; a missing token is a usage error.
  static func client() throws -> GitHubClient {
    do {
      return GitHubClient(
        connection: try GitHubConnection(environment: ProcessInfo.processInfo.environment))
    } catch {
      if error.code == .noToken { throw ValidationError(error.message) }
      Terminal.printError("error: \(error.message)")
      throw ExitCode.failure
    }
  }

  /// Checks an `OWNER/REPO` argument.
  static func validate(repository: String?) throws {
    guard let repository else { return }
    let parts = repository.split(separator: "/", omittingEmptySubsequences: false)
    let allowed = CharacterSet.alphanumerics.union(CharacterSet(charactersIn: "-_."))
    guard parts.count == 2, parts.allSatisfy({ !$0.isEmpty }),
      repository.unicodeScalars.allSatisfy({ $0 == "/" || allowed.contains($0) })
    else {
      throw ValidationError("--repo must be OWNER/REPO, not \(repository)")
    }
  }

  /// Prints a GitHub error and fails the command (exit 1).
  static func fail(_ error: any Error) -> ExitCode {
    if let error = error as? GitHubError {
      Terminal.printError("error: \(error.message)")
    } else {
      Terminal.printError("error: \(error)")
    }
    return ExitCode.failure
  }

  /// The log cache: `--cache-dir`, else `$XDG_CACHE_HOME/runlens` or `~/.cache/runlens`.
  static func cache(_ directory: String?) -> LogCache {
    LogCache(
      directory: directory.map { URL(fileURLWithPath: $0) }
        ?? LogCache.defaultDirectory(environment: ProcessInfo.processInfo.environment))
  }

  /// Fetches a run's jobs and logs into `directory`, with progress on a terminal and a
  /// diagnostic line per log that could not be fetched.
  static func fetch(
    repository: String, run: Int64, attempt: Int?, cacheDirectory: String?, into directory: URL
  ) throws -> RunFetcher.Result {
    let fetcher = RunFetcher(
      client: try client(), repository: repository, cache: cache(cacheDirectory))
    let showsProgress = Terminal.isInteractive(.standardError)
    var progress: (@Sendable (Int, Int) -> Void)?
    if showsProgress { progress = showProgress }
    do {
      let result = try fetcher.fetch(
        run: run, attempt: attempt, into: directory, progress: progress)
      if showsProgress { Terminal.printError("\r\u{1B}[K", newline: false) }
      for problem in result.problems { Terminal.printError("warning: \(problem)") }
      return result
    } catch {
      throw fail(error)
    }
  }

  /// Shows how many logs are done on the terminal's last line.
  @Sendable static func showProgress(_ done: Int, _ total: Int) {
    Terminal.printError("\rrunlens: \(done)/\(total) logs", newline: false)
  }

  /// Every page of `GET /repos/{o}/{r}/actions/caches`.
  static func caches(_ repository: String) throws -> [CacheEntry] {
    let client = try client()
    do {
      var entries: [CacheEntry] = []
      for page in try client.pages(
        "/repos/\(repository)/actions/caches", query: [("per_page", "100")], needs: .actionsRead)
      {
        entries += try CacheListing.parse([UInt8](page))
      }
      return entries
    } catch let error as DocumentError {
      Terminal.printError("error: \(repository) caches: \(error.message)")
      throw ExitCode.failure
    } catch {
      throw fail(error)
    }
  }

  /// One line about a fetch: logs fetched, jobs still running, jobs without a log.
  static func summary(_ result: RunFetcher.Result) -> String {
    let logs = result.jobs.filter { $0.logPath != nil }.count
    let running = result.jobs.filter { $0.job.status != nil && $0.job.status != "completed" }
      .count
    let failed = result.problems.count
    var text =
      "\(result.jobs.count) job\(result.jobs.count == 1 ? "" : "s"), \(logs) log"
      + (logs == 1 ? "" : "s")
    if running > 0 { text += ", \(running) not completed yet" }
    if failed > 0 { text += ", \(failed) log\(failed == 1 ? "" : "s") could not be fetched" }
    return text
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
    Terminal.printError("runlens: \(output): \(GitHubAccess.summary(result))")
  }
}
