extension HistoryReport {
  /// The report over `runs`.
  ///
  /// Runs are filtered by branch and workflow, then to those that started at or after the
  /// window's start (``Options/since``; days count back from the newest matching run), and
  /// ordered by start time, then key. Periods are days when the window spans 14 days or less,
  /// else ISO weeks. Rates are pooled over the period's restores; p50 and p90 are over the
  /// period's values (nearest rank for p90, as in comparisons).
  ///
  /// - Parameters:
  ///   - runs: The runs, in any order.
  ///   - options: The window and filters.
  public init(runs: [HistoryRun], options: Options = .default) {
    let matching = runs.filter { run in
      (options.branch == nil || run.branch == options.branch)
        && (options.workflow == nil || run.workflow == options.workflow)
    }
    // Start times once a run; the runs are ordered through their indexes (sorting the runs
    // themselves would copy each one many times).
    let starts = matching.map(\.startedAtMs)
    let newest = starts.compactMap { $0 }.max() ?? 0
    let cutoff: Int64 =
      switch options.since {
      case .days(let days): newest - Int64(max(0, days)) * 86_400_000
      case .date(let text): CalendarDay(parsing: text)?.milliseconds ?? Int64.min
      }
    var dated = matching.indices.compactMap { index -> (Int, Int64)? in
      guard let start = starts[index], start >= cutoff else { return nil }
      return (index, start)
    }
    dated.sort { left, right in
      left.1 != right.1 ? left.1 < right.1 : matching[left.0].key < matching[right.0].key
    }
    let ordered = dated.map { matching[$0.0] }
    let days = dated.map { CalendarDay(milliseconds: $0.1) }
    let span = (days.last?.daysSinceEpoch ?? 0) - (days.first?.daysSinceEpoch ?? 0)
    let weekly = span > 14
    let periods = days.map { weekly ? $0.weekText : $0.text }

    self.runs = ordered.count
    undatedRuns = starts.count - starts.compactMap { $0 }.count
    from = days.first?.text
    to = days.last?.text
    period = weekly ? "week" : "day"
    limitBytes = options.limitBytes
    let builder = Builder(runs: ordered, periods: periods, times: dated.map(\.1))
    series = builder.series()
    changePoints = builder.changePoints()
    (flakyTests, quarantineFilterset) = builder.flakyTests()
    families = builder.families()
    var footprint: Int64 = 0
    var growth: Int64 = 0
    for family in families {
      footprint = footprint.addingReportingOverflow(family.lastBytes ?? 0).partialValue
      growth = growth.addingReportingOverflow(max(0, family.growthBytesPerWeek ?? 0)).partialValue
    }
    footprintBytes = footprint
    weeksToLimit =
      growth > 0 && footprint < options.limitBytes
      ? Double(options.limitBytes - footprint) / Double(growth) : nil
    advice = []
    advice = adviceList()
  }

  private func adviceList() -> [Advice] {
    var list: [Advice] = []
    for change in changePoints
    where change.scope == "all" && change.metric == "exactHitRate" && change.after < change.before {
      list.append(
        Advice(
          id: "exact-hit-rate-fell",
          message:
            "The exact-hit rate fell from \(Self.percent(change.before)) to "
            + "\(Self.percent(change.after)) from run \(change.runId)"
            + (change.sha.map { " (commit \($0.prefix(12)))" } ?? "")
            + "; look at what that commit changed in the cache keys."))
    }
    let candidates = flakyTests.filter(\.quarantine)
    if !candidates.isEmpty {
      list.append(
        Advice(
          id: "quarantine-flaky-tests",
          message:
            "\(candidates.count) test\(candidates.count == 1 ? "" : "s") flip between failing and "
            + "passing; quarantine with the nextest filterset below while they are fixed."))
    }
    let never = neverHit
    if !never.isEmpty {
      list.append(
        Advice(
          id: "keys-never-hit",
          message:
            "Keys of \(never.map(\.family).joined(separator: ", ")) never hit in "
            + "\(runs) runs: a key that changes every run only costs its save."))
    }
    if let weeksToLimit, weeksToLimit < 8 {
      list.append(
        Advice(
          id: "cache-growing",
          message:
            "At the current growth the caches reach the \(limitBytes / 1_000_000_000) GB limit "
            + "in about \(Int(weeksToLimit.rounded(.up))) weeks; GitHub then evicts the least "
            + "recently used."))
    }
    return list
  }

