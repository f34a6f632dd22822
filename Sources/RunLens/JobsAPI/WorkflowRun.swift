internal import FoundationEssentials

/// A workflow run as `GET /repos/{o}/{r}/actions/runs/{id}` and the workflow-runs lists
/// describe it.
package struct WorkflowRun: Sendable, Hashable {
  /// The run's id.
  package var id: Int64
  /// The id of the run's workflow.
  package var workflowID: Int64?
  /// The workflow's name (`name` in the API's run).
  package var name: String?
  /// The commit the run built.
  package var headSHA: String?
  /// The branch the run built.
  package var headBranch: String?
  /// The event that started the run (`push`, `pull_request`, …).
  package var event: String?
  /// `queued`, `in_progress`, `completed`, ….
  package var status: String?
  /// `success`, `failure`, …, or `nil` while running.
  package var conclusion: String?
  /// The attempt (1 = first).
  package var attempt: Int?
  /// When the run was created.
  package var createdAt: LogTime?
  /// The run's page on GitHub.
  package var url: String?

  /// Creates a run.
  package init(id: Int64) {
    self.id = id
  }
}

/// Reads runs: one run object, a `{"total_count", "workflow_runs": […]}` page, pages written
/// back to back (`gh api --paginate`), or an array of pages (`--slurp`).
package enum WorkflowRuns {
  /// A document that is not a run or a runs list.
  package typealias ParseError = DocumentError

  /// The runs of a document, in document order.
  ///
  /// - Throws: ``ParseError`` when the text is neither a run nor a runs list.
  package static func parse(_ bytes: [UInt8]) throws(ParseError) -> [WorkflowRun] {
    var runs: [Raw] = []
    let decoder = JSONDecoder()
    for document in JSONPages.split(bytes) {
      let data = Data(document)
      if let page = try? decoder.decode(Page.self, from: data), let list = page.workflow_runs {
        runs += list
      } else if let pages = try? decoder.decode([Page].self, from: data),
        pages.allSatisfy({ $0.workflow_runs != nil })
      {
        runs += pages.flatMap { $0.workflow_runs ?? [] }
      } else if let run = try? decoder.decode(Raw.self, from: data) {
        runs.append(run)
      } else {
        throw ParseError(message: "not a workflow run or a workflow runs list")
      }
    }
    return runs.map { raw in
      var run = WorkflowRun(id: raw.id)
      run.workflowID = raw.workflow_id
      run.name = raw.name
      run.headSHA = raw.head_sha
      run.headBranch = raw.head_branch
      run.event = raw.event
      run.status = raw.status
      run.conclusion = raw.conclusion
      run.attempt = raw.run_attempt
      run.createdAt = raw.created_at.flatMap(LogTime.init(parsingISO8601:))
      run.url = raw.html_url
      return run
    }
  }

  /// The baseline for a comparison: the newest `count` runs that completed successfully,
  /// without `excluded` (the candidate), newest first, each run id once.
  ///
  /// - Parameters:
  ///   - runs: Runs of the candidate's workflow on the baseline branch, in any order.
  ///   - excluded: The candidate run's id.
  ///   - count: How many to pick.
  /// - Returns: At most `count` runs, newest first.
  package static func baseline(from runs: [WorkflowRun], excluding excluded: Int64, count: Int)
    -> [WorkflowRun]
  {
    var seen = Set<Int64>()
    let eligible = runs.filter { run in
      run.id != excluded && run.status == "completed" && run.conclusion == "success"
        && seen.insert(run.id).inserted
    }
    let sorted = eligible.sorted { left, right in
      let l = left.createdAt?.nanosecondsSinceEpoch ?? Int64.min
      let r = right.createdAt?.nanosecondsSinceEpoch ?? Int64.min
      return l != r ? l > r : left.id > right.id
    }
    return Array(sorted.prefix(max(0, count)))
  }

  // swift-format-ignore: AlwaysUseLowerCamelCase
  private struct Page: Decodable {
    var workflow_runs: [Raw]?
  }

  // swift-format-ignore: AlwaysUseLowerCamelCase
  private struct Raw: Decodable {
    var id: Int64
    var name: String?
    var workflow_id: Int64?
    var head_sha: String?
    var head_branch: String?
    var event: String?
    var status: String?
    var conclusion: String?
    var run_attempt: Int?
    var created_at: String?
    var html_url: String?
  }
}

extension APIJob {
  /// Whether GitHub has a log for this job: it completed, was not skipped, and, when cancelled,
  /// got as far as starting a step.
  ///
  /// GitHub answers 404 (`BlobNotFound`) for a queued or running job and for a cancelled job
  /// that never wrote a log; runlens decides from the job's status, not from the 404.
  package var hasDownloadableLog: Bool {
    guard status == "completed" || (status == nil && conclusion != nil) else { return false }
    switch conclusion {
    case "skipped": return false
    case "cancelled": return steps.contains { $0.startedAt != nil }
    default: return true
    }
  }
}
