package import Foundation
package import RunLens

/// Fetches a run's jobs and the logs of its completed jobs into a folder:
/// `DIR/jobs.json` (every page merged into one `{"total_count", "jobs": […]}` document) and
/// `DIR/logs/<job_id>.log` per job with a log.
package struct RunFetcher: Sendable {
  /// A job and what became of its log.
  package struct Job: Sendable, Hashable {
    /// The API's job.
    package var job: APIJob
    /// The log's file, when downloaded.
    package var logPath: String?
    /// Why a log that was expected is missing.
    package var problem: String?
  }

  /// The outcome of a fetch.
  package struct Result: Sendable {
    /// The run.
    package var run: WorkflowRun?
    /// The jobs in the API's order.
    package var jobs: [Job]
    /// The merged jobs document's path.
    package var jobsPath: String
    /// Logs that were expected but could not be fetched, one line each.
    package var problems: [String] { jobs.compactMap(\.problem) }
    /// Why fetched logs could not be kept in the cache (the first reason).
    ///
    /// `nil` when they were, or when there is no cache. The logs were written all the same.
    package var cacheProblem: String?
  }

  /// The client.
  package var client: GitHubClient
  /// `owner/name`.
  package var repository: String
  /// Where downloaded logs are kept, `nil` for none.
  package var cache: LogCache?
  /// How many logs download at once.
  package var concurrency = 4

  /// Creates a fetcher.
  package init(client: GitHubClient, repository: String, cache: LogCache?) {
    self.client = client
    self.repository = repository
    self.cache = cache
  }

  /// `GET /repos/{o}/{r}/actions/runs/{id}`.
  package func run(_ id: Int64) throws(GitHubError) -> WorkflowRun {
    let body = try client.get("/repos/\(repository)/actions/runs/\(id)", needs: .actionsRead)
    do {
      guard let run = try WorkflowRuns.parse([UInt8](body)).first else {
        throw DocumentError(message: "empty")
      }
      return run
    } catch {
      throw GitHubError(.badResponse, "run \(id): the answer is not a workflow run")
    }
  }

  /// Every page of the run's jobs (`filter=latest`, or the given attempt's), merged into one
  /// document.
  package func jobsDocument(run: Int64, attempt: Int?) throws(GitHubError) -> Data {
    do {
      return try mergedJobs(run: run, attempt: attempt)
    } catch  where error.code == .notFound {
      throw GitHubError(
        .notFound,
        "run \(run)\(attempt.map { " attempt \($0)" } ?? "") of \(repository) not found (404): "
          + "it does not exist, or the token cannot see it (needs `actions: read`)", status: 404)
    }
  }

  private func mergedJobs(run: Int64, attempt: Int?) throws(GitHubError) -> Data {
    let pages: [Data]
    if let attempt {
      pages = try client.pages(
        "/repos/\(repository)/actions/runs/\(run)/attempts/\(attempt)/jobs",
        query: [("per_page", "100")], needs: .actionsRead)
    } else {
      pages = try client.pages(
        "/repos/\(repository)/actions/runs/\(run)/jobs",
        query: [("filter", "latest"), ("per_page", "100")], needs: .actionsRead)
    }
    var jobs: [Any] = []
    var total: Int?
    for page in pages {
      guard let object = try? JSONSerialization.jsonObject(with: page) as? [String: Any],
        let list = object["jobs"] as? [Any]
      else {
        throw GitHubError(.badResponse, "run \(run): a jobs page is not a jobs envelope")
      }
      jobs += list
      if total == nil { total = object["total_count"] as? Int }
    }
    let merged: [String: Any] = ["total_count": total ?? jobs.count, "jobs": jobs]
    do {
      return try JSONSerialization.data(
        withJSONObject: merged, options: [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes])
    } catch {
      throw GitHubError(.badResponse, "run \(run): cannot write the merged jobs document")
    }
  }

  /// Fetches the run's jobs and every completed job's log into `directory`.
  ///
  /// A log that fails leaves the others; its job carries a ``Job/problem``.
  ///
  /// - Parameters:
  ///   - id: The run's id.
  ///   - attempt: The attempt, `nil` for the latest.
  ///   - directory: The folder to write.
  ///   - progress: Called with (done, total) after each log, from any thread.
  /// - Returns: The jobs and where their logs went.
  /// - Throws: ``GitHubError`` when the run or its jobs cannot be read or the folder written.
  package func fetch(
    run id: Int64, attempt: Int?, into directory: URL,
    progress: (@Sendable (Int, Int) -> Void)? = nil
  ) throws(GitHubError) -> Result {
    let runInfo = try? run(id)
    let document = try jobsDocument(run: id, attempt: attempt)
    let jobsPath = directory.appendingPathComponent("jobs.json")
    try AtomicFile.write(document, to: jobsPath)
    let apiJobs: [APIJob]
    do {
      apiJobs = try JobsAPI.parse([UInt8](document))
    } catch {
      throw GitHubError(.badResponse, "run \(id): \(error.message)")
    }
    var jobs = apiJobs.map { Job(job: $0) }
    // Each job id once: two downloads to one file would race (a list that repeats a job).
    var seen = Set<Int64>()
    let wanted = jobs.indices.filter { index in
      guard jobs[index].job.hasDownloadableLog, let id = jobs[index].job.id else { return false }
      return seen.insert(id).inserted
    }
    let outcomes = Mutex([Int64: (String?, String?)]())
    let cacheProblem = Mutex<String?>(nil)
    let next = Mutex(0)
    let done = Mutex(0)
    let group = DispatchGroup()
    let logs = directory.appendingPathComponent("logs")
    if !wanted.isEmpty {
      do {
        try FileManager.default.createDirectory(at: logs, withIntermediateDirectories: true)
      } catch {
        throw GitHubError(.file, "\(logs.path): cannot write: \(error.localizedDescription)")
      }
    }
    let host = client.connection.baseURL.host ?? "github"
    for _ in 0..<max(1, min(concurrency, wanted.count)) {
      DispatchQueue.global().async(group: group) { [self] in
        while true {
          let position = next.withLock { value -> Int? in
            guard value < wanted.count else { return nil }
            defer { value += 1 }
            return value
          }
          guard let position else { return }
          let index = wanted[position]
          let job = apiJobs[index]
          guard let jobID = job.id else { continue }
          let target = logs.appendingPathComponent("\(jobID).log")
          var outcome: (String?, String?)
          do throws(GitHubError) {
            if let cached = cache?.cached(host: host, jobID: jobID) {
              try AtomicFile.copy(cached, to: target)
            } else {
              // Downloaded into the folder as it arrives, then renamed into place.
              let temporary = AtomicFile.temporary(for: target)
              do throws(GitHubError) {
                try client.jobLog(repository: repository, jobID: jobID, to: temporary)
                try AtomicFile.replace(target, with: temporary)
              } catch {
                try? FileManager.default.removeItem(at: temporary)
                throw error
              }
              // A cache that cannot be written loses the cache, not the log.
              do throws(GitHubError) {
                try cache?.store(copyOf: target, host: host, jobID: jobID)
              } catch {
                cacheProblem.withLock { $0 = $0 ?? error.message }
              }
            }
            outcome = (target.path, nil)
          } catch {
            outcome = (nil, "job \(jobID) (\(job.name)): no log: \(error.message)")
          }
          outcomes.withLock { $0[jobID] = outcome }
          let count = done.withLock { value -> Int in
            value += 1
            return value
          }
          progress?(count, wanted.count)
        }
      }
    }
    group.wait()
    let results = outcomes.withLock { $0 }
    for index in jobs.indices {
      guard let id = jobs[index].job.id, let outcome = results[id] else { continue }
      jobs[index].logPath = outcome.0
      jobs[index].problem = outcome.1
    }
    return Result(
      run: runInfo, jobs: jobs, jobsPath: jobsPath.path,
      cacheProblem: cacheProblem.withLock { $0 })
  }
}

extension RunFetcher.Job {
  init(job: APIJob) {
    self.job = job
  }
}
