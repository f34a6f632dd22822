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
}
