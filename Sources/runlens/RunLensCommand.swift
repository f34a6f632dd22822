import ArgumentParser
import Foundation

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

  /// The message for a first argument that looks like a mistyped command, or `nil`.
  static func unknownCommand(_ word: String) -> String? {
    let names = configuration.subcommands.map { $0._commandName } + ["help"]
    guard !names.contains(word), word.count >= 3, word.allSatisfy({ $0.isLetter || $0 == "-" }),
      !word.hasPrefix("-"), !FileManager.default.fileExists(atPath: word)
    else { return nil }
    let close = names.filter { editDistance(word, $0) <= 2 }
    let hint = close.isEmpty ? "" : " (did you mean '\(close[0])'?)"
    return "unknown command '\(word)'\(hint)"
  }

  /// The Levenshtein distance between two short words.
  static func editDistance(_ first: String, _ second: String) -> Int {
    let a = Array(first)
    let b = Array(second)
    var previous = Array(0...b.count)
    for (i, x) in a.enumerated() {
      var current = [i + 1]
      for (j, y) in b.enumerated() {
        current.append(min(previous[j + 1] + 1, current[j] + 1, previous[j] + (x == y ? 0 : 1)))
      }
      previous = current
    }
    return previous[b.count]
  }
}
