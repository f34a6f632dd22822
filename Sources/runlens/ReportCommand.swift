import ArgumentParser
import RunLens

/// `runlens report`: read job logs, write the Markdown summary and the JSON metrics.
struct ReportCommand: ParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "report",
    abstract: "Report the cache restores, saves and step times of GitHub Actions job logs.",
    discussion: """
      Each INPUT is a raw job log (one job per file) or - for standard input. Without INPUT,
      standard input is read when it is not a terminal.
      """
  )

  /// The output formats.
  enum Format: String, ExpressibleByArgument, CaseIterable {
    case markdown
    case json
  }

  @Argument(help: "Raw job logs, or - for standard input.")
  var inputs: [String] = []

  @Option(help: "The format written to standard output or --output.")
  var format: Format = .markdown

  @Option(name: .shortAndLong, help: "Write the report to this file instead of standard output.")
  var output: String?

  @Option(name: .customLong("json"), help: "Also write the JSON metrics to this file.")
  var jsonPath: String?

  @Option(
    name: .customLong("junit"),
    help: "A JUnit XML file, or a directory of them (every *.xml); repeatable.")
  var junitPaths: [String] = []

  func validate() throws {
    if inputs.isEmpty && junitPaths.isEmpty && Terminal.isInteractive(.standardInput) {
      throw ValidationError(
        "no input: name a job log or --junit file, or pipe a log into standard input")
    }
    if inputs.filter({ $0 == "-" }).count > 1 {
      throw ValidationError("standard input (-) can be read only once")
    }
  }

  func run() throws {
    let names = inputs.isEmpty && junitPaths.isEmpty ? ["-"] : inputs
    var jobs: [JobRun] = []
    var failed = false
    for name in names {
      do {
        jobs.append(try InputReader.readJob(name))
      } catch {
        Terminal.printError("error: \(error.path): \(error.reason)")
        failed = true
      }
    }
    var junit: TestSummary?
    var diagnostics: [Diagnostic] = []
    if !junitPaths.isEmpty {
      var builder = TestSummaryBuilder()
      for path in junitPaths {
        do {
          for file in try InputReader.junitFiles(path) {
            diagnostics += try InputReader.readJUnit(file, into: &builder)
          }
        } catch {
          Terminal.printError("error: \(error.path): \(error.reason)")
          failed = true
        }
      }
      junit = builder.build()
    }
    for diagnostic in diagnostics where diagnostic.severity == .error {
      Terminal.printError("error: \(diagnostic.location): \(diagnostic.message)")
    }
    let report = RunReport(jobs: jobs, junit: junit, diagnostics: diagnostics)
    let primary = format == .json ? MetricsJSON.render(report) : MarkdownSummary.render(report)
    do {
      if let output {
        try OutputWriter.write(primary, to: output)
      } else {
        try OutputWriter.writeStandardOutput(primary)
      }
      if let jsonPath {
        try OutputWriter.write(MetricsJSON.render(report), to: jsonPath)
      }
    } catch {
      Terminal.printError("error: \(error.path): \(error.reason)")
      throw ExitCode.failure
    }
    if failed { throw ExitCode.failure }
  }
}
