import ArgumentParser
import Foundation
import RunLens

/// `runlens compare`: baseline runs against candidate runs, for a pull-request comment.
struct CompareCommand: ParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "compare",
    abstract: "Compare baseline runs with candidate runs: build time, cache hit rate, restores.",
    discussion: """
      Each PATH is one run: JSON metrics written by `runlens report --format json`, or anything \
      `runlens report` reads as one run (a run-logs zip, a directory of job logs, gh output). \
      With fewer than 3 runs a side the difference is reported but not judged. \
      Exit codes: 0 written; 1 an input could not be read; 2 with --fail-on-targets, a target \
      was missed; 64 usage error.
      """
  )

  @Option(parsing: .upToNextOption, help: "Baseline runs.")
  var baseline: [String] = []

  @Option(parsing: .upToNextOption, help: "Candidate runs.")
  var candidate: [String] = []

  @Option(help: "The output format.")
  var format: ReportCommand.Format = .markdown

  @Option(name: .shortAndLong, help: "Write to this file instead of standard output.")
  var output: String?

  @Option(help: "A runlens.json with targets (default: ./runlens.json when present).")
  var config: String?

  @Option(help: "The build-time reduction target as a fraction (default 0.3).")
  var reductionTarget: Double?

  @Flag(help: "Exit 2 when a target is missed.")
  var failOnTargets = false

  @Option(help: "Compare runs from the GitHub API of OWNER/REPO (with --candidate-run).")
  var repo: String?

  @Option(help: "The candidate run's id (with --repo).")
  var candidateRun: Int64?

  @Option(help: "The baseline: the last successful runs of the workflow on this branch.")
  var baselineBranch: String?

  @Option(help: "How many baseline runs --baseline-branch picks (default 5).")
  var baselineRuns = 5

  @Option(help: "A baseline run's id instead of --baseline-branch; repeatable.")
  var baselineRun: [Int64] = []

  @Option(help: "Where downloaded logs are kept (default: $XDG_CACHE_HOME/runlens).")
  var cacheDir: String?

  func validate() throws {
    // A bad configuration is a usage error of this command, with its usage line.
    _ = try ConfigurationFile.load(config)
    try validateGitHub()
    if repo == nil, baseline.isEmpty || candidate.isEmpty {
      throw ValidationError("compare needs --baseline PATH ... and --candidate PATH ...")
    }
    if let reductionTarget, !(0..<1).contains(reductionTarget) {
      throw ValidationError("--reduction-target must be from 0 to 1")
    }
  }

  func run() throws {
    if repo != nil { return try runWithGitHub() }
    var configuration = try ConfigurationFile.load(config)
    if let reductionTarget { configuration.targets.prBuildTimeReduction = reductionTarget }
    var failed = false
    func samples(_ paths: [String]) -> [RunSample] {
      paths.compactMap { path in
        do throws(IOFailure) {
          return try RunSamples.read(path, targets: configuration.targets)
        } catch {
          Terminal.printError("error: \(error.path): \(error.reason)")
          failed = true
          return nil
        }
      }
    }
    let comparison = Comparison(
      baseline: samples(baseline), candidate: samples(candidate), targets: configuration.targets)
    let advice = Advice.forComparison(comparison)
    let text =
      format == .json
      ? ComparisonReport.json(comparison, advice: advice)
      : ComparisonReport.markdown(comparison, advice: advice)
    try OutputWriter.emit(text, to: output)
    if failed { throw ExitCode.failure }
    if failOnTargets, comparison.targets.contains(where: { $0.met == false }) { throw ExitCode(2) }
  }
}

/// Reads one run for a comparison.
enum RunSamples {
  /// A metrics JSON file, or anything `report` reads, as one run
  /// (``RunAssembly/sample(path:targets:)``).
  static func read(_ path: String, targets: Targets) throws(IOFailure) -> RunSample {
    var inputs = RunInputs()
    inputs.read(path)
    inputs.progress.finish()
    do {
      return try inputs.assembly.sample(path: path, targets: targets)
    } catch {
      throw IOFailure(path: error.source, reason: error.reason)
    }
  }
}

/// Finds and reads `runlens.json`.
enum ConfigurationFile {
  /// The configuration at `path`, or `./runlens.json` when present, or the defaults.
  static func load(_ path: String?) throws -> Configuration {
    let chosen =
      path ?? (FileManager.default.fileExists(atPath: "runlens.json") ? "runlens.json" : nil)
    guard let chosen else { return Configuration() }
    guard let data = FileManager.default.contents(atPath: chosen) else {
      throw ValidationError("\(chosen): cannot read the configuration file")
    }
    do {
      return try Configuration(json: [UInt8](data))
    } catch {
      throw ValidationError("\(chosen): \(error.message)")
    }
  }
}
