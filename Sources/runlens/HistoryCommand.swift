import ArgumentParser
import Foundation
import RunLens
import RunLensHistory

/// `runlens history`: a store of runs on this machine, and reports over it.
struct HistoryCommand: ParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "history",
    abstract: "Keep runs in a SQLite store and report trends, change points and flaky tests.",
    subcommands: [Add.self, Report.self, Sync.self]
  )

  /// The store's path option, shared by the subcommands.
  struct StoreOptions: ParsableArguments {
    @Option(help: "The SQLite store (default: .runlens/history.sqlite).")
    var db: String = HistoryStore.defaultPath

    /// Opens the store, creating its folder when needed.
    func open() throws -> HistoryStore { try guarded { try HistoryStore.opening(db) } }

    /// Runs a store operation; its error is printed with the store's path and fails the
    /// command (exit 1).
    func guarded<Value>(_ body: () throws -> Value) throws -> Value {
      do {
        return try body()
      } catch let exit as ExitCode {
        throw exit
      } catch {
        Terminal.printError("error: \(db): \(error)")
        throw ExitCode.failure
      }
    }
  }

  /// `runlens history add`.
  struct Add: ParsableCommand {
    static let configuration = CommandConfiguration(
      // Named here: ArgumentParser otherwise derives it with String(describing:), which
      // demangles the type (6 M instructions for the three history commands, on every run).
      commandName: "add",
      abstract: "Add runs to the store.",
      discussion: """
        Each INPUT is one run, in any form `compare` reads: metrics JSON written by `runlens
        report --format json`, a run-logs zip, a directory of job logs, gh output. A run that
        is stored already (same repository, run id and attempt; else the same content) is
        left as it is. Each run is added in its own transaction.
        Exit codes: 0 added; 1 an input could not be read or the store could not be written;
        64 usage error.
        """
    )

    @OptionGroup var store: StoreOptions

    @Argument(help: "The runs to add.")
    var inputs: [String] = []

    func validate() throws {
      if inputs.isEmpty { throw ValidationError("history add needs at least one INPUT") }
    }

    func run() throws {
      let history = try store.open()
      var added = 0
      var skipped = 0
      var failed = false
      try HistoryInput.readAhead(inputs) { result in
        switch result {
        case .failure(let error):
          Terminal.printError("error: \(error.path): \(error.reason)")
          failed = true
        case .success(let run):
          switch try store.guarded({ try history.add(run) }) {
          case .added: added += 1
          case .alreadyStored: skipped += 1
          }
        }
      }
      Terminal.printError("\(added) added, \(skipped) already stored (\(store.db))")
      if failed { throw ExitCode.failure }
    }
  }

  /// `runlens history report`.
  struct Report: ParsableCommand {
    static let configuration = CommandConfiguration(
      commandName: "report",
      abstract: "Report hit rates, times, change points and flaky tests over the stored runs.",
      discussion: """
        --since takes a date (YYYY-MM-DD) or a number of days (30 or 30d), counted back from
        the newest stored run, not from today, so an old store still reports.
        Exit codes: 0 written; 1 the store could not be read; 64 usage error.
        """
    )

    /// The report formats.
    enum Format: String, ExpressibleByArgument, CaseIterable {
      case markdown
      case json
      case html
    }

    @OptionGroup var store: StoreOptions

    @Option(help: "The window: a date (YYYY-MM-DD) or days back from the newest run (30d).")
    var since: String = "30d"

    @Option(help: "Only runs of this branch.")
    var branch: String?

    @Option(help: "Only runs of this workflow (its name).")
    var workflow: String?

    @Option(help: "The output format: markdown, json or html.")
    var format: Format = .markdown

    @Option(name: .shortAndLong, help: "Write to this file instead of standard output.")
    var output: String?

    /// The parsed `--since`.
    var window: HistoryReport.Options.Since? { .init(parsing: since) }

    func validate() throws {
      if window == nil {
        throw ValidationError("--since takes a date (YYYY-MM-DD) or a number of days (30d)")
      }
    }

    func run() throws {
      guard FileManager.default.fileExists(atPath: store.db) else {
        Terminal.printError("error: \(store.db): no history store (runlens history add makes one)")
        throw ExitCode.failure
      }
      let history = try store.open()
      let options = HistoryReport.Options(
        since: window ?? .days(30), branch: branch, workflow: workflow)
      let report = try store.guarded { try history.report(options: options) }
      let text =
        switch format {
        case .markdown: HistoryReportRenderer.markdown(report)
        case .json: HistoryReportRenderer.json(report)
        case .html: HistoryReportRenderer.html(report)
        }
      try OutputWriter.emit(text, to: output)
    }
  }
}
