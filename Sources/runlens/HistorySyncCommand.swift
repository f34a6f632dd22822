import ArgumentParser
import Foundation
import RunLens
import RunLensGitHub
import RunLensHistory

extension HistoryCommand {
  /// `runlens history sync`: the runs of a workflow that the store lacks, from the GitHub API.
  struct Sync: ParsableCommand {
    static let configuration = CommandConfiguration(
      commandName: "sync",
      abstract: "Add a workflow's completed runs that the store lacks, from the GitHub API.",
      discussion: """
        Lists the workflow's completed runs created since --since (a date, YYYY-MM-DD, or a
        number of days before today, 30d), skips those stored already (same repository, run id
        and attempt), and fetches each other run's jobs and logs as `runlens fetch` does and
        adds it in its own transaction. A run that cannot be fetched is reported and the others
        go on. The token comes from GH_TOKEN, else GITHUB_TOKEN (needs actions: read).
        Exit codes: 0 synced; 1 a run could not be fetched, or the list or the store could not
        be read; 64 usage error.
        """
    )

    @OptionGroup var store: StoreOptions

    @Option(help: "The repository, OWNER/REPO.")
    var repo: String

    @Option(help: "The workflow: its file name (ci.yml) or its id.")
    var workflow: String

    @Option(help: "Only runs of this branch.")
    var branch: String?

    @Option(help: "Runs created from this date (YYYY-MM-DD) or this many days ago (30d).")
    var since: String = "30d"

    @Option(help: "Where downloaded logs are kept (default: $XDG_CACHE_HOME/runlens).")
    var cacheDir: String?

    func validate() throws {
      try GitHubAccess.validate(repository: repo)
      if workflow.isEmpty || workflow.contains("/") {
        throw ValidationError("--workflow takes the workflow's file name (ci.yml) or id")
      }
      if HistoryReport.Options.Since(parsing: since) == nil {
        throw ValidationError("--since takes a date (YYYY-MM-DD) or a number of days (30d)")
      }
    }

    func run() throws {
      let history = try store.open()
      let session = try GitHubAccess.session(cacheDirectory: cacheDir)
      let fetcher = session.fetcher(repo)
      let today = CalendarDay(milliseconds: Int64(Date().timeIntervalSince1970 * 1000))
      let start = HistorySync.startDay(since, today: today) ?? today
      let listed: [WorkflowRun]
      do {
        listed = try session.workflowRuns(
          repo, workflow: workflow, query: HistorySync.listQuery(branch: branch, since: start))
      } catch {
        throw GitHubAccess.fail(error)
      }
      let terminal = Terminal.isInteractive(.standardError)
      let counts = try store.guarded {
        let (pending, stored) = HistorySync.pending(
          listed, repository: repo, stored: try history.keys())
        return try HistorySync.add(pending, stored: stored, to: history, repository: repo) {
          number, run in
          if terminal {
            Terminal.printError(
              "\r\u{1B}[Krunlens: run \(number + 1)/\(pending.count) (\(run.id))", newline: false)
          }
          return fetch(run, with: fetcher) {
            Terminal.printError((terminal ? "\r\u{1B}[K" : "") + $0)
          }
        }
      }
      if terminal { Terminal.printError("\r\u{1B}[K", newline: false) }
      Terminal.printError(counts.summary(store.db))
      if counts.failed > 0 { throw ExitCode.failure }
    }

    /// Fetches a listed run's jobs and logs into a temporary folder and assembles it, or
    /// reports why not.
    func fetch(_ listed: WorkflowRun, with fetcher: RunFetcher, report: (String) -> Void)
      -> HistoryRun?
    {
      let folder = FileManager.default.temporaryDirectory.appendingPathComponent(
        "runlens-sync-\(listed.id)-\(UUID().uuidString)")
      defer { try? FileManager.default.removeItem(at: folder) }
      do throws(GitHubError) {
        let result = try fetcher.fetch(run: listed.id, attempt: listed.attempt, into: folder)
        for problem in result.problems { report("warning: run \(listed.id): \(problem)") }
        if let problem = result.cacheProblem {
          report("warning: run \(listed.id): the logs are not kept in the cache: \(problem)")
        }
      } catch {
        report("error: run \(listed.id): \(error.message)")
        return nil
      }
      do throws(IOFailure) {
        return try HistoryInput.read(folder.path)
      } catch {
        report("error: run \(listed.id): \(error.reason)")
        return nil
      }
    }
  }
}
