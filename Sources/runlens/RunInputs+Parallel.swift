import Foundation
import RunLens
import RunLensArchive

extension RunInputs {
  /// A piece of the inputs one thread reads whole.
  enum Unit: Sendable {
    /// A job log or gh output, read by a worker.
    case log(String)
    /// A job of a folder (its step files joined), read by a worker.
    case folderJob(folder: String, RunLogsLayout.Job)
    /// A job of a run-logs zip, read by a worker.
    case zipJob(zip: String, RunLogsLayout.Job)
    /// Anything else (standard input, JSON, JUnit, a zip cut short), read on this thread.
    case here(String)
    /// A note about the inputs.
    case note(Diagnostic)
  }

  /// Reads `paths` as ``read(_:)`` does, several files at once on up to `workers` threads:
  /// each file by one parser, the parts joined in input order, so the report never depends on
  /// which thread finished first.
  mutating func read(_ paths: [String], workers: Int) {
    let units = paths.flatMap(Self.units)
    let parallel = units.indices.filter {
      switch units[$0] {
      case .log, .folderJob, .zipJob: true
      case .here, .note: false
      }
    }
    guard workers > 1, parallel.count > 1 else {
      for path in paths { read(path) }
      return
    }
    let results = Results(count: units.count)
    let next = Counter()
    let progress = self.progress
    let threads = (0..<min(workers, parallel.count)).map { _ in
      NativeThread(stackSize: 1 << 20) {
        var archives: [String: RunLogsZip] = [:]
        while let index = next.take(below: parallel.count) {
          let unit = units[parallel[index]]
          var inputs = RunInputs(progress: progress)
          inputs.readUnit(unit, archives: &archives)
          results.store(inputs.assembly, at: parallel[index])
        }
      }
    }
    for thread in threads { thread.join() }
    for (index, unit) in units.enumerated() {
      switch unit {
      case .log, .folderJob, .zipJob:
        if let part = results.take(index) { assembly.append(part) }
      case .here(let path): read(path)
      case .note(let diagnostic): assembly.add(diagnostic)
      }
    }
  }

  /// The units of one input: a log file is one; a folder's or a zip's jobs are one each.
  static func units(_ path: String) -> [Unit] {
    if path == "-" { return [.here(path)] }
    if isDirectory(path) {
      let plan = RunLogsLayout.plan(folderPaths(path))
      let base = URL(fileURLWithPath: path)
      return plan.jobs.map { .folderJob(folder: path, $0) }
        + plan.others.filter { !isDirectory(base.appendingPathComponent($0).path) }.map {
          units(base.appendingPathComponent($0).path)
        }.joined()
    }
    // A regular file's first read is a whole chunk (or the whole file): enough to tell its kind.
    guard let reader = try? ChunkReader(path: path, readAheadThreshold: .max),
      let head = try? reader.next().map(Array.init)
    else { return [.here(path)] }
    switch InputKind.detect(head) {
    case .jobLog, .ghLog:
      return [.log(path)]
    case .zip:
      guard let zip = RunLogsZip(path: path, shownAs: path) else { return [.here(path)] }
      return zip.plan.jobs.map { .zipJob(zip: path, $0) } + zip.notes.map { .note($0) }
    case .json, .junit:
      return [.here(path)]
    }
  }

  /// Reads one unit into this (fresh) assembly.
  private mutating func readUnit(
    _ unit: Unit, archives: inout [String: RunLogsZip]
  ) {
    switch unit {
    case .log(let path):
      read(path)
    case .folderJob(let folder, let job):
      let base = URL(fileURLWithPath: folder)
      readJob(job, in: folder) { base.appendingPathComponent($0).path }
    case .zipJob(let zip, let job):
      if archives[zip] == nil { archives[zip] = RunLogsZip(path: zip, shownAs: zip) }
      guard let opened = archives[zip] else {
        assembly.recordFailure(zip, reason: "cannot open the zip again")
        return
      }
      var unpacked: Int64 = 0
      readZipJob(job, of: opened, unpacked: &unpacked)
    case .here, .note:
      break
    }
  }

  /// Result slots, one per unit, filled by the workers and emptied in order by this thread.
  private final class Results: @unchecked Sendable {
    /// One slot (an assembly cannot be copied, so it cannot sit in an array itself).
    final class Slot {
      var value: RunAssembly?
    }

    private let lock = Lock()
    private let slots: [Slot]

    init(count: Int) {
      slots = (0..<count).map { _ in Slot() }
    }

    func store(_ assembly: consuming RunAssembly, at index: Int) {
      var value: RunAssembly? = assembly
      lock.withLock { swap(&slots[index].value, &value) }
    }

    func take(_ index: Int) -> RunAssembly? {
      lock.withLock { slots[index].value.take() }
    }
  }

  /// Hands out indices below a bound, each once.
  private final class Counter: @unchecked Sendable {
    private let lock = Lock()
    private var value = 0

    func take(below bound: Int) -> Int? {
      lock.withLock {
        guard value < bound else { return nil }
        defer { value += 1 }
        return value
      }
    }
  }
}
