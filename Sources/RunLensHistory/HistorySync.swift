package import RunLens

/// The decisions of `runlens history sync`, without I/O: which runs to list, which of the
/// listed runs to fetch, and the identity a fetched run is stored under.
///
/// The command lists a workflow's completed runs through the API
/// (`GET /repos/{o}/{r}/actions/workflows/{workflow}/runs`), fetches each run the store lacks
/// (same repository, run id and attempt) and adds it in its own transaction.
package enum HistorySync {
  /// The list's query: completed runs created on or after `since`, of `branch` when given.
  package static func listQuery(branch: String?, since: CalendarDay) -> [(String, String)] {
    var query = [("status", "completed"), ("created", ">=\(since.text)"), ("per_page", "100")]
    if let branch { query.append(("branch", branch)) }
    return query
  }

  /// The first day of the window: a `YYYY-MM-DD` date, or a number of days (`30` or `30d`)
  /// before `today`, at the earliest 1970-01-01 (GitHub has no run before 2008); `nil` when
  /// `text` is neither.
  package static func startDay(_ text: String, today: CalendarDay) -> CalendarDay? {
    switch HistoryReport.Options.Since(parsing: text) {
    case .days(let days):
      CalendarDay(
        milliseconds: max(0, HistoryReport.subtracting(days: days, from: today.milliseconds)))
    case .date(let date): CalendarDay(parsing: date)
    case nil: nil
    }
  }

  /// The key a listed run is stored under, as ``HistoryRun/key`` makes it.
  package static func key(of run: WorkflowRun, repository: String) -> String {
    "\(repository)#\(run.id)#\(run.attempt ?? 1)"
  }

  /// The listed runs to fetch: completed, not stored, each key once, oldest first.
  ///
  /// - Parameters:
  ///   - runs: The listed runs, in any order (the API lists the newest first).
  ///   - repository: `owner/name`.
  ///   - stored: The keys of the stored runs (``HistoryRun/key``).
  /// - Returns: The runs to fetch, and how many listed runs are stored already.
  package static func pending(_ runs: [WorkflowRun], repository: String, stored: Set<String>)
    -> (runs: [WorkflowRun], stored: Int)
  {
    var seen: Set<String> = []
    var pending: [WorkflowRun] = []
    var skipped = 0
    for run in runs where run.status == nil || run.status == "completed" {
      let key = key(of: run, repository: repository)
      guard seen.insert(key).inserted else { continue }
      if stored.contains(key) {
        skipped += 1
      } else {
        pending.append(run)
      }
    }
    pending.sort { left, right in
      let leftTime = left.createdAt?.nanosecondsSinceEpoch ?? 0
      let rightTime = right.createdAt?.nanosecondsSinceEpoch ?? 0
      return leftTime != rightTime ? leftTime < rightTime : left.id < right.id
    }
    return (pending, skipped)
  }

  /// `run` (assembled from the fetched logs) with the identity the API gives the listed run:
  /// repository, run id, attempt, commit, branch, workflow name, creation time and page.
  package static func identified(
    _ run: HistoryRun, as listed: WorkflowRun, repository: String
  ) -> HistoryRun {
    var run = run
    run.repository = repository
    run.runId = String(listed.id)
    run.runAttempt = String(listed.attempt ?? 1)
    run.sha = listed.headSHA ?? run.sha
    if let branch = listed.headBranch { run.ref = "refs/heads/\(branch)" }
    run.workflow = listed.name ?? run.workflow
    run.createdAt = listed.createdAt?.text ?? run.createdAt
    run.url = listed.url ?? run.url
    return run
  }
}
