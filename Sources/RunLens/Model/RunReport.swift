/// The facts of one workflow run: its jobs, their totals and the targets they meet.
public struct RunReport: Sendable, Hashable, Codable {
  /// Run-wide sums over all jobs.
  public struct Totals: Sendable, Hashable, Codable {
    /// Number of jobs.
    public var jobs: Int
    /// Number of cache restores.
    public var restores: Int
    /// Restores that found the primary key.
    public var exactHits: Int
    /// Restores that found an entry through a restore key or prefix.
    public var fallbackHits: Int
    /// Restores that found nothing.
    public var misses: Int
    /// Restores that failed.
    public var errors: Int
    /// Restores whose outcome the log does not show.
    public var unknown: Int
    /// Number of cache saves, and how they ended.
    public var saves: Int
    /// Saves that wrote an entry.
    public var saved: Int
    /// Saves skipped on purpose.
    public var skippedSaves: Int
    /// Saves that failed.
    public var failedSaves: Int
    /// Bytes restored, summed over restores that report a size.
    public var restoredBytes: Int64
    /// Bytes saved, summed over saves that wrote an entry and report a size.
    public var savedBytes: Int64
    /// The longest restore.
    public var restoreMax: Duration?
    /// From the first job's start to the last job's end.
    public var wall: Duration?
    /// The sum of the job durations (`nil` if any job has none).
    public var compute: Duration?
    /// Jobs that failed (by the jobs API, or by a failed step in the log).
    public var failedJobs: Int = 0
    /// Jobs that were cancelled.
    public var cancelledJobs: Int = 0

    /// Exact and fallback hits over all restores; `nil` without restores.
    public var hitRate: Double? {
      restores == 0 ? nil : Double(exactHits + fallbackHits) / Double(restores)
    }

    /// Exact hits over all restores; `nil` without restores.
    public var exactHitRate: Double? {
      restores == 0 ? nil : Double(exactHits) / Double(restores)
    }
  }

  /// The jobs, in input order.
  public var jobs: [JobRun]
  /// Problems that concern the run rather than one job.
  public var diagnostics: [Diagnostic]
  /// The thresholds the targets are judged against.
  public var targetOptions: Targets
  /// The tests of the JUnit files given with the run, if any.
  public var junit: TestSummary?
  /// The run's identity from the GitHub environment, when known.
  public var run: RunInfo?
  /// Whether some input was left unread (a cap, a read failure): the figures cover what was
  /// read, and the report is partial.
  public var inputDropped = false

  /// Creates a report.
  ///
  /// - Parameters:
  ///   - jobs: The jobs, in input order.
  ///   - junit: The tests of the JUnit files read with the run.
  ///   - diagnostics: Run-level diagnostics.
  ///   - targets: The thresholds to judge.
  public init(
    jobs: [JobRun], junit: TestSummary? = nil, diagnostics: [Diagnostic] = [],
    targets: Targets = .default
  ) {
    self.jobs = jobs
    self.junit = junit
    self.diagnostics = diagnostics
    self.targetOptions = targets
  }

  /// The run's tests: the JUnit files' when given, else what nextest printed in the job logs.
  public var tests: TestSummary? {
    if let junit { return junit }
    let fromLogs = jobs.compactMap(\.tests)
    guard var combined = fromLogs.first else { return nil }
    for other in fromLogs.dropFirst() {
      combined.total += other.total
      combined.passed += other.passed
      combined.failed += other.failed
      combined.errors += other.errors
      combined.skipped += other.skipped
      combined.flaky += other.flaky
      if let duration = other.duration {
        combined.duration = (combined.duration ?? .zero) + duration
      }
      combined.failures += other.failures
      combined.flakyTests += other.flakyTests
    }
    return combined
  }

  /// Whether the inputs held no job log and no test results: a report of nothing, which
  /// never passes for a green one.
  public var isEmpty: Bool { jobs.isEmpty && tests == nil }