  /// A rate as a whole percentage (`72%`).
  static func percent(_ value: Double) -> String {
    guard value.isFinite else { return "–" }
    return "\(Int((value * 100).rounded()))%"
  }
}

/// The per-run and per-period arithmetic behind ``HistoryReport``.
private struct Builder {
  let runs: [HistoryRun]
  let periods: [String]
  let periodNames: [String]
  /// Each run's start in milliseconds since the epoch.
  let times: [Int64]

  init(runs: [HistoryRun], periods: [String], times: [Int64]) {
    self.runs = runs
    self.periods = periods
    self.times = times
    var seen: Set<String> = []
    periodNames = periods.filter { seen.insert($0).inserted }
  }

  /// The restores of run `index`, every job's in job order (a transient array: keeping every
  /// run's would double the report's memory).
  func restores(_ index: Int) -> [HistoryRun.Restore] { runs[index].restores }

  /// The saves of run `index`, every job's in job order.
  func saves(_ index: Int) -> [HistoryRun.Save] { runs[index].jobs.flatMap(\.saves) }

  /// How many of `restores` hit (exactly only, with `exact`).
  static func hits(_ restores: [HistoryRun.Restore], exact: Bool) -> Int {
    var count = 0
    for restore in restores where exact ? restore.outcome == "exact-hit" : restore.isHit {
      count += 1
    }
    return count
  }

  /// Pooled hit rates of the restores `select` picks from each run, per period.
  func rateSeries(
    scope: String, _ select: (Int) -> [HistoryRun.Restore]
  ) -> [HistoryReport.Series] {
    var hits: [String: (restores: Int, hits: Int, exact: Int, runs: Int, ms: [Int64])] = [:]
    for (index, period) in periods.enumerated() {
      let restores = select(index)
      guard !restores.isEmpty else { continue }
      var entry = hits[period] ?? (0, 0, 0, 0, [])
      hits[period] = nil
      entry.restores += restores.count
      entry.hits += Self.hits(restores, exact: false)
      entry.exact += Self.hits(restores, exact: true)
      entry.runs += 1
      for restore in restores {
        if let ms = restore.durationMs { entry.ms.append(ms) }
      }
      hits[period] = entry
    }
    func points(_ value: (Int, Int, Int, [Int64]) -> Double?) -> [HistoryReport.Point] {
      periodNames.compactMap { name in
        guard let entry = hits[name],
          let value = value(entry.restores, entry.hits, entry.exact, entry.ms)
        else { return nil }
        return HistoryReport.Point(period: name, value: value, runs: entry.runs)
      }
    }
    return [
      .init(
        metric: "hitRate", scope: scope,
        points: points { restores, hits, _, _ in Double(hits) / Double(restores) }),
      .init(
        metric: "exactHitRate", scope: scope,
        points: points { restores, _, exact, _ in Double(exact) / Double(restores) }),
      .init(
        metric: "restoreMsP50", scope: scope,
        points: points { _, _, _, ms in Statistics.summary(ms).map { Double($0.median) } }),
      .init(
        metric: "restoreMsP90", scope: scope,
        points: points { _, _, _, ms in Statistics.summary(ms).map { Double($0.p90) } }),
    ]
  }

  /// p50 and p90 (or only p50) of one value a run, per period.
  func timeSeries(
    _ metric: String, scope: String, p90: Bool = true, _ value: (Int) -> Int64?
  ) -> [HistoryReport.Series] {
    var values: [String: [Int64]] = [:]
    for (index, period) in periods.enumerated() {
      if let value = value(index) { values[period, default: []].append(value) }
    }
    func points(_ pick: (Statistics.Summary) -> Int64) -> [HistoryReport.Point] {
      periodNames.compactMap { name in
        guard let list = values[name], let summary = Statistics.summary(list) else { return nil }
        return HistoryReport.Point(period: name, value: Double(pick(summary)), runs: list.count)
      }
    }
    var series = [
      HistoryReport.Series(metric: metric + "P50", scope: scope, points: points(\.median))
    ]
    if p90 { series.append(.init(metric: metric + "P90", scope: scope, points: points(\.p90))) }
    return series
  }

