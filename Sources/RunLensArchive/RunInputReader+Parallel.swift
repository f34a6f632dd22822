package import RunLens

extension RunInputReader {
  /// A piece of the inputs one thread reads whole.
  package enum Unit: Sendable {
    /// A job log or gh output, read by a worker.
    case log(String)
    /// A job of a folder (its step files joined), read by a worker.
    case folderJob(folder: String, RunLogsLayout.Job)
    /// A job of a run-logs zip, read by a worker.
    case zipJob(zip: String, RunLogsLayout.Job)
    /// Anything else (standard input, JSON, JUnit, a zip cut short), read on the calling
    /// thread.
    case here(String)
    /// A jobs JSON file (`--jobs`), read on the calling thread.
    case jobs(String)
    /// The JUnit files (`--junit`), read in order by one worker beside the logs when no other
    /// input can hold test results (one assembly keeps the tests), else on the calling thread.
    case junit([String])
    /// A note about the inputs.
    case note(Diagnostic)

    /// Whether a worker thread reads the unit.
    package var isParallel: Bool {
      switch self {
      case .log, .folderJob, .zipJob, .junit: true
      case .here, .jobs, .note: false
      }
    }

    /// Whether reading the unit may give test results (an input of a kind told by its bytes).
    var mayHoldTests: Bool {
      if case .here = self { return true }
      return false
    }
  }

  /// Reads `paths` as ``read(_:into:)`` does, several files at once on up to `workers`
  /// threads: each file by one parser, the parts joined in input order, so the report never
  /// depends on which thread finished first.
  ///
  /// - Parameters:
  ///   - paths: The inputs, in order.
  ///   - jobs: Jobs JSON files (`--jobs`), read after the inputs.
  ///   - junit: JUnit files or folders (`--junit`), read last: by a worker of their own beside
  ///     the logs (the typical CI step: one log and one JUnit file, each on a core), unless an
  ///     input read on this thread could be JUnit too.
  ///   - workers: The most threads reading at once.
  ///   - assembly: What the inputs are read into.
  package func read(
    _ paths: [String], jobs: [String] = [], junit: [String] = [], workers: Int,
    into assembly: inout RunAssembly
  ) {
    let units =
      paths.flatMap(units) + jobs.map { .jobs($0) } + (junit.isEmpty ? [] : [.junit(junit)])
    let junitHere = units.contains { $0.mayHoldTests }
    let parallel = units.indices.filter {
      if case .junit = units[$0] { return !junitHere }
      return units[$0].isParallel
    }
    guard workers > 1, parallel.count > 1 else {
      for path in paths { read(path, into: &assembly) }
      for path in jobs { readJobs(path, into: &assembly) }
      for path in junit { readJUnit(path, into: &assembly) }
      return
    }
    let results = Results(count: units.count)
    files.parallel(workers: min(workers, parallel.count), count: parallel.count) {
      [self] take in
      var archives: [String: RunLogsZip] = [:]
      while let index = take() {
        var part = RunAssembly()
        readUnit(units[parallel[index]], into: &part, archives: &archives)
        results.store(part, at: parallel[index])
      }
    }
    for (index, unit) in units.enumerated() {
      switch unit {
      case .log, .folderJob, .zipJob:
        if let part = results.take(index) { assembly.append(part) }
      case .junit(let paths):
        if junitHere {
          for path in paths { readJUnit(path, into: &assembly) }
        } else if let part = results.take(index) {
          assembly.append(part)
        }
      case .here(let path): read(path, into: &assembly)
      case .jobs(let path): readJobs(path, into: &assembly)
      case .note(let diagnostic): assembly.add(diagnostic)
      }
    }
  }

  /// The units of one input: a log file is one; a folder's or a zip's jobs are one each.
  package func units(_ path: String) -> [Unit] {
    if path == "-" { return [.here(path)] }
    if files.isDirectory(path) {
      let plan = RunLogsLayout.plan(folderPaths(path))
      return plan.jobs.map { .folderJob(folder: path, $0) }
        + plan.others.filter { !files.isDirectory(Self.path($0, in: path)) }.map {
          units(Self.path($0, in: path))
        }.joined()
    }
    // A regular file's first read is a whole chunk (or the whole file): enough to tell its kind.
    guard let reader = try? files.open(path, findsLineFeeds: false, readsAhead: false),
      let head = try? reader.next().map(Array.init)
    else { return [.here(path)] }
    reader.close()
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

  /// Reads one unit into a fresh assembly; `archives` keeps the zips this thread opened.
  private func readUnit(
    _ unit: Unit, into assembly: inout RunAssembly, archives: inout [String: RunLogsZip]
  ) {
    switch unit {
    case .log(let path):
      read(path, into: &assembly)
    case .folderJob(let folder, let job):
      readJob(job, in: folder, into: &assembly)
    case .zipJob(let zip, let job):
      if archives[zip] == nil { archives[zip] = RunLogsZip(path: zip, shownAs: zip) }
      guard let opened = archives[zip] else {
        assembly.recordFailure(zip, reason: "cannot open the zip again")
        return
      }
      var unpacked: Int64 = 0
      opened.readJob(job, into: &assembly, unpacked: &unpacked, progress: files.bytesRead)
      files.inputDone()
    case .junit(let paths):
      for path in paths { readJUnit(path, into: &assembly) }
    case .here, .jobs, .note:
      break
    }
  }
}

/// Result slots, one per unit, filled by the workers and emptied in order by the calling
/// thread.
///
/// Each slot is written by the one worker that took its index and read only after
/// ``InputFiles/parallel(workers:count:_:)`` returned, that is after every worker ended, so the
/// slots need no lock.
private final class Results: @unchecked Sendable {
  /// One slot (an assembly cannot be copied, so it cannot sit in an array itself).
  final class Slot {
    var value: RunAssembly?
  }

  private let slots: [Slot]

  init(count: Int) {
    slots = (0..<count).map { _ in Slot() }
  }

  func store(_ assembly: consuming RunAssembly, at index: Int) {
    slots[index].value = consume assembly
  }

  func take(_ index: Int) -> RunAssembly? {
    slots[index].value.take()
  }
}
