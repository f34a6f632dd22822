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
    do {
      return try HistoryRun(report: inputs.build(targets: Configuration().targets))
    } catch {
      throw IOFailure(path: path, reason: error.message)
    }
  }

  /// Reads the runs at `paths` in order, up to 8 ahead of `body`, on a second thread.
  ///
  /// Reading and decoding the next runs overlaps what `body` does with this one (adding it to
  /// the store). When `body` throws, the reading stops and the error is rethrown.
  static func readAhead(
    _ paths: [String], _ body: (Result<HistoryRun, IOFailure>) throws -> Void
  ) rethrows {
    final class Slots: @unchecked Sendable {
      var results: [Result<HistoryRun, IOFailure>?]
      init(_ count: Int) { results = Array(repeating: nil, count: count) }
    }
    let slots = Slots(paths.count)
    let lock = Lock()
    let ready = CountingSemaphore(value: 0)
    let space = CountingSemaphore(value: 8)
    let stop = StopFlag()
    let reader = NativeThread(stackSize: 1 << 20) {
      for (index, path) in paths.enumerated() {
        space.wait()
        if stop.isRaised { return }
        let result = Result { () throws(IOFailure) in try read(path) }
        lock.withLock { slots.results[index] = result }
        ready.signal()
      }
    }
    defer {
      stop.raise()
      space.signal()
      reader.join()
    }
    for index in paths.indices {
      ready.wait()
      let result = lock.withLock { () -> Result<HistoryRun, IOFailure>? in
        defer { slots.results[index] = nil }
        return slots.results[index]
      }
      space.signal()
      if let result { try body(result) }
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