  var jobNames: [String] { Self.sortedUnique(runs.flatMap { $0.jobs.map(\.name) }) }
  var familyNames: [String] {
    var names: Set<String> = []
    for run in runs {
      for job in run.jobs {
        for restore in job.restores { if let family = restore.family { names.insert(family) } }
      }
    }
    return names.sorted { $0.utf8.lexicographicallyPrecedes($1.utf8) }
  }

  static func sortedUnique(_ names: [String]) -> [String] {
    Set(names).sorted { $0.utf8.lexicographicallyPrecedes($1.utf8) }
  }

  func series() -> [HistoryReport.Series] {
    var list = rateSeries(scope: "all") { restores($0) }
    list += timeSeries("wallMs", scope: "all") { runs[$0].wallMs }
    list += timeSeries("computeMs", scope: "all") { runs[$0].computeMs }
    for job in jobNames {
      list += rateSeries(scope: "job:\(job)") { index in
        runs[index].jobs.filter { $0.name == job }.flatMap(\.restores)
      }
      list += timeSeries("durationMs", scope: "job:\(job)") { index in
        runs[index].jobs.first { $0.name == job }?.durationMs
      }
    }
    for family in familyNames {
      list += rateSeries(scope: "family:\(family)") { index in
        restores(index).filter { $0.family == family }
      }
      var saved = timeSeries("savedBytes", scope: "family:\(family)", p90: false) { index in
        saves(index).filter { $0.family == family && $0.outcome == "saved" }
          .compactMap(\.sizeBytes).max()
      }
      saved[0].metric = "savedBytesP50"
      if !saved[0].points.isEmpty { list += saved }
    }
    list += slowestTests()
    list += slowestSteps()
    return list.filter { !$0.points.isEmpty }
  }

  /// The p50 time per period of the 5 tests with the longest median over the window.
  func slowestTests() -> [HistoryReport.Series] {
    var all: [String: [(run: Int, ms: Int64)]] = [:]
    for (index, run) in runs.enumerated() {
      for test in run.tests {
        if let ms = test.durationMs {
          all[test.suite + "/" + test.name, default: []].append((index, ms))
        }
      }
    }
    return slowest(all.mapValues { $0.map(\.ms) }, count: 5).map { name in
      medians(all[name] ?? [], metric: "testMsP50", scope: "test:\(name)")
    }
  }

  /// The p50 time per period of the 5 steps with the longest median over the window.
  func slowestSteps() -> [HistoryReport.Series] {
    var all: [String: [(run: Int, ms: Int64)]] = [:]
    for (index, run) in runs.enumerated() {
      for job in run.jobs {
        for step in job.steps {
          if let ms = step.durationMs {
            all[job.name + "/" + step.name, default: []].append((index, ms))
          }
        }
      }
    }
    return slowest(all.mapValues { $0.map(\.ms) }, count: 5).map { name in
      medians(all[name] ?? [], metric: "stepMsP50", scope: "step:\(name)")
    }
  }

  /// The median per period of values tagged with their run's index (first value a run only).
  private func medians(
    _ values: [(run: Int, ms: Int64)], metric: String, scope: String
  ) -> HistoryReport.Series {
    var byPeriod: [String: [Int64]] = [:]
    var last = -1
    for value in values where value.run != last {
      last = value.run
      byPeriod[periods[value.run], default: []].append(value.ms)
    }
    return HistoryReport.Series(
      metric: metric, scope: scope,
      points: periodNames.compactMap { name in
        guard let list = byPeriod[name], let summary = Statistics.summary(list) else { return nil }
        return HistoryReport.Point(period: name, value: Double(summary.median), runs: list.count)
      })
  }

