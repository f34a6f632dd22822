import ArgumentParser
import Foundation
import RunLens
import RunLensHistory

/// `runlens export`: runs as NDJSON tables or as OpenTelemetry traces.
struct ExportCommand: ParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "export",
    abstract: "Write runs as NDJSON tables (DuckDB, BigQuery, ClickHouse) or OTLP/JSON traces.",
    discussion: """
      The runs are the INPUTs (anything `compare` reads) or, with --db, every run of a history
      store. ndjson writes one file a table into --output DIR: runs, jobs, steps, restores,
      saves, tests and suites, every row with the run's identity. otlp-json writes one
      OpenTelemetry trace a run (an OTLP/JSON ExportTraceServiceRequest) to --output FILE or
      standard output; with --otlp-endpoint URL it is posted to an OTLP/HTTP collector instead
      (JSON; a URL without a path gets /v1/traces).
      Exit codes: 0 written; 1 an input could not be read or the output not written; 64 usage
      error.
      """
  )

  /// The export formats.
  enum Format: String, ExpressibleByArgument, CaseIterable {
    case ndjson
    case otlpJSON = "otlp-json"
  }

  @Option(help: "The output format: ndjson or otlp-json.")
  var format: Format

  @Option(help: "Export every run of this history store instead of INPUTs.")
  var db: String?

  @Option(
    name: .shortAndLong,
    help: "ndjson: the folder to write into; otlp-json: the file (default: standard output).")
  var output: String?

  @Option(help: "otlp-json: post to this OTLP/HTTP collector (http://host:4318).")
  var otlpEndpoint: String?

  @Argument(help: "The runs to export.")
  var inputs: [String] = []

  func validate() throws {
    if inputs.isEmpty == (db == nil) {
      throw ValidationError("export needs either INPUT ... or --db PATH")
    }
    if format == .ndjson, output == nil {
      throw ValidationError("--format ndjson needs --output DIR")
    }
    if let otlpEndpoint {
      guard format == .otlpJSON else {
        throw ValidationError("--otlp-endpoint goes with --format otlp-json")
      }
      guard OTLPCollector.tracesURL(otlpEndpoint) != nil else {
        throw ValidationError("--otlp-endpoint needs an http or https URL")
      }
    }
  }

  func run() throws {
    var runs: [HistoryRun]
    var failed = false
    if let db {
      do {
        runs = try HistoryStore(path: db).runs()
      } catch {
        Terminal.printError("error: \(db): \(error)")
        throw ExitCode.failure
      }
    } else {
      (runs, failed) = HistoryInput.readAll(inputs)
    }
    switch format {
    case .ndjson:
      let folder = output ?? "."
      try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
      for table in HistoryTable.allCases {
        try OutputWriter.emit(
          NDJSONExport.render(runs, table: table), to: folder + "/\(table.rawValue).ndjson")
      }
    case .otlpJSON:
      let text = OTLPExport.render(runs)
      if let otlpEndpoint, let url = OTLPCollector.tracesURL(otlpEndpoint) {
        if let output { try OutputWriter.emit(text, to: output) }
        if let problem = OTLPCollector.post(text, to: url) {
          Terminal.printError("error: \(url.absoluteString): \(problem)")
          throw ExitCode.failure
        }
      } else {
        try OutputWriter.emit(text, to: output)
      }
    }
    if failed { throw ExitCode.failure }
  }
}
