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
    subcommands: [ReportCommand.self, CompareCommand.self, BudgetCommand.self],
    defaultSubcommand: ReportCommand.self
  )

  /// Runs `report` straight when its arguments parse, without the whole command tree.
  ///
  /// `report` is the last step of every CI job, and parsing through the root builds the
  /// argument sets of every subcommand by reflection, about a millisecond of start-up.
  /// Anything else, and any arguments `report` rejects (or `--help`), go through the whole
  /// tree, so messages and usage are the same as ever.
  static func main() {
    var arguments = Array(CommandLine.arguments.dropFirst())
    let others = ["compare", "budget", "help", "-h", "--help", "--version"]
    if let first = arguments.first, others.contains(first) {
      return main(nil)
    }
    if arguments.first == "report" { arguments.removeFirst() }
    let command: ReportCommand
    do {
      command = try ReportCommand.parse(arguments)
    } catch {
      return main(nil)
    }
    do {
      try command.run()
    } catch {
      exit(withError: error)
    }
  }
}
