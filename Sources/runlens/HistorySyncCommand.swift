import ArgumentParser
import Foundation
import RunLens
import RunLensGitHub
import RunLensHistory

extension HistoryCommand {
  /// `runlens history sync`: the runs of a workflow that the store lacks, from the GitHub API.
  struct Sync: ParsableCommand {
    static let configuration = CommandConfiguration(
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
      let fetcher = RunFetcher(
        client: try GitHubAccess.client(), repository: repo, cache: GitHubAccess.cache(cacheDir))
      let today = CalendarDay(milliseconds: Int64(Date().timeIntervalSince1970 * 1000))
      let start = HistorySync.startDay(since, today: today) ?? today
      var listed: [WorkflowRun] = []
      do {
        for page in try fetcher.client.pages(
          HistorySync.listPath(repository: repo, workflow: workflow),
          query: HistorySync.listQuery(branch: branch, since: start), needs: .actionsRead)
        {
          listed += try WorkflowRuns.parse([UInt8](page))
        }
      } catch let error as DocumentError {
        Terminal.printError("error: workflow \(workflow) runs: \(error.message)")
        throw ExitCode.failure
      } catch {
        throw GitHubAccess.fail(error)
      }
      let keys = try storeRead { try history.keys() }
      let (pending, skipped) = HistorySync.pending(listed, repository: repo, stored: keys)
      var counts = (added: 0, stored: skipped, failed: 0)
      let showsProgress = Terminal.isInteractive(.standardError)
      for (number, listedRun) in pending.enumerated() {
        if showsProgress {
          Terminal.printError(
            "\r\u{1B}[Krunlens: run \(number + 1)/\(pending.count) (\(listedRun.id))",
            newline: false)
        }
        guard let run = fetch(listedRun, with: fetcher, showsProgress: showsProgress) else {
          counts.failed += 1
          continue
        }
        switch try storeRead({ try history.add(run) }) {
        case .added: counts.added += 1
        case .alreadyStored: counts.stored += 1
        }
      }
      if showsProgress { Terminal.printError("\r\u{1B}[K", newline: false) }
      Terminal.printError(
        "\(counts.added) added, \(counts.stored) already stored, \(counts.failed) failed "
          + "(\(store.db))")
      if counts.failed > 0 { throw ExitCode.failure }
    }

    /// Fetches a listed run's jobs and logs and assembles it, or prints why not.
    func fetch(_ listed: WorkflowRun, with fetcher: RunFetcher, showsProgress: Bool)
      -> HistoryRun?
    {
      let folder = FileManager.default.temporaryDirectory.appendingPathComponent(
        "runlens-sync-\(listed.id)-\(UUID().uuidString)")
      defer { try? FileManager.default.removeItem(at: folder) }
      func report(_ line: String) {
        Terminal.printError((showsProgress ? "\r\u{1B}[K" : "") + line)
      }
      do throws(GitHubError) {
        let result = try fetcher.fetch(run: listed.id, attempt: listed.attempt, into: folder)
        for problem in result.problems { report("warning: run \(listed.id): \(problem)") }
      } catch {
        report("error: run \(listed.id): \(error.message)")
        return nil
      }
      do throws(IOFailure) {
        return HistorySync.identified(
          try HistoryInput.read(folder.path), as: listed, repository: repo)
      } catch {
        report("error: run \(listed.id): \(error.reason)")
        return nil
      }
    }

    /// Runs a store operation; an error is printed and fails the command.
    func storeRead<Value>(_ body: () throws -> Value) throws -> Value {
      do {
        return try body()
      } catch {
        Terminal.printError("error: \(store.db): \(error)")
        throw ExitCode.failure
      }
    }
  }
}
