import Foundation
import RunLens

/// Reads one run for the history or an export, from anything `compare` reads.
///
/// A metrics JSON file is decoded straight; anything else (a run-logs zip, a directory of job
/// logs, gh output, a job log) is assembled as `runlens report` assembles it and passed
/// through the metrics JSON renderer, so there is one path from a run to its history rows.
enum HistoryInput {
  /// The run at `path`.
  static func read(_ path: String) throws(IOFailure) -> HistoryRun {
    var isDirectory: ObjCBool = false
    let directory =
      FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory)
      && isDirectory.boolValue
    if path != "-", !directory {
      let chunks = try ChunkReader(path: path)
      var bytes: [UInt8] = []
      if let first = try chunks.next() { bytes.append(contentsOf: first) }
      if InputKind.detect(bytes) == .json {
        while let chunk = try chunks.next() { bytes.append(contentsOf: chunk) }
        do {
          return try HistoryRun(metricsJSON: bytes)
        } catch {
          throw IOFailure(path: path, reason: error.message)
        }
      }
      chunks.close()
    }
    var inputs = RunInputs()
    inputs.read(path)
    if let failure = inputs.assembly.failures.first {
      throw IOFailure(path: failure.source, reason: "cannot read: \(failure.reason)")
    }
    let report = inputs.build(targets: Configuration().targets)
    guard !report.jobs.isEmpty else {
      throw IOFailure(path: path, reason: "not a run: no job log or runlens metrics JSON in it")
    }
    do {
      return try HistoryRun(metricsJSON: Array(MetricsJSON.render(report).utf8))
    } catch {
      throw IOFailure(path: path, reason: error.message)
    }
  }

  /// Reads every path, printing a failure for each one that cannot be read.
  ///
  /// - Returns: The runs read, and whether any path failed.
  static func readAll(_ paths: [String]) -> (runs: [HistoryRun], failed: Bool) {
    var failed = false
    let runs = paths.compactMap { path -> HistoryRun? in
      do throws(IOFailure) {
        return try read(path)
      } catch {
        Terminal.printError("error: \(error.path): \(error.reason)")
        failed = true
        return nil
      }
    }
    return (runs, failed)
  }
}
