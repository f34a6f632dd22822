import ArgumentParser
import Foundation
import RunLens

/// The `runlens` command line.
@main
struct RunLensCommand: ParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "runlens",
    abstract: "Cache, timing and test facts from GitHub Actions logs.",
    discussion: """
      report (the default) reads logs and JUnit files; compare sets baseline runs against \
      candidate runs; budget checks a repository's caches; history keeps runs in a SQLite \
      store and reports trends; export writes runs as NDJSON or OpenTelemetry traces. See \
      each one's --help.
      """,
    version: RunLensCommand.version,
    subcommands: [
      ReportCommand.self, CompareCommand.self, BudgetCommand.self, FetchCommand.self,
      CommentCommand.self, HistoryCommand.self, ExportCommand.self,
    ],
    defaultSubcommand: ReportCommand.self
  )

  /// The version `--version` prints.
  static let version = "0.4.0"

  /// Runs the command line; a first word that is neither a command nor an existing file is a
  /// mistyped command, not a missing input of the default `report`.
  static func main() {
    let arguments = Array(CommandLine.arguments.dropFirst())
    if let first = arguments.first, let message = unknownCommand(first) {
      Self.exit(withError: ValidationError(message))
    }
    main(nil)
  }

  /// The message for a first argument that looks like a mistyped command
  /// (``CommandSuggestion``), or `nil`; a file of that name is an input.
  static func unknownCommand(_ word: String) -> String? {
    guard !FileManager.default.fileExists(atPath: word) else { return nil }
    let names = configuration.subcommands.map { $0._commandName } + ["help"]
    return CommandSuggestion.message(for: word, commands: names)
  }
}
