import Foundation
import RunLens

/// Reads one run for the history or an export, from anything `compare` reads.
///
/// A metrics JSON file is decoded straight; anything else (a run-logs zip, a directory of job
/// logs, gh output, a job log) is read as `runlens report` reads it and passed through the
/// metrics JSON renderer, so there is one path from a run to its history rows.
enum HistoryInput {
  /// The run at `path`.
  static func read(_ path: String) throws(InputReader.Failure) -> HistoryRun {
    var isDirectory: ObjCBool = false
    if FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory),
      isDirectory.boolValue
    {
      return try report(path)
    }
    let chunks = try ChunkReader(path: path)
    let first = try chunks.next().map { Array($0) } ?? []
    if InputKind.detect(first) == .json {
      var bytes = first
      while let chunk = try chunks.next() { bytes.append(contentsOf: chunk) }
      do {
        return try HistoryRun(metricsJSON: bytes)
      } catch {
        throw InputReader.Failure(path: path, reason: error.message)
      }
    }
    chunks.close()
    return try report(path)
  }

  /// Reads every path, printing a failure for each one that cannot be read.
  ///
  /// - Returns: The runs read, and whether any path failed.
  static func readAll(_ paths: [String]) -> (runs: [HistoryRun], failed: Bool) {
    var failed = false
    let runs = paths.compactMap { path -> HistoryRun? in
      do throws(InputReader.Failure) {
        return try read(path)
      } catch {
        Terminal.printError("error: \(error.path): \(error.reason)")
        failed = true
        return nil
      }
    }
    return (runs, failed)
  }

  private static func report(_ path: String) throws(InputReader.Failure) -> HistoryRun {
    var reader = RunReader()
    reader.read(path)
    if let failure = reader.failures.first { throw failure }
    let jobs =
      reader.apiJobs.isEmpty ? reader.jobs : RunReport.merge(reader.jobs, with: reader.apiJobs)
    let report = RunReport(jobs: jobs, targets: Configuration().targets)
    do {
      return try HistoryRun(metricsJSON: Array(MetricsJSON.render(report).utf8))
    } catch {
      throw InputReader.Failure(path: path, reason: error.message)
    }
  }
}
