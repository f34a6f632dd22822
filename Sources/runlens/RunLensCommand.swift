import ArgumentParser

/// The `runlens` command line.
@main
struct RunLensCommand: ParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "runlens",
    abstract: "Cache, timing and test facts from GitHub Actions logs.",
    discussion: """
      Exit codes: 0 success; 1 an input could not be read; 64 usage error.
      """,
    subcommands: [ReportCommand.self],
    defaultSubcommand: ReportCommand.self
  )
}
