/// One concrete, evidence-based recommendation, citing the numbers behind it.
public struct Advice: Sendable, Hashable {
  /// A stable identifier of the rule that fired (`primary-key-never-hits`, …).
  public var id: String
  /// The recommendation, with its evidence.
  public var message: String

  /// Creates advice.
  public init(id: String, message: String) {
    self.id = id
    self.message = message
  }

  /// What a save that failed on a reservation conflict means, from the evidence: the same job
  /// restored that key exactly (the key already existed), other jobs of the run saved it
  /// (concurrent jobs write one key), or neither (the log cannot say who held the key).
  static func reservationConflicts(_ report: RunReport, inJob: (JobRun) -> String) -> [Advice] {
    var advice: [Advice] = []
    for job in report.jobs {
      for save in job.saves where save.reservationConflict {
        let key = save.key ?? "?"
        let exact = job.restores.first {
          $0.outcome == .exactHit && ($0.restoredKey ?? $0.primaryKey) == save.key
        }
        let others = report.jobs.filter { other in
          other.name != job.name && other.saves.contains { $0.key == save.key }
        }
        let text: String
        if let exact {
          text =
            "\(inJob(job))the save of \(key) in \(save.step) failed because the key already existed: this job restored it exactly in \(exact.step), then saved it again. Skip the save on an exact hit: give actions/cache/save the condition that the restore step's cache-hit output is not true."
        } else if !others.isEmpty {
          let names = others.prefix(3).map(\.name).joined(separator: ", ")
          text =
            "\(inJob(job))the save of \(key) in \(save.step) failed on a reservation conflict, and \(names) saved the same key in this run: concurrent jobs write one key. Add the job or matrix values to the key, or save from one job only."
        } else {
          text =
            "\(inJob(job))the save of \(key) in \(save.step) failed on a reservation conflict: no other job read here saved that key, so another run (or a job not given) was probably creating it at the same time. Nothing to fix if that entry was saved."
        }
        advice.append(Advice(id: "save-reservation-conflicts", message: Self.capitalized(text)))
      }
    }
    return advice
  }

  /// The text with its first letter in upper case.
  static func capitalized(_ text: String) -> String {
    text.prefix(1).uppercased() + text.dropFirst()
  }

  /// Advice for a run report; empty when the facts are fine.
  public static func forReport(_ report: RunReport, targets: Targets = .default) -> [Advice] {
    forReport(report, targets: targets, totals: report.totals)
  }

  /// ``forReport(_:targets:)`` for a caller that has summed the report's totals already (a
  /// sum over every job).
  ///
  /// - Parameters:
  ///   - report: The report.
  ///   - targets: The targets the report is judged against.
  ///   - totals: `report.totals`.
  /// - Returns: The advice, in a fixed order.
  static func forReport(
    _ report: RunReport, targets: Targets, totals: RunReport.Totals
  ) -> [Advice] {
    var advice: [Advice] = []
    // One pass over the restores where they are: a flattened copy of them all copied each
    // one (a retain of each of its strings), after the last log of a run, on one thread.
    var restoreCount = 0
    var hasPrimaryKey = false
    var hitCount = 0
    var deepLevels: [Int] = []
    for index in report.jobs.indices {
      let restores = report.jobs[index].restores
      restoreCount += restores.count
      for at in restores.indices {
        if restores[at].primaryKey != nil { hasPrimaryKey = true }
        if restores[at].outcome.isHit { hitCount += 1 }
        if restores[at].outcome == .fallbackHit, let level = restores[at].fallbackLevel,
          level >= 2
        {
          deepLevels.append(level)
        }
      }
    }
    if restoreCount >= 2, totals.exactHits == 0, hasPrimaryKey {
      advice.append(
        Advice(
          id: "primary-key-never-hits",
          message:
            "The primary key never hit in \(restoreCount) restores (\(Markdown.count(totals.fallbackHits, "fallback hit", "fallback hits")), \(Markdown.count(totals.misses, "miss", "misses"))): an input that changes every run (a timestamp, a run id, a hash of generated files) is probably part of the key."
        ))
    }
    if !deepLevels.isEmpty, deepLevels.count * 2 > hitCount {
      let levels = deepLevels.map(String.init).joined(separator: ", ")
      advice.append(
        Advice(
          id: "deep-fallback",
          message:
            "\(deepLevels.count) of \(Markdown.count(hitCount, "hit", "hits")) came from fallback level 2 or deeper (\(deepLevels.count == 1 ? "level" : "levels") \(levels)): the caches closest to the primary key are missing, so restores bring older, less useful content. Check that the jobs save their own key (see the saves) and that the shared key is warmed on the default branch."
        ))
    }
    let named = report.jobs.count > 1
    /// `In job X, ` when the report has several jobs.
    func inJob(_ job: JobRun) -> String { named ? "In job \(job.name), " : "" }
    for job in report.jobs {
      for at in job.restores.indices {
        guard let duration = job.restores[at].duration, duration > targets.restoreTime else {
          continue
        }
        let restore = job.restores[at]
        var text = "\(inJob(job))the restore in \(restore.step) took \(Markdown.duration(duration))"
        if let size = restore.sizeBytes {
          let seconds = max(0.001, Double(duration.milliseconds) / 1000)
          let rate = Double(size) / 1e6 / seconds
          text += " for \(Markdown.bytes(size))"
          if rate.isFinite, rate < 1e12 { text += " (\(Int64(rate)) MB/s)" }
        }
        text +=
          ", over the \(Markdown.duration(targets.restoreTime)) target: shrink the cache (garbage-collect, drop build outputs that are cheap to recreate) or split it."
        advice.append(Advice(id: "slow-restore", message: Self.capitalized(text)))
      }
    }
    advice += reservationConflicts(report, inJob: inJob)
    for job in report.jobs {
      for save in job.saves {
        guard let store = save.nixStore, let max = store.maxSizeBytes else { continue }
        if let after = store.sizeAfterBytes, after > max {
          advice.append(
            Advice(
              id: "nix-store-over-gc-limit",
              message: Self.capitalized(
                "\(inJob(job))the Nix store was still \(Markdown.bytes(after)) after garbage collection in \(save.step), over its gc-max-store-size of \(Markdown.bytes(max)): live paths exceed the limit; raise it or cache less."
              )))
        } else if let before = store.sizeBeforeBytes, before / 2 > max {
          advice.append(
            Advice(
              id: "nix-store-growth",
              message: Self.capitalized(
                "\(inJob(job))the Nix store grew to \(Markdown.bytes(before)) before garbage collection in \(save.step), more than twice its gc-max-store-size of \(Markdown.bytes(max)): each run downloads or builds more than the cache keeps."
              )))
        }
      }
    }
    return advice
  }

