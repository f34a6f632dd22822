package import Foundation
package import RunLens

/// What the commands that call the GitHub API share: the client of the environment's
/// connection, the log cache, and the calls they make through them.
package struct GitHubSession: Sendable {
  /// The client.
  package var client: GitHubClient
  /// Where downloaded logs are kept.
  package var cache: LogCache

  /// A session for the connection `environment` describes (see
  /// ``GitHubConnection/init(environment:)``).
  ///
  /// - Parameters:
  ///   - environment: The process environment (a dictionary, so tests pass their own).
  ///   - cacheDirectory: The log cache's folder; `nil` for `$XDG_CACHE_HOME/runlens` or
  ///     `~/.cache/runlens`.
  /// - Throws: ``GitHubError``; ``GitHubError/Code/noToken`` is a usage error
  ///   (``GitHubError/isUsageError``).
  package init(environment: [String: String], cacheDirectory: String? = nil) throws(GitHubError) {
    client = GitHubClient(connection: try GitHubConnection(environment: environment))
    cache = LogCache(
      directory: cacheDirectory.map { URL(fileURLWithPath: $0) }
        ?? LogCache.defaultDirectory(environment: environment))
  }

  /// Why `repository` is not an `OWNER/REPO` argument, or `nil` when it is one.
  package static func repositoryProblem(_ repository: String) -> String? {
    let parts = repository.split(separator: "/", omittingEmptySubsequences: false)
    let allowed = CharacterSet.alphanumerics.union(CharacterSet(charactersIn: "-_."))
    guard parts.count == 2, parts.allSatisfy({ !$0.isEmpty }),
      repository.unicodeScalars.allSatisfy({ $0 == "/" || allowed.contains($0) })
    else {
      return "--repo must be OWNER/REPO, not \(repository)"
    }
    return nil
  }

  /// A fetcher of `repository`'s runs through this session's client and cache.
  package func fetcher(_ repository: String) -> RunFetcher {
    RunFetcher(client: client, repository: repository, cache: cache)
  }

  /// Fetches a run's jobs and completed jobs' logs into `directory` (see
  /// ``RunFetcher/fetch(run:attempt:into:progress:)``).
  ///
  /// - Throws: ``GitHubError`` when the run or its jobs cannot be read or the folder written.
  package func fetch(
    _ repository: String, run: Int64, attempt: Int?, into directory: URL,
    progress: (@Sendable (Int, Int) -> Void)? = nil
  ) throws(GitHubError) -> RunFetcher.Result {
    try fetcher(repository).fetch(run: run, attempt: attempt, into: directory, progress: progress)
  }

  /// Fetches a run as ``fetch(_:run:attempt:into:progress:)`` does, showing how many logs are
  /// done on a terminal's last line through `show` when given: `\r`-led lines, and one that
  /// clears the line after a fetch that succeeded.
  ///
  /// - Throws: ``GitHubError`` when the run or its jobs cannot be read or the folder written.
  package func fetch(
    _ repository: String, run: Int64, attempt: Int?, into directory: URL,
    progressLine show: (@Sendable (String) -> Void)?
  ) throws(GitHubError) -> RunFetcher.Result {
    var progress: (@Sendable (Int, Int) -> Void)?
    if let show { progress = { done, total in show("\rrunlens: \(done)/\(total) logs") } }
    let result = try fetch(
      repository, run: run, attempt: attempt, into: directory, progress: progress)
    show?("\r\u{1B}[K")
    return result
  }

  /// Every page of `GET /repos/{o}/{r}/actions/caches`.
  ///
  /// - Throws: ``GitHubError``; a page that is not a cache listing is
  ///   ``GitHubError/Code/badResponse`` with the repository in its message.
  package func caches(_ repository: String) throws(GitHubError) -> [CacheEntry] {
    var entries: [CacheEntry] = []
    for page in try client.pages(
      "/repos/\(repository)/actions/caches", query: [("per_page", "100")], needs: .actionsRead)
    {
      do {
        entries += try CacheListing.parse([UInt8](page))
      } catch {
        throw GitHubError(.badResponse, "\(repository) caches: \(error.message)")
      }
    }
    return entries
  }
}

extension GitHubError {
  /// Whether the error is the caller's to fix in how it was called (no token): exit 64, not 1.
  package var isUsageError: Bool { code == .noToken }

  /// The message to show for any error a GitHub call gave: a ``GitHubError``'s message, else
  /// the error's description.
  package static func message(for error: any Error) -> String {
    (error as? GitHubError)?.message ?? "\(error)"
  }
}

extension RunFetcher.Result {
  /// One line about the fetch: logs fetched, jobs still running, jobs without a log.
  package var summary: String {
    let logs = jobs.filter { $0.logPath != nil }.count
    let running = jobs.filter { $0.job.status != nil && $0.job.status != "completed" }.count
    let failed = problems.count
    var text =
      "\(jobs.count) job\(jobs.count == 1 ? "" : "s"), \(logs) log" + (logs == 1 ? "" : "s")
    if running > 0 { text += ", \(running) not completed yet" }
    if failed > 0 { text += ", \(failed) log\(failed == 1 ? "" : "s") could not be fetched" }
    return text
  }
}