  private func slowest(_ all: [String: [Int64]], count: Int) -> [String] {
    all.compactMap { name, values in Statistics.summary(values).map { (name, $0.median) } }
      .sorted { $0.1 != $1.1 ? $0.1 > $1.1 : $0.0.utf8.lexicographicallyPrecedes($1.0.utf8) }
      .prefix(count).map(\.0)
  }

  func changePoints() -> [HistoryReport.ChangePoint] {
    var found: [(order: Int, point: HistoryReport.ChangePoint)] = []
    func detect(
      _ metric: String, _ scope: String, minimumShift: Double, relative: Bool = false,
      _ value: (Int) -> Double?
    ) {
      let indexed = runs.indices.compactMap { index in value(index).map { (index, $0) } }
      let values = indexed.map(\.1)
      let shift =
        relative
        ? minimumShift * ChangePointDetector.mean(values.prefix(max(1, values.count / 2)))
        : minimumShift
      let options = ChangePointDetector.Options(minimumShift: shift)
      for change in ChangePointDetector.changes(in: values, options: options) {
        let run = runs[indexed[change.index].0]
        let previous = runs[indexed[change.index - 1].0]
        found.append(
          (
            indexed[change.index].0,
            HistoryReport.ChangePoint(
              metric: metric, scope: scope, runId: run.runId ?? run.key, sha: run.sha,
              startedAt: run.startedAt, previousRunId: previous.runId ?? previous.key,
              before: change.before, after: change.after, t: change.t,
              method: ChangePointDetector.method)
          ))
      }
    }
    // Each scope's restores are selected once a run, for both rates.
    func rates(_ scope: String, _ select: (Int) -> [HistoryRun.Restore]) {
      let counts = runs.indices.map { index in
        let restores = select(index)
        return (
          restores.count, Self.hits(restores, exact: false), Self.hits(restores, exact: true)
        )
      }
      detect("hitRate", scope, minimumShift: 0.05) { index in
        counts[index].0 == 0 ? nil : Double(counts[index].1) / Double(counts[index].0)
      }
      detect("exactHitRate", scope, minimumShift: 0.05) { index in
        counts[index].0 == 0 ? nil : Double(counts[index].2) / Double(counts[index].0)
      }
    }
    rates("all") { restores($0) }
    detect("wallMs", "all", minimumShift: 0.05, relative: true) {
      runs[$0].wallMs.map(Double.init)
    }
    detect("computeMs", "all", minimumShift: 0.05, relative: true) {
      runs[$0].computeMs.map(Double.init)
    }
    for job in jobNames {
      rates("job:\(job)") { runs[$0].jobs.filter { $0.name == job }.flatMap(\.restores) }
      detect("durationMs", "job:\(job)", minimumShift: 0.05, relative: true) { index in
        runs[index].jobs.first { $0.name == job }?.durationMs.map(Double.init)
      }
    }
    for family in familyNames {
      rates("family:\(family)") { restores($0).filter { $0.family == family } }
    }
    return found.sorted { $0.order < $1.order }.map(\.point)
  }

