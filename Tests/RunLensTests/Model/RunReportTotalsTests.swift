import Testing

@testable import RunLens

@Suite("RunReport totals")
struct RunReportTotalsTests {
  /// The sums as they were worked out before the single pass: every restore and save
  /// flattened into arrays of their own, then filtered per figure.
  static func reference(_ report: RunReport) -> RunReport.Totals {
    let restores = report.jobs.flatMap(\.restores)
    let saves = report.jobs.flatMap(\.saves)
    let starts = report.jobs.compactMap(\.startedAt)
    let ends = report.jobs.compactMap(\.completedAt)
    var wall: Duration?
    if report.jobsFromUnrelatedRuns.isEmpty, let first = starts.min(), let last = ends.max() {
      wall = first.duration(to: last)
    }
    let durations = report.jobs.compactMap(\.duration)
    var totals = RunReport.Totals(
      jobs: report.jobs.count,
      restores: restores.count,
      exactHits: restores.filter { $0.outcome == .exactHit }.count,
      fallbackHits: restores.filter { $0.outcome == .fallbackHit }.count,
      misses: restores.filter { $0.outcome == .miss }.count,
      errors: restores.filter { $0.outcome == .error }.count,
      unknown: restores.filter { $0.outcome == .unknown }.count,
      saves: saves.count,
      saved: saves.filter { $0.outcome == .saved }.count,
      skippedSaves: saves.filter { $0.outcome == .skipped }.count,
      failedSaves: saves.filter { $0.outcome == .failed }.count,
      restoredBytes: restores.filter(\.outcome.isHit).compactMap(\.sizeBytes).saturatingSum(),
      savedBytes: saves.filter { $0.outcome == .saved }.compactMap(\.sizeBytes).saturatingSum(),
      restoreMax: restores.compactMap(\.duration).max(),
      wall: wall,
      compute: durations.isEmpty ? nil : durations.reduce(.zero, +))
    totals.failedJobs = report.jobs.filter(\.failed).count
    totals.cancelledJobs = report.jobs.filter(\.cancelled).count
    return totals
  }

  /// A random job: times or none (two jobs of one name may not overlap), restores and saves
  /// of every outcome, sizes up to `Int64.max` (the sums saturate), and a conclusion.
  static func job(_ generator: inout some RandomNumberGenerator) -> JobRun {
    func pick<T>(_ values: [T]) -> T { values[Int.random(in: values.indices, using: &generator)] }
    func time(_ seconds: Int64) -> LogTime {
      LogTime(text: "t\(seconds)", nanosecondsSinceEpoch: seconds * 1_000_000_000)
    }
    let start = Int64.random(in: 0...100, using: &generator)
    let timed = Int.random(in: 0..<4, using: &generator) > 0
    let sizes: [Int64?] = [nil, 0, 1, 5_000_000_000, .max, .max - 1]
    let durations: [Duration?] = [nil, .zero, .seconds(3), .seconds(3), .milliseconds(1500)]
    var job = JobRun(
      name: pick(["a", "b", "c"]),
      startedAt: timed ? time(start) : nil,
      completedAt: timed && Bool.random(using: &generator)
        ? time(start + Int64.random(in: 0...50, using: &generator)) : nil,
      restores: (0..<Int.random(in: 0...4, using: &generator)).map { line in
        CacheRestore(
          step: "restore", action: nil,
          outcome: pick([.exactHit, .fallbackHit, .miss, .error, .unknown]),
          sizeBytes: pick(sizes),
          duration: pick(durations), line: line)
      },
      saves: (0..<Int.random(in: 0...3, using: &generator)).map { line in
        CacheSave(
          step: "save", action: nil,
          outcome: pick([.saved, .skipped, .failed, .unknown]),
          sizeBytes: pick(sizes), line: line)
      })
    job.conclusion = pick([nil, "success", "failure", "timed_out", "cancelled"])
    return job
  }

  @Test("the single pass gives the sums of the flattened arrays")
  func sameAsFlattened() {
    var generator = SeededGenerator(seed: 16)
    var walls = 0
    for _ in 0..<3_000 {
      let report = RunReport(
        jobs: (0..<Int.random(in: 0...6, using: &generator)).map { _ in
          Self.job(&generator)
        })
      let totals = report.totals
      #expect(totals == Self.reference(report))
      if totals.wall != nil { walls += 1 }
    }
    // Both branches of the wall time were taken.
    #expect(walls > 100)
  }
}