  /// Whether any job's log stops before the job's end, a JUnit file is cut, or input was left unread.
  public var isPartial: Bool {
    inputDropped || jobs.contains { $0.isPartial } || (junit?.isPartial ?? false)
  }

  /// Every diagnostic: the run's, then each job's.
  public var allDiagnostics: [Diagnostic] { diagnostics + jobs.flatMap(\.diagnostics) }

  /// All restores of all jobs.
  public var restores: [CacheRestore] { jobs.flatMap(\.restores) }

  /// The names of jobs that appear more than once with times that do not overlap: two runs
  /// given as one (or a job and its re-run), across which a wall time means nothing.
  public var jobsFromUnrelatedRuns: [String] {
    // Only the times: a whole `JobRun` per entry would copy every job's steps and caches.
    var seen: [String: [(start: LogTime, end: LogTime)]] = [:]
    for index in jobs.indices {
      guard let start = jobs[index].startedAt, let end = jobs[index].completedAt else { continue }
      seen[jobs[index].name, default: []].append((start, end))
    }
    return seen.filter { _, same in
      same.count > 1
        && zip(same, same.dropFirst()).contains { first, second in
          first.end < second.start || second.end < first.start
        }
    }.keys.sorted()
  }

  /// The run-wide sums.
  ///
  /// One pass over the jobs that reads the fields it sums in place: flattening the restores
  /// and saves into arrays of their own copied every one (a retain of each of its strings),
  /// and the sums are worked out after the last log of a run is read, on one thread.
  public var totals: Totals {
    var totals = Totals(
      jobs: jobs.count, restores: 0, exactHits: 0, fallbackHits: 0, misses: 0, errors: 0,
      unknown: 0, saves: 0, saved: 0, skippedSaves: 0, failedSaves: 0, restoredBytes: 0,
      savedBytes: 0, restoreMax: nil, wall: nil, compute: nil)
    // Over the jobs that have times: a job known only by name (skipped, still running, an
    // empty input) must not make the run's time unknown.
    var first: LogTime?
    var last: LogTime?
    for index in jobs.indices {
      let restores = jobs[index].restores
      totals.restores += restores.count
      for at in restores.indices {
        switch restores[at].outcome {
        case .exactHit: totals.exactHits += 1
        case .fallbackHit: totals.fallbackHits += 1
        case .miss: totals.misses += 1
        case .error: totals.errors += 1
        case .unknown: totals.unknown += 1
        }
        if restores[at].outcome.isHit, let size = restores[at].sizeBytes {
          totals.restoredBytes = totals.restoredBytes.saturatingAdding(size)
        }
        if let duration = restores[at].duration, totals.restoreMax.map({ duration > $0 }) ?? true {
          totals.restoreMax = duration
        }
      }
      let saves = jobs[index].saves
      totals.saves += saves.count
      for at in saves.indices {
        switch saves[at].outcome {
        case .saved:
          totals.saved += 1
          if let size = saves[at].sizeBytes {
            totals.savedBytes = totals.savedBytes.saturatingAdding(size)
          }
        case .skipped: totals.skippedSaves += 1
        case .failed: totals.failedSaves += 1
        case .unknown: break
        }
      }
      // The first of equal times, as `min()` and `max()` of a sequence keep.
      if let start = jobs[index].startedAt, first.map({ start < $0 }) ?? true { first = start }
      if let end = jobs[index].completedAt, last.map({ end > $0 }) ?? true { last = end }
      if let duration = jobs[index].duration {
        totals.compute = (totals.compute ?? .zero) + duration
      }
      if jobs[index].failed { totals.failedJobs += 1 }
      if jobs[index].cancelled { totals.cancelledJobs += 1 }
    }
    if let first, let last, jobsFromUnrelatedRuns.isEmpty {
      totals.wall = first.duration(to: last)
    }
    return totals
  }

  /// The targets judged against this run.
  public var targets: [Target] { targetOptions.evaluate(totals) }
}