  /// Advice for a cache budget; empty when the caches are fine.
  public static func forBudget(_ budget: CacheBudget) -> [Advice] {
    var advice: [Advice] = []
    if budget.overLimit {
      let evicted = budget.evictedFirst
      let names = evicted.prefix(3).map(\.key).joined(separator: ", ")
      advice.append(
        Advice(
          id: "over-limit",
          message:
            "The caches take \(CacheBudgetReport.bothUnits(budget.totalBytes)), over the \(CacheBudgetReport.bothUnits(budget.limitBytes)) limit: least-recently-used eviction will drop \(Markdown.count(evicted.count, "entry", "entries")) (\(Markdown.bytes(evicted.lazy.map(\.sizeBytes).saturatingSum()))) first, starting with \(names)."
        ))
    }
    let stale = budget.stale
    if !stale.isEmpty {
      let bytes = stale.lazy.map(\.sizeBytes).saturatingSum()
      advice.append(
        Advice(
          id: "idle-entries",
          message:
            "\(Markdown.count(stale.count, "entry", "entries")) (\(Markdown.bytes(bytes))) not used for more than 7 days: GitHub will remove them. Delete them now (`gh cache delete`) to make room, or stop creating keys nobody restores."
        ))
    }
    for group in budget.groups where group.overAllocation {
      guard let allowed = group.allowedBytes, let allocation = group.allocation else { continue }
      advice.append(
        Advice(
          id: "family-over-allocation",
          message:
            "\(group.name) takes \(Markdown.bytes(group.bytes)) in \(Markdown.count(group.entries, "entry", "entries")), over its allocation of \(Markdown.bytes(allowed)) by \(Markdown.bytes(group.bytes.saturatingSubtracting(allowed))) (\(allocation.label): \(Markdown.bytes(allocation.bytesPerKey)) per key × \(Markdown.count(group.keys, "key", "keys")))."
        ))
    }
    let pullRequest = budget.entries.filter { $0.ref?.hasPrefix("refs/pull/") ?? false }
    let pullBytes = pullRequest.lazy.map(\.sizeBytes).saturatingSum()
    if !pullRequest.isEmpty, pullBytes.saturatingMultiplying(by: 5) > budget.totalBytes {
      advice.append(
        Advice(
          id: "pull-request-caches",
          message:
            "\(Markdown.count(pullRequest.count, "entry", "entries")) (\(Markdown.bytes(pullBytes))) saved by pull requests, which other pull requests cannot restore: save caches only on the default branch."
        ))
    }
    return advice
  }
}
