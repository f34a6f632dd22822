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

  /// Advice for a run report; empty when the facts are fine.
  public static func forReport(_ report: RunReport, targets: Targets = .default) -> [Advice] {
    var advice: [Advice] = []
    let restores = report.restores
    let totals = report.totals
    if restores.count >= 2, totals.exactHits == 0,
      restores.contains(where: { $0.primaryKey != nil })
    {
      advice.append(
        Advice(
          id: "primary-key-never-hits",
          message:
            "The primary key never hit in \(restores.count) restores (\(Markdown.count(totals.fallbackHits, "fallback hit", "fallback hits")), \(Markdown.count(totals.misses, "miss", "misses"))): an input that changes every run (a timestamp, a run id, a hash of generated files) is probably part of the key."
        ))
    }
    let deep = restores.filter { $0.outcome == .fallbackHit && ($0.fallbackLevel ?? 0) >= 2 }
    let hits = restores.filter(\.outcome.isHit)
    if !deep.isEmpty, deep.count * 2 > hits.count {
      let levels = deep.compactMap(\.fallbackLevel).map(String.init).joined(separator: ", ")
      advice.append(
        Advice(
          id: "deep-fallback",
          message:
            "\(deep.count) of \(Markdown.count(hits.count, "hit", "hits")) came from fallback level 2 or deeper (\(deep.count == 1 ? "level" : "levels") \(levels)): the caches closest to the primary key are missing, so restores bring older, less useful content. Check that the jobs save their own key (see the saves) and that the shared key is warmed on the default branch."
        ))
    }
    for restore in restores {
      guard let duration = restore.duration, duration > targets.restoreTime else { continue }
      var text = "The restore in \(restore.step) took \(Markdown.duration(duration))"
      if let size = restore.sizeBytes {
        let seconds = max(0.001, Double(duration.milliseconds) / 1000)
        text +=
          " for \(Markdown.bytes(size)) (\(Int64(clamping: Double(size) / 1_048_576 / seconds)) MiB/s)"
      }
      text +=
        ", over the \(Markdown.duration(targets.restoreTime)) target: shrink the cache (garbage-collect, drop build outputs that are cheap to recreate) or split it."
      advice.append(Advice(id: "slow-restore", message: text))
    }
    let conflicts = report.jobs.flatMap(\.saves).filter(\.reservationConflict)
    if !conflicts.isEmpty {
      let keys = Set(conflicts.compactMap(\.key)).sorted()
      advice.append(
        Advice(
          id: "save-reservation-conflicts",
          message:
            "\(Markdown.count(conflicts.count, "save", "saves")) failed on a reservation conflict (\(keys.count == 1 ? "key" : "keys") \(keys.prefix(3).joined(separator: ", "))): concurrent jobs write one key. Add the job or matrix values to the key, or save from one job only."
        ))
    }
    for save in report.jobs.flatMap(\.saves) {
      guard let store = save.nixStore, let max = store.maxSizeBytes else { continue }
      if let after = store.sizeAfterBytes, after > max {
        advice.append(
          Advice(
            id: "nix-store-over-gc-limit",
            message:
              "The Nix store was still \(Markdown.bytes(after)) after garbage collection in \(save.step), over its gc-max-store-size of \(Markdown.bytes(max)): live paths exceed the limit; raise it or cache less."
          ))
      } else if let before = store.sizeBeforeBytes, before / 2 > max {
        advice.append(
          Advice(
            id: "nix-store-growth",
            message:
              "The Nix store grew to \(Markdown.bytes(before)) before garbage collection in \(save.step), more than twice its gc-max-store-size of \(Markdown.bytes(max)): each run downloads or builds more than the cache keeps."
          ))
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
