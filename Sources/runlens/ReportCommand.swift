import ArgumentParser
import Foundation
import RunLens

/// `runlens report`: read a run's logs and test results, write the Markdown summary and the
/// JSON metrics.
struct ReportCommand: ParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "report",
    abstract: "Report the cache restores, saves, step times and tests of GitHub Actions runs.",
    discussion: """
      Each INPUT is a raw job log, `gh run view --log` output, a run-logs zip, a directory of
      those, or - for standard input; the shape is told from the content. Without INPUT,
      standard input is read when it is not a terminal. All inputs make one run.

      Exit codes: 0 report written (trouble with an input is a diagnostic, not a failure);
      1 an output could not be written, or with --strict an input could not be read;
      2 with --fail-on-targets, a target was missed; 64 usage error.
      """
  )

  /// The output formats.
  enum Format: String, ExpressibleByArgument, CaseIterable {
    case markdown
    case json
  }

  @Argument(help: "Job logs, gh run view --log output, run-logs zips, directories, or - for stdin.")
  var inputs: [String] = []

  @Option(
    name: .customLong("junit"),
    help: "A JUnit XML file, or a directory of them (every *.xml); repeatable.")
  var junitPaths: [String] = []

  @Option(
    name: .customLong("jobs"),
    help: "Jobs JSON of the REST API or `gh run view --json jobs`; repeatable (pages add up).")
  var jobsPaths: [String] = []

  @Option(help: "The format written to standard output or --output.")
  var format: Format = .markdown

  @Option(name: .shortAndLong, help: "Write the report to this file instead of standard output.")
  var output: String?

  @Option(name: .customLong("json"), help: "Also write the JSON metrics to this file.")
  var jsonPath: String?

  @Flag(
    help: "Append the Markdown summary to the file named by $GITHUB_STEP_SUMMARY (within 1 MiB).")
  var stepSummary = false

  @Flag(
    help: "Print ::warning:: and ::notice:: workflow commands for missed targets and failed saves.")
  var annotations = false

  @Flag(help: "Exit 1 when an input cannot be read or is malformed.")
  var strict = false

  @Flag(help: "Exit 2 when a target is missed.")
  var failOnTargets = false

  @Option(help: "A runlens.json with targets (default: ./runlens.json when present).")
  var config: String?

  @Option(help: "Fetch a run from the GitHub API: the repository, OWNER/REPO (with --run).")
  var repo: String?

  @Option(name: .customLong("run"), help: "The run's id (github.run_id), with --repo.")
  var runID: Int64?

  @Option(help: "The run attempt (github.run_attempt; default: the latest).")
  var attempt: Int?

  @Option(help: "Where downloaded logs are kept (default: $XDG_CACHE_HOME/runlens).")
  var cacheDir: String?

  @Option(help: "The JSON of ${{ toJSON(steps) }}: this job's step outcomes and cache outputs.")
  var stepsContext: String?

  func validate() throws {
    try validateGitHub()
    if inputs.isEmpty && junitPaths.isEmpty && jobsPaths.isEmpty && !hasGitHubInput
      && Terminal.isInteractive(.standardInput)
    {
      throw ValidationError(
        "no input: name a job log, zip, directory or --junit file, or pipe a log into standard input"
      )
    }
    if inputs.filter({ $0 == "-" }).count > 1 {
      throw ValidationError("standard input (-) can be read only once")
    }
    if stepSummary, (ProcessInfo.processInfo.environment["GITHUB_STEP_SUMMARY"] ?? "").isEmpty {
      throw ValidationError(
        "--step-summary needs $GITHUB_STEP_SUMMARY, which GitHub Actions sets in a job step")
    }
  }

  func run() throws {
    if repo != nil { return try runFetchingRun() }
    let names =
      inputs.isEmpty && junitPaths.isEmpty && jobsPaths.isEmpty
      ? (stepsContext == nil ? ["-"] : []) : inputs
    let readLogs = { [jobsPaths] () -> RunReader in
      var reader = RunReader()
      for name in names { reader.read(name) }
      for path in jobsPaths { reader.readJobsFile(path) }
      return reader
    }
    // JUnit files share nothing with logs: they are read on a second thread while the logs
    // are read here, and then this thread renders each test failure as soon as the JUnit
    // thread lists it (most of the rendering work of a large test report).
    var reader: RunReader
    var junitRead: JUnitRead?
    var rendered = RenderedFailures.none
    if junitPaths.isEmpty {
      reader = readLogs()
    } else if names.contains("-") {
      // Standard input is among the logs, and a JUnit path may name it too: one at a time.
      reader = readLogs()
      junitRead = Self.readJUnit(junitPaths)
    } else {
      let feed = FailureFeed()
      let (markdown, json) = renderedDocuments
      (junitRead, (reader, rendered)) = Parallel.run(
        { [junitPaths] in
          defer { feed.finish() }
          return Self.readJUnit(junitPaths, feed: feed)
        },
        while: {
          let reader = readLogs()
          var rendered = RenderedFailures(markdown: markdown, json: json)
          if markdown || json {
            while let batch = feed.next() {
              for failure in batch { rendered.append(failure) }
            }
          }
          return (reader, rendered)
        })
    }
    let junit = junitRead?.summary
    var diagnostics = reader.diagnostics + (junitRead?.diagnostics ?? [])
    let failures = reader.failures + (junitRead?.failures ?? [])
    reader.progress.finish()
    for failure in failures {
      Terminal.printError("error: \(failure.path): \(failure.reason)")
      diagnostics.append(Diagnostic(.error, "cannot read: \(failure.reason)", source: failure.path))
    }
    var jobs =
      reader.apiJobs.isEmpty ? reader.jobs : RunReport.merge(reader.jobs, with: reader.apiJobs)
    if let stepsContext { jobs = try InJobReport.apply(stepsContext, to: jobs) }
    let configuration = try ConfigurationFile.load(config)
    var report = RunReport(
      jobs: jobs, junit: junit, diagnostics: diagnostics, targets: configuration.targets)
    let run = RunInfo(environment: ProcessInfo.processInfo.environment)
    if !run.isEmpty { report.run = run }
    for diagnostic in report.allDiagnostics where diagnostic.severity == .error {
      if failures.contains(where: { $0.path == diagnostic.source }) { continue }
      Terminal.printError("error: \(diagnostic.location): \(diagnostic.message)")
    }

    try writeOutputs(report, rendered: rendered)

    if strict, report.allDiagnostics.contains(where: { $0.severity == .error }) {
      throw ExitCode.failure
    }
    if failOnTargets, report.targets.contains(where: { $0.met == false }) {
      throw ExitCode(2)
    }
  }

  /// What the JUnit files gave.
  struct JUnitRead: Sendable {
    var summary: TestSummary
    var diagnostics: [Diagnostic] = []
    var failures: [InputReader.Failure] = []
  }

  /// Which documents the outputs need: (Markdown, JSON).
  private var renderedDocuments: (Bool, Bool) {
    let writesPrimary = format == .json || output != nil || !stepSummary
    return (
      stepSummary || (writesPrimary && format == .markdown),
      jsonPath != nil || (writesPrimary && format == .json)
    )
  }

  /// Reads every JUnit file the paths name into one summary, handing each failure to `feed`
  /// as soon as the summary lists it.
  static func readJUnit(_ paths: [String], feed: FailureFeed? = nil) -> JUnitRead {
    var builder = TestSummaryBuilder()
    var diagnostics: [Diagnostic] = []
    var failures: [InputReader.Failure] = []
    var handed = 0
    for path in paths {
      do {
        for file in try InputReader.junitFiles(path) {
          diagnostics += try InputReader.readJUnit(file, into: &builder) { builder in
            guard let feed, builder.listedFailureCount > handed else { return }
            feed.push(builder.listedFailures(from: handed))
            handed = builder.listedFailureCount
          }
        }
      } catch {
        failures.append(error)
      }
    }
    return JUnitRead(summary: builder.build(), diagnostics: diagnostics, failures: failures)
  }

  private func writeOutputs(_ report: RunReport, rendered: RenderedFailures) throws {
    let summaryPath =
      stepSummary ? ProcessInfo.processInfo.environment["GITHUB_STEP_SUMMARY"] : nil
    let writesPrimary = format == .json || output != nil || !stepSummary
    let wantsJSON = jsonPath != nil || (writesPrimary && format == .json)
    let wantsMarkdown = summaryPath != nil || (writesPrimary && format == .markdown)
    // The Markdown here (step summary and primary output), the JSON meanwhile on a second
    // thread when both are wanted; written afterwards in a fixed order.
    let markdown = { () -> (stepSummary: String?, primary: String?) in
      (
        summaryPath.flatMap { OutputWriter.stepSummaryText(report, for: $0, rendered: rendered) },
        writesPrimary && format == .markdown
          ? MarkdownSummary.render(report, rendered: rendered) : nil
      )
    }
    let json: @Sendable () -> [UInt8] = { MetricsJSON.renderUTF8(report, rendered: rendered) }
    let jsonBytes: [UInt8]?
    let texts: (stepSummary: String?, primary: String?)
    if wantsJSON && wantsMarkdown {
      (jsonBytes, texts) = Parallel.run(json, while: markdown)
    } else {
      jsonBytes = wantsJSON ? json() : nil
      texts = wantsMarkdown ? markdown() : (nil, nil)
    }
    do {
      if annotations {
        let lines = Annotations.render(report)
        if !lines.isEmpty {
          try OutputWriter.writeStandardOutput(lines.joined(separator: "\n") + "\n")
        }
      }
      if let summaryPath, let text = texts.stepSummary {
        try OutputWriter.append(text, to: summaryPath)
      }
      if let primary = texts.primary {
        if let output {
          try OutputWriter.write(primary, to: output)
        } else {
          try OutputWriter.writeStandardOutput(primary)
        }
      } else if writesPrimary, format == .json, let jsonBytes {
        try OutputWriter.write(bytes: jsonBytes, to: output)
      }
      if let jsonPath, let jsonBytes {
        try OutputWriter.write(bytes: jsonBytes, to: jsonPath)
      }
    } catch {
      Terminal.printError("error: \(error.path): \(error.reason)")
      throw ExitCode.failure
    }
  }
}
