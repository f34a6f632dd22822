import ArgumentParser
import Foundation
import RunLens
import RunLensHistory

/// `runlens history`: a store of runs on this machine, and reports over it.
struct HistoryCommand: ParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "history",
    abstract: "Keep runs in a SQLite store and report trends, change points and flaky tests.",
    subcommands: [Add.self]
  )

  /// The store's path option, shared by the subcommands.
  struct StoreOptions: ParsableArguments {
    @Option(help: "The SQLite store (default: .runlens/history.sqlite).")
    var db: String = HistoryStore.defaultPath

    /// Opens the store, creating its folder when needed.
    func open() throws -> HistoryStore {
      let folder = URL(fileURLWithPath: db).deletingLastPathComponent().path
      try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
      do {
        return try HistoryStore(path: db)
      } catch {
        Terminal.printError("error: \(db): \(error)")
        throw ExitCode.failure
      }
    }
  }

  /// `runlens history add`.
  struct Add: ParsableCommand {
    static let configuration = CommandConfiguration(
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
      for path in inputs {
        let run: HistoryRun
        do throws(InputReader.Failure) {
          run = try HistoryInput.read(path)
        } catch {
          Terminal.printError("error: \(error.path): \(error.reason)")
          failed = true
          continue
        }
        do {
          switch try history.add(run) {
          case .added: added += 1
          case .alreadyStored: skipped += 1
          }
        } catch {
          Terminal.printError("error: \(store.db): \(error)")
          throw ExitCode.failure
        }
      }
      Terminal.printError("\(added) added, \(skipped) already stored (\(store.db))")
      if failed { throw ExitCode.failure }
    }
  }
}
