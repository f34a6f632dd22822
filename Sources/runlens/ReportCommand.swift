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
      Each INPUT is a raw job log, `gh run view --log` output, a run-logs zip, a directory of \
      those, or - for standard input; the shape is told from the content. Without INPUT, \
      standard input is read when it is not a terminal. All inputs make one run.

      Exit codes: 0 report written (trouble with an input is a diagnostic, not a failure); \
      1 an output could not be written, or with --strict an input could not be read or no \
      job log was found; \
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

  @Option(
    help: "Read this many files at once (default: the number of processors); 1 reads in turn.")
  var threads: Int?

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

  @Option(
    name: .customLong("caches"),
    help: "A cache listing (as budget reads it) to say why each miss missed; repeatable.")
  var cachesPaths: [String] = []

  @Option(help: "The run's ref for --caches (default: $GITHUB_REF, else the run's).")
  var ref: String?

  func validate() throws {
    // A bad configuration is a usage error of this command, with its usage line.
    _ = try ConfigurationFile.load(config)
    try validateGitHub()
    if inputs.isEmpty && junitPaths.isEmpty && jobsPaths.isEmpty && !hasGitHubInput
      && Terminal.isInteractive(.standardInput)
    {
      throw ValidationError(
        "no input: name a job log, zip, directory or --junit file, or pipe a log into standard input"
      )
    }
    if let threads, !(1...256).contains(threads) {
      throw ValidationError("--threads must be from 1 to 256, not \(threads)")
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
    try report()
  }

  /// Reads the inputs, writes the report and ends the process with the status the flags ask
  /// for, after `cleanUp` (which removes what the caller made for the run; on a thrown error,
  /// the caller's own clean-up runs as the error unwinds).
  func report(cleanUp: () -> Void = {}) throws -> Never {
    let names =
      inputs.isEmpty && junitPaths.isEmpty && jobsPaths.isEmpty
      ? (stepsContext == nil ? ["-"] : []) : inputs
    var inputs = RunInputs()
    inputs.read(
      names, jobs: jobsPaths, junit: junitPaths, workers: threads ?? processorCount())
    let failures = inputs.assembly.failures
    let configuration = try ConfigurationFile.load(config)
    var report = inputs.build(targets: configuration.targets)
    if let stepsContext { report = try InJobReport.apply(stepsContext, to: report) }
    let run = RunInfo(environment: ProcessInfo.processInfo.environment)
    if !run.isEmpty { report.run = run }
    if !cachesPaths.isEmpty {
      CacheMissReasons.apply(
        to: &report, entries: try CacheListingFiles.read(cachesPaths),
        ref: ref ?? ProcessInfo.processInfo.environment["GITHUB_REF"] ?? report.run?.ref)
    }
    for message in report.errorMessages(failures: failures) {
      Terminal.printError("error: \(message)")
    }
    if report.isEmpty {
      Terminal.printError("warning: no job log was found in the inputs; nothing to report")
    }
    try writeOutputs(report)
    var status: ExitCode?
    if strict, report.failsStrict {
      status = .failure
    } else if failOnTargets, report.missesTarget {
      status = ExitCode(2)
    }
    cleanUp()
    // The process ends here, with the report and the inputs still held: releasing the jobs of
    // a large run one allocation at a time is work for nothing (7 of the 330 ms of 400 job
    // logs), and the kernel takes the memory back at once. Everything is written; the
    // threads have ended.
    Self.exit(withError: status)
  }

  /// Carries out the writes ``ReportOutputs`` plans; a failed one exits 1.
  private func writeOutputs(_ report: RunReport) throws {
    var outputs = ReportOutputs()
    outputs.json = format == .json
    outputs.output = output
    outputs.jsonPath = jsonPath
    outputs.annotations = annotations
    if stepSummary, let path = ProcessInfo.processInfo.environment["GITHUB_STEP_SUMMARY"] {
      outputs.stepSummary = (path, OutputWriter.size(of: path))
    }
    let (writes, warnings) = outputs.writes(report) { other, here in
      let thread = NativeThread(stackSize: 1 << 20, other)
      here()
      thread.join()
    }
    for warning in warnings { Terminal.printError("warning: \(warning)") }
    do {
      for write in writes { try OutputWriter.perform(write) }
    } catch {
      Terminal.printError("error: \(error.path): cannot write: \(error.reason)")
      throw ExitCode.failure
    }
  }
}
