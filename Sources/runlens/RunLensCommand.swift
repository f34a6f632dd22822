import ArgumentParser

/// The `runlens` command line.
@main
struct RunLensCommand: ParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "runlens",
    abstract: "Cache, timing and test facts from GitHub Actions logs.",
    discussion: """
      report (the default) reads logs and JUnit files; compare sets baseline runs against
      candidate runs; budget checks a repository's caches. See each one's --help.
      """,
    subcommands: [
      ReportCommand.self, CompareCommand.self, BudgetCommand.self, FetchCommand.self,
      CommentCommand.self,
    ],
    defaultSubcommand: ReportCommand.self
  )

  /// Runs `report` straight when its arguments are the usual ones, without ArgumentParser.
  ///
  /// `report` is the last step of every CI job, and ArgumentParser finds a command's options
  /// by reflection, which is most of the process's start-up. ``ReportCommand/quickParse(_:)``
  /// reads the usual arguments; anything else, and any command that fails validation, goes
  /// through ArgumentParser and the whole command tree, so messages, usage and `--help` are
  /// the same as ever.
  static func main() {
    var arguments = Array(CommandLine.arguments.dropFirst())
    if arguments.first == "report" { arguments.removeFirst() }
    let others = ["compare", "budget", "help", "fetch", "comment"]
    guard let first = arguments.first, !others.contains(first),
      let command = ReportCommand.quickParse(arguments), (try? command.validate()) != nil
    else {
      return main(nil)
    }
    do {
      try command.run()
    } catch {
      exit(withError: error)
    }
  }
}