  func flakyTests() -> ([HistoryReport.FlakyTest], String?) {
    // Each run's outcome of each named test: failed beats flaky beats passed.
    func rank(_ outcome: String) -> Int {
      switch outcome {
      case "failed", "error": 2
      case "flaky": 1
      default: 0
      }
    }
    var worst: [String: (suite: String, name: String, flaky: Int, failed: Int)] = [:]
    for run in runs {
      var outcomes: [String: (suite: String, name: String, rank: Int)] = [:]
      for test in run.tests {
        let id = test.suite + "\u{1F}" + test.name
        outcomes[id] = (test.suite, test.name, max(outcomes[id]?.rank ?? 0, rank(test.outcome)))
      }
      for (id, outcome) in outcomes {
        var entry = worst[id] ?? (outcome.suite, outcome.name, 0, 0)
        if outcome.rank == 1 { entry.flaky += 1 }
        if outcome.rank == 2 { entry.failed += 1 }
        worst[id] = entry
      }
    }
    let tests = worst.values.compactMap { record -> HistoryReport.FlakyTest? in
      guard record.flaky + record.failed > 0 else { return nil }
      let identity = (suite: record.suite, name: record.name)
      let full = recount(identity)
      let flipRate = full.pairs > 0 ? Double(full.flips) / Double(full.pairs) : 0
      return HistoryReport.FlakyTest(
        suite: identity.suite, name: identity.name, runs: full.runs, flakyRuns: record.flaky,
        failedRuns: record.failed, flipRate: flipRate,
        quarantine: record.flaky >= 2 || flipRate >= 0.15)
    }.sorted { left, right in
      if left.flipRate != right.flipRate { return left.flipRate > right.flipRate }
      if left.flakyRuns != right.flakyRuns { return left.flakyRuns > right.flakyRuns }
      if left.failedRuns != right.failedRuns { return left.failedRuns > right.failedRuns }
      if left.suite != right.suite {
        return left.suite.utf8.lexicographicallyPrecedes(right.suite.utf8)
      }
      return left.name.utf8.lexicographicallyPrecedes(right.name.utf8)
    }
    let candidates = tests.filter(\.quarantine)
    guard !candidates.isEmpty else { return (tests, nil) }
    let terms = candidates.map {
      "(binary_id(=\(Self.escape($0.suite))) & test(=\(Self.escape($0.name))))"
    }
    return (tests, "not (" + terms.joined(separator: " | ") + ")")
  }

  /// A test's runs, flips and pairs over every run, counting runs where only its suite ran.
  private func recount(_ identity: (suite: String, name: String)) -> (
    runs: Int, flips: Int, pairs: Int
  ) {
    var runsCount = 0
    var flips = 0
    var pairs = 0
    var last: [String: Bool] = [:]
    for run in runs {
      let named = run.tests.filter { $0.suite == identity.suite && $0.name == identity.name }
      guard !named.isEmpty || run.suites.contains(where: { $0.name == identity.suite }) else {
        continue
      }
      runsCount += 1
      let failing = named.contains { $0.outcome != "passed" && $0.outcome != "skipped" }
      let branch = run.branch ?? ""
      if let previous = last[branch] {
        pairs += 1
        if previous != failing { flips += 1 }
      }
      last[branch] = failing
    }
    return (runsCount, flips, pairs)
  }

  /// A nextest filterset matcher argument with `\`, `(`, `)` and `,` escaped.
  static func escape(_ text: String) -> String {
    var output = ""
    for character in text {
      if "\\(),".contains(character) { output.append("\\") }
      output.append(character)
    }
    return output
  }

  func families() -> [HistoryReport.Family] {
    // One pass over the restores and saves, grouped by family.
    var counts: [String: (restores: Int, hits: Int)] = [:]
    for run in runs {
      for job in run.jobs {
        for restore in job.restores {
          guard let family = restore.family else { continue }
          counts[family, default: (0, 0)].restores += 1
          if restore.isHit { counts[family, default: (0, 0)].hits += 1 }
        }
      }
    }
    var allSizes: [String: [(ms: Int64, bytes: Int64)]] = [:]
    for (run, ms) in zip(runs, times) {
      var largest: [String: Int64] = [:]
      for job in run.jobs {
        for save in job.saves where save.outcome == "saved" {
          guard let family = save.family, let size = save.sizeBytes else { continue }
          largest[family] = max(largest[family] ?? size, size)
        }
      }
      for (family, bytes) in largest { allSizes[family, default: []].append((ms, bytes)) }
    }
    return familyNames.map { family in
      let count = counts[family] ?? (0, 0)
      let sizes = allSizes[family] ?? []
      var growth: Int64?
      if let first = sizes.first, let last = sizes.last, last.ms > first.ms {
        let weeks = Double(last.ms - first.ms) / 604_800_000
        let perWeek = Double(last.bytes - first.bytes) / weeks
        if perWeek.isFinite, abs(perWeek) < 9e18 { growth = Int64(perWeek.rounded()) }
      }
      return HistoryReport.Family(
        family: family, restores: count.restores, hits: count.hits,
        firstBytes: sizes.first?.bytes, lastBytes: sizes.last?.bytes, growthBytesPerWeek: growth)
    }
  }
}
