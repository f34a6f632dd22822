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
    self.init(digest: HistoryDigest(runs: runs), options: options)
  }

  /// The report over the runs of a digest, as ``init(runs:options:)`` computes it.
  ///
  /// - Parameters:
  ///   - digest: The runs, in any order.
  ///   - options: The window and filters.
  package init(digest: HistoryDigest, options: Options = .default) {
    let matching = digest.runs.indices.filter { index in
      let run = digest.runs[index]
      return (options.branch == nil || run.branch == options.branch)
        && (options.workflow == nil || run.workflow == options.workflow)
    }
    let newest = matching.compactMap { digest.runs[$0].startedAtMs }.max() ?? 0
    let cutoff: Int64 =
      switch options.since {
      case .days(let days):
        // `--since` is the user's number: a span past the range of times means every run.
        Self.subtracting(days: days, from: newest)
      case .date(let text): CalendarDay(parsing: text)?.milliseconds ?? Int64.min
      }
    var undated = 0
    var dated: [(Int, Int64)] = []
    for index in matching {
      guard let start = digest.runs[index].startedAtMs else {
        undated += 1
        continue
      }
      if start >= cutoff { dated.append((index, start)) }
    }
    dated.sort { left, right in
      left.1 != right.1
        ? left.1 < right.1 : digest.runs[left.0].key < digest.runs[right.0].key
    }
    let days = dated.map { CalendarDay(milliseconds: $0.1) }
    let span = (days.last?.daysSinceEpoch ?? 0) - (days.first?.daysSinceEpoch ?? 0)
    let weekly = span > 14

    self.runs = dated.count
    undatedRuns = undated
    from = days.first?.text
    to = days.last?.text
    period = weekly ? "week" : "day"
    limitBytes = options.limitBytes
    let builder = Builder(
      digest: digest, order: dated.map(\.0), periods: days.map { weekly ? $0.weekText : $0.text },
      times: dated.map(\.1))
    series = builder.series()
    changePoints = builder.changePoints()
    (flakyTests, quarantineFilterset) = builder.flakyTests()
    families = builder.families()
    var footprint: Int64 = 0
    var growth: Int64 = 0
    for family in families {
      footprint = footprint.saturatingAdding(max(0, family.lastBytes ?? 0))
      growth = growth.saturatingAdding(max(0, family.growthBytesPerWeek ?? 0))
    }
    footprintBytes = footprint
    // In Double: the limit is the user's number, and the difference may not be an Int64.
    weeksToLimit =
      growth > 0 && footprint < options.limitBytes
      ? (Double(options.limitBytes) - Double(footprint)) / Double(growth) : nil
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

/// The per-run and per-period arithmetic behind ``HistoryReport``, over a digest's runs.
///
/// Runs are named by their position in the report's order (0 oldest); `order` maps a position
/// to the run's index in the digest.
private struct Builder {
  typealias Restore = HistoryDigest.Restore

  let digest: HistoryDigest
  /// The digest's index of each covered run, oldest first.
  let order: [Int]
  /// Each covered run's period, as an index into ``periodNames``.
  let periods: [Int]
  /// The periods, oldest first.
  let periodNames: [String]
  /// Each covered run's start in milliseconds since the epoch.
  let times: [Int64]

  init(digest: HistoryDigest, order: [Int], periods: [String], times: [Int64]) {
    self.digest = digest
    self.order = order
    self.times = times
    var indexes: [String: Int] = [:]
    var names: [String] = []
    self.periods = periods.map { name in
      if let index = indexes[name] { return index }
      indexes[name] = names.count
      names.append(name)
      return names.count - 1
    }
    periodNames = names
  }

  /// The covered run at `position`.
  func run(_ position: Int) -> HistoryDigest.Run { digest.runs[order[position]] }

  /// The restores of the run at `position`, every job's in job order.
  func restores(_ position: Int) -> ArraySlice<Restore> { digest.restores[order[position]] }

  /// An interned name.
  func name(_ index: Int32) -> String { digest.names[Int(index)] }

  /// Restores, hits and exact hits among the restores `include` picks from a run.
  func counts(_ position: Int, _ include: (Restore) -> Bool) -> (
    restores: Int, hits: Int, exact: Int
  ) {
    var counts = (restores: 0, hits: 0, exact: 0)
    for restore in restores(position) where include(restore) {
      counts.restores += 1
      if restore.isHit { counts.hits += 1 }
      if restore.outcome == .exactHit { counts.exact += 1 }
    }
    return counts
  }

  /// Pooled hit rates of the restores `include` picks from each run, per period.
  func rateSeries(scope: String, _ include: (Restore) -> Bool) -> [HistoryReport.Series] {
    let count = periodNames.count
    var restoreCounts = [Int](repeating: 0, count: count)
    var hits = [Int](repeating: 0, count: count)
    var exact = [Int](repeating: 0, count: count)
    var runs = [Int](repeating: 0, count: count)
    var ms = [[Int64]](repeating: [], count: count)
    for (position, period) in periods.enumerated() {
      var picked = false
      for restore in restores(position) where include(restore) {
        picked = true
        restoreCounts[period] += 1
        if restore.isHit { hits[period] += 1 }
        if restore.outcome == .exactHit { exact[period] += 1 }
        if let value = restore.durationMs { ms[period].append(value) }
      }
      if picked { runs[period] += 1 }
    }
    func points(_ value: (Int) -> Double?) -> [HistoryReport.Point] {
      periodNames.indices.compactMap { period in
        guard runs[period] > 0, let value = value(period) else { return nil }
        return HistoryReport.Point(period: periodNames[period], value: value, runs: runs[period])
      }
    }
    return [
      .init(
        metric: "hitRate", scope: scope,
        points: points { Double(hits[$0]) / Double(restoreCounts[$0]) }),
      .init(
        metric: "exactHitRate", scope: scope,
        points: points { Double(exact[$0]) / Double(restoreCounts[$0]) }),
      .init(
        metric: "restoreMsP50", scope: scope,
        points: points { Statistics.summary(ms[$0]).map { Double($0.median) } }),
      .init(
        metric: "restoreMsP90", scope: scope,
        points: points { Statistics.summary(ms[$0]).map { Double($0.p90) } }),
    ]
  }

  /// p50 and p90 (or only p50) of one value a run, per period.
  func timeSeries(
    _ metric: String, scope: String, p90: Bool = true, _ value: (Int) -> Int64?
  ) -> [HistoryReport.Series] {
    var values = [[Int64]](repeating: [], count: periodNames.count)
    for (position, period) in periods.enumerated() {
      if let value = value(position) { values[period].append(value) }
    }
    let summaries = values.map { Statistics.summary($0) }
    func points(_ pick: (Statistics.Summary) -> Int64) -> [HistoryReport.Point] {
      periodNames.indices.compactMap { period in
        guard let summary = summaries[period] else { return nil }
        return HistoryReport.Point(
          period: periodNames[period], value: Double(pick(summary)), runs: values[period].count)
      }
    }
    var series = [
      HistoryReport.Series(metric: metric + "P50", scope: scope, points: points(\.median))
    ]
    if p90 { series.append(.init(metric: metric + "P90", scope: scope, points: points(\.p90))) }
    return series
  }

  /// The names of `indexes`, without repeats, in UTF-8 order, with their indexes.
  func sortedNames(_ indexes: Set<Int32>) -> [(name: String, index: Int32)] {
    indexes.map { (name($0), $0) }.sorted { $0.0.utf8.lexicographicallyPrecedes($1.0.utf8) }
  }

  /// The covered runs' job names.
  var jobNames: [(name: String, index: Int32)] {
    var names: Set<Int32> = []
    for run in order { for job in digest.jobs[run] { names.insert(job.name) } }
    return sortedNames(names)
  }

  /// The key families of the covered runs' restores.
  var familyNames: [(name: String, index: Int32)] {
    var names: Set<Int32> = []
    for position in order.indices {
      for restore in restores(position) where restore.family >= 0 { names.insert(restore.family) }
    }
    return sortedNames(names)
  }

  /// The duration of the first job named `name` in the run at `position`.
  func jobDuration(_ position: Int, _ name: Int32) -> Int64? {
    digest.jobs[order[position]].first { $0.name == name }?.durationMs
  }

  func series() -> [HistoryReport.Series] {
    var list = rateSeries(scope: "all") { _ in true }
    list += timeSeries("wallMs", scope: "all") { run($0).wallMs }
    list += timeSeries("computeMs", scope: "all") { run($0).computeMs }
    for job in jobNames {
      list += rateSeries(scope: "job:\(job.name)") { $0.job == job.index }
      list += timeSeries("durationMs", scope: "job:\(job.name)") {
        jobDuration($0, job.index)
      }
    }
    for family in familyNames {
      list += rateSeries(scope: "family:\(family.name)") { $0.family == family.index }
      var saved = timeSeries("savedBytes", scope: "family:\(family.name)", p90: false) {
        position in
        var largest: Int64?
        for save in digest.saves[order[position]] where save.family == family.index {
          largest = max(largest ?? save.sizeBytes, save.sizeBytes)
        }
        return largest
      }
      saved[0].metric = "savedBytesP50"
      if !saved[0].points.isEmpty { list += saved }
    }
    list += slowestTests()
    list += slowestSteps()
    return list.filter { !$0.points.isEmpty }
  }

  /// Values gathered under names that two interned names make (`suite/name`, `job/step`),
  /// each pair's name made once.
  struct Named {
    /// The names, by slot.
    var names: [String] = []
    /// Each slot's values, tagged with their run's position.
    var values: [[(run: Int, ms: Int64)]] = []
    private var slots: [String: Int] = [:]
    private var pairs: [UInt64: Int] = [:]

    /// Adds a value under the name `first + separator + second`.
    mutating func append(
      _ first: Int32, _ second: Int32, run: Int, ms: Int64, name: () -> String
    ) {
      let pair = UInt64(UInt32(bitPattern: first)) << 32 | UInt64(UInt32(bitPattern: second))
      let slot: Int
      if let known = pairs[pair] {
        slot = known
      } else {
        let text = name()
        if let known = slots[text] {
          slot = known
        } else {
          slot = names.count
          slots[text] = slot
          names.append(text)
          values.append([])
        }
        pairs[pair] = slot
      }
      values[slot].append((run, ms))
    }
  }

  /// The p50 time per period of the 5 tests with the longest median over the window.
  func slowestTests() -> [HistoryReport.Series] {
    var all = Named()
    for (position, run) in order.enumerated() {
      for test in digest.tests[run] {
        guard let ms = test.durationMs else { continue }
        all.append(test.suite, test.name, run: position, ms: ms) {
          name(test.suite) + "/" + name(test.name)
        }
      }
    }
    return slowest(all, count: 5).map { slot in
      medians(all.values[slot], metric: "testMsP50", scope: "test:\(all.names[slot])")
    }
  }

  /// The p50 time per period of the 5 steps with the longest median over the window.
  func slowestSteps() -> [HistoryReport.Series] {
    var all = Named()
    for (position, run) in order.enumerated() {
      for step in digest.steps[run] {
        all.append(step.job, step.name, run: position, ms: step.durationMs) {
          name(step.job) + "/" + name(step.name)
        }
      }
    }
    return slowest(all, count: 5).map { slot in
      medians(all.values[slot], metric: "stepMsP50", scope: "step:\(all.names[slot])")
    }
  }

  /// The median per period of values tagged with their run's position (first value a run only).
  private func medians(
    _ values: [(run: Int, ms: Int64)], metric: String, scope: String
  ) -> HistoryReport.Series {
    var byPeriod = [[Int64]](repeating: [], count: periodNames.count)
    var last = -1
    for value in values where value.run != last {
      last = value.run
      byPeriod[periods[value.run]].append(value.ms)
    }
    return HistoryReport.Series(
      metric: metric, scope: scope,
      points: periodNames.indices.compactMap { period in
        guard let summary = Statistics.summary(byPeriod[period]) else { return nil }
        return HistoryReport.Point(
          period: periodNames[period], value: Double(summary.median),
          runs: byPeriod[period].count)
      })
  }

  /// The slots of the `count` names with the longest median.
  private func slowest(_ all: Named, count: Int) -> [Int] {
    all.values.indices.compactMap { slot in
      Statistics.summary(all.values[slot].map(\.ms)).map { (slot, $0.median) }
    }
    .sorted {
      $0.1 != $1.1
        ? $0.1 > $1.1 : all.names[$0.0].utf8.lexicographicallyPrecedes(all.names[$1.0].utf8)
    }
    .prefix(count).map(\.0)
  }

  func changePoints() -> [HistoryReport.ChangePoint] {
    var found: [(order: Int, point: HistoryReport.ChangePoint)] = []
    var indexed: [Int] = []
    var values: [Double] = []
    func detect(
      _ metric: String, _ scope: String, minimumShift: Double, relative: Bool = false,
      _ value: (Int) -> Double?
    ) {
      indexed.removeAll(keepingCapacity: true)
      values.removeAll(keepingCapacity: true)
      for position in order.indices {
        if let value = value(position) {
          indexed.append(position)
          values.append(value)
        }
      }
      let shift =
        relative
        ? minimumShift * ChangePointDetector.mean(values.prefix(max(1, values.count / 2)))
        : minimumShift
      let options = ChangePointDetector.Options(minimumShift: shift)
      for change in ChangePointDetector.changes(in: values, options: options) {
        let run = self.run(indexed[change.index])
        let previous = self.run(indexed[change.index - 1])
        found.append(
          (
            indexed[change.index],
            HistoryReport.ChangePoint(
              metric: metric, scope: scope, runId: run.runId ?? run.key, sha: run.sha,
              startedAt: run.startedAt, previousRunId: previous.runId ?? previous.key,
              before: change.before, after: change.after, t: change.t,
              method: ChangePointDetector.method)
          ))
      }
    }
    // Each scope's restores are counted once a run, for both rates.
    func rates(_ scope: String, _ include: (Restore) -> Bool) {
      let perRun = order.indices.map { counts($0, include) }
      detect("hitRate", scope, minimumShift: 0.05) { position in
        let counts = perRun[position]
        return counts.restores == 0 ? nil : Double(counts.hits) / Double(counts.restores)
      }
      detect("exactHitRate", scope, minimumShift: 0.05) { position in
        let counts = perRun[position]
        return counts.restores == 0 ? nil : Double(counts.exact) / Double(counts.restores)
      }
    }
    rates("all") { _ in true }
    detect("wallMs", "all", minimumShift: 0.05, relative: true) {
      run($0).wallMs.map(Double.init)
    }
    detect("computeMs", "all", minimumShift: 0.05, relative: true) {
      run($0).computeMs.map(Double.init)
    }
    for job in jobNames {
      rates("job:\(job.name)") { $0.job == job.index }
      detect("durationMs", "job:\(job.name)", minimumShift: 0.05, relative: true) {
        jobDuration($0, job.index).map(Double.init)
      }
    }
    for family in familyNames {
      rates("family:\(family.name)") { $0.family == family.index }
    }
    return found.sorted { $0.order < $1.order }.map(\.point)
  }

  func flakyTests() -> ([HistoryReport.FlakyTest], String?) {
    // Tests are told apart by `suite U+001F name`, as names: the id of each pair's name.
    var ids: [UInt64: Int] = [:]
    var idsByName: [String: Int] = [:]
    func id(_ test: HistoryDigest.Test) -> Int {
      let pair = Self.pair(test.suite, test.name)
      if let id = ids[pair] { return id }
      let text = name(test.suite) + "\u{1F}" + name(test.name)
      let id = idsByName[text] ?? idsByName.count
      idsByName[text] = id
      ids[pair] = id
      return id
    }
    // Each run's outcome of each named test: failed beats flaky beats passed.
    var worst: [Int: (suite: Int32, name: Int32, flaky: Int, failed: Int)] = [:]
    var outcomes: [Int: (suite: Int32, name: Int32, rank: Int)] = [:]
    for run in order {
      outcomes.removeAll(keepingCapacity: true)
      for test in digest.tests[run] {
        let id = id(test)
        outcomes[id] = (test.suite, test.name, max(outcomes[id]?.rank ?? 0, test.outcome.rank))
      }
      for (id, outcome) in outcomes {
        var entry = worst[id] ?? (outcome.suite, outcome.name, 0, 0)
        if outcome.rank == 1 { entry.flaky += 1 }
        if outcome.rank == 2 { entry.failed += 1 }
        worst[id] = entry
      }
    }
    var branches: [String: Int] = [:]
    let branch = order.map { run in
      let name = digest.runs[run].branch ?? ""
      if let index = branches[name] { return index }
      branches[name] = branches.count
      return branches.count - 1
    }
    let records = worst.values.filter { $0.flaky + $0.failed > 0 }
    let counts = recount(records.map { Self.pair($0.suite, $0.name) }, branches: branch)
    let tests = records.map { record -> HistoryReport.FlakyTest in
      let full = counts[Self.pair(record.suite, record.name)] ?? (0, 0, 0)
      let flipRate = full.pairs > 0 ? Double(full.flips) / Double(full.pairs) : 0
      return HistoryReport.FlakyTest(
        suite: name(record.suite), name: name(record.name), runs: full.runs,
        flakyRuns: record.flaky, failedRuns: record.failed, flipRate: flipRate,
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

  /// A test's suite and name indices as one key.
  static func pair(_ suite: Int32, _ name: Int32) -> UInt64 {
    UInt64(UInt32(bitPattern: suite)) << 32 | UInt64(UInt32(bitPattern: name))
  }

  /// Each test's runs, flips and pairs over every run, counting runs where only its suite ran,
  /// in one pass over the runs' tests (one pass per test was quadratic in a run's failures).
  ///
  /// - Parameters:
  ///   - keys: The tests, as ``pair(_:_:)`` of their suite and name.
  ///   - branches: Each covered run's branch, as a number.
  /// - Returns: For each test, the runs it ran in, its flips and the pairs of consecutive runs
  ///   of a branch.
  private func recount(_ keys: [UInt64], branches: [Int]) -> [UInt64: (
    runs: Int, flips: Int, pairs: Int
  )] {
    let wanted = Set(keys)
    var counts: [UInt64: (runs: Int, flips: Int, pairs: Int)] = [:]
    // The last outcome of each test on each branch.
    var last: [UInt64: [Int: Bool]] = [:]
    var failing: [UInt64: Bool] = [:]
    for (position, run) in order.enumerated() {
      failing.removeAll(keepingCapacity: true)
      for test in digest.tests[run] {
        let key = Self.pair(test.suite, test.name)
        guard wanted.contains(key) else { continue }
        failing[key] = (failing[key] ?? false) || test.outcome.isFailing
      }
      let suites = Set(digest.suites[run])
      let branch = branches[position]
      for key in keys {
        // Named in the run, or its suite ran (and it passed).
        guard
          let isFailing = failing[key]
            ?? (suites.contains(Int32(truncatingIfNeeded: key >> 32)) ? false : nil)
        else { continue }
        counts[key, default: (0, 0, 0)].runs += 1
        if let previous = last[key]?[branch] {
          counts[key, default: (0, 0, 0)].pairs += 1
          if previous != isFailing { counts[key, default: (0, 0, 0)].flips += 1 }
        }
        last[key, default: [:]][branch] = isFailing
      }
    }
    return counts
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
    var counts: [Int32: (restores: Int, hits: Int)] = [:]
    for position in order.indices {
      for restore in restores(position) where restore.family >= 0 {
        counts[restore.family, default: (0, 0)].restores += 1
        if restore.isHit { counts[restore.family, default: (0, 0)].hits += 1 }
      }
    }
    var allSizes: [Int32: [(ms: Int64, bytes: Int64)]] = [:]
    var largest: [Int32: Int64] = [:]
    for (run, ms) in zip(order, times) {
      largest.removeAll(keepingCapacity: true)
      for save in digest.saves[run] {
        largest[save.family] = max(largest[save.family] ?? save.sizeBytes, save.sizeBytes)
      }
      for (family, bytes) in largest { allSizes[family, default: []].append((ms, bytes)) }
    }
    return familyNames.map { family in
      let count = counts[family.index] ?? (0, 0)
      let sizes = allSizes[family.index] ?? []
      var growth: Int64?
      if let first = sizes.first, let last = sizes.last, last.ms > first.ms {
        // In Double: neither difference need be an Int64.
        let weeks = (Double(last.ms) - Double(first.ms)) / 604_800_000
        let perWeek = (Double(last.bytes) - Double(first.bytes)) / weeks
        if perWeek.isFinite, abs(perWeek) < 9e18 { growth = Int64(perWeek.rounded()) }
      }
      return HistoryReport.Family(
        family: family.name, restores: count.restores, hits: count.hits,
        firstBytes: sizes.first?.bytes, lastBytes: sizes.last?.bytes, growthBytesPerWeek: growth)
    }
  }
}

extension HistoryReport {
  /// `milliseconds` less `days` days, `Int64.min` when that is before the range of times.
  package static func subtracting(days: Int, from milliseconds: Int64) -> Int64 {
    let (span, overflow) = Int64(clamping: max(0, days)).multipliedReportingOverflow(
      by: 86_400_000)
    let (start, underflow) = milliseconds.subtractingReportingOverflow(span)
    return overflow || underflow ? Int64.min : start
  }
}
