extension HistoryRun {
  /// The run's rows of one table, in ``HistoryTable/columns`` order.
  ///
  /// - Parameters:
  ///   - table: The table.
  ///   - key: The run key written in each row's `runKey` (normally ``key``).
  /// - Returns: One array of cells a row.
  public func rows(_ table: HistoryTable, key: String) -> [[HistoryCell]] {
    let identity: [HistoryCell] = [
      .string(key), .text(repository), .text(runId), .text(runAttempt),
    ]
    switch table {
    case .runs:
      return [
        runRow(
          key: key,
          contentHash: key.hasPrefix("content:") ? String(key.dropFirst(8)) : contentHash)
      ]
    case .jobs:
      return jobs.enumerated().map { index, job in
        identity + [
          .int(Int64(index)), .string(job.name), .text(job.conclusion), .text(job.startedAt),
          .text(job.completedAt), .integer(job.durationMs),
        ]
      }
    case .steps:
      return jobs.enumerated().flatMap { jobIndex, job in
        job.steps.enumerated().map { index, step in
          identity + [
            .int(Int64(jobIndex)), .int(Int64(index)), .string(job.name), .integer(step.number),
            .string(step.name), .text(step.kind), .text(step.action), .text(step.conclusion),
            .text(step.startedAt), .integer(step.durationMs),
          ]
        }
      }
    case .restores:
      return jobs.enumerated().flatMap { jobIndex, job in
        job.restores.enumerated().map { index, restore in
          identity + [
            .int(Int64(jobIndex)), .int(Int64(index)), .string(job.name), .string(restore.step),
            .text(restore.action), .text(restore.primaryKey), .text(restore.family),
            .text(restore.restoredKey), .string(restore.outcome), .integer(restore.fallbackLevel),
            .integer(restore.sizeBytes), .integer(restore.durationMs),
          ]
        }
      }
    case .saves:
      return jobs.enumerated().flatMap { jobIndex, job in
        job.saves.enumerated().map { index, save in
          identity + [
            .int(Int64(jobIndex)), .int(Int64(index)), .string(job.name), .string(save.step),
            .text(save.action), .text(save.key), .text(save.family), .string(save.outcome),
            .integer(save.sizeBytes), .integer(save.durationMs),
          ]
        }
      }
    case .tests:
      return tests.enumerated().map { index, test in
        identity + [
          .int(Int64(index)), .string(test.job), .string(test.suite), .string(test.name),
          .string(test.outcome), .integer(test.attempts), .integer(test.durationMs),
        ]
      }
    case .suites:
      return suites.enumerated().map { index, suite in
        identity + [
          .int(Int64(index)), .string(suite.job), .string(suite.name), .int(suite.total),
          .int(suite.passed), .int(suite.failed), .int(suite.errors), .int(suite.skipped),
          .int(suite.flaky), .integer(suite.testTimeMs),
        ]
      }
    }
  }

  /// Every table's rows, ``HistoryTable/allCases`` order, as ``rows(_:key:)`` makes them, with
  /// each child row made once (``contentHash`` is computed from the same rows).
  ///
  /// - Parameter key: The run key written in each row's `runKey` (normally ``key``).
  /// - Returns: Each table with its rows.
  package func allRows(key: String) -> [(table: HistoryTable, rows: [[HistoryCell]])] {
    var tables = HistoryTable.allCases.filter { $0 != .runs }.map { ($0, rows($0, key: key)) }
    let hash: String
    if key.hasPrefix("content:") {
      hash = String(key.dropFirst(8))
    } else {
      // contentHash hashes the rows made with an empty key: the same cells but the first.
      var hasher = StableHash()
      for (_, rows) in tables {
        for row in rows {
          hasher.combine(HistoryCell.string(""))
          for cell in row.dropFirst() { hasher.combine(cell) }
        }
      }
      hash = finishContentHash(hasher)
    }
    tables.insert((.runs, [runRow(key: key, contentHash: hash)]), at: 0)
    return tables
  }

  /// The run's row of the `runs` table.
  private func runRow(key: String, contentHash: String) -> [HistoryCell] {
    let restores = self.restores
    let saves = jobs.flatMap(\.saves)
    return [
      .string(key), .text(repository), .text(runId), .text(runAttempt),
      .text(sha), .text(ref), .text(branch), .text(workflow), .text(startedAt),
      .integer(startedAtMs), .integer(wallMs), .integer(computeMs), .bool(partial),
      .int(Int64(jobs.count)), .int(Int64(restores.count)),
      .int(Int64(restores.filter { $0.outcome == "exact-hit" }.count)),
      .int(Int64(restores.filter { $0.outcome == "fallback-hit" }.count)),
      .int(Int64(restores.filter { $0.outcome == "miss" }.count)),
      .int(Int64(saves.count)),
      .int(saves.filter { $0.outcome == "saved" }.reduce(0) { $0 &+ ($1.sizeBytes ?? 0) }),
      .int(suites.reduce(0) { $0 &+ $1.total }),
      .int(suites.reduce(0) { $0 &+ $1.failed &+ $1.errors }),
      .int(suites.reduce(0) { $0 &+ $1.flaky }),
      .string(contentHash),
      .text(createdAt), .text(url),
    ]
  }

  /// Reassembles runs from their rows, as a store reads them back.
  ///
  /// Runs come back in the order of `tables[.runs]`; children are put back in their stored
  /// order (`jobIndex`, `stepIndex`, …) whatever the order of their rows.
  ///
  /// - Parameter tables: Each table's rows, in ``HistoryTable/columns`` order.
  /// - Returns: The runs.
  public static func assemble(_ tables: [HistoryTable: [[HistoryCell]]]) -> [HistoryRun] {
    var runs = (tables[.runs] ?? []).map(HistoryRun.init(runRow:))
    var index: [String: Int] = [:]
    for (position, row) in (tables[.runs] ?? []).enumerated() {
      index[row[0].string ?? ""] = position
    }
    for table in HistoryTable.allCases where table != .runs {
      // The stored order: by the index columns that follow the identity.
      let keys = table == .tests || table == .suites || table == .jobs ? [4] : [4, 5]
      let rows = (tables[table] ?? []).sorted { left, right in
        for column in keys where left[column].int != right[column].int {
          return (left[column].int ?? 0) < (right[column].int ?? 0)
        }
        return false
      }
      for row in rows {
        if let position = index[row[0].string ?? ""] { runs[position].append(row, of: table) }
      }
    }
    return runs
  }

  /// A run, without children, from its row of the `runs` table.
  ///
  /// - Parameter row: The cells, in ``HistoryTable/columns`` order.
  public init(runRow row: [HistoryCell]) {
    func cell(_ index: Int) -> HistoryCell { row.indices.contains(index) ? row[index] : .null }
    self.init(
      repository: cell(1).string, runId: cell(2).string, runAttempt: cell(3).string,
      sha: cell(4).string, ref: cell(5).string, workflow: cell(7).string,
      partial: cell(12).int == 1, wallMs: cell(10).int, computeMs: cell(11).int,
      createdAt: cell(24).string, url: cell(25).string)
  }

  /// Adds a child row (a job, step, restore, save, test or suite) of this run.
  ///
  /// Rows of one table must come in their stored order, and a job's row before the rows of
  /// its steps, restores and saves; a row naming a job that is not there is ignored.
  ///
  /// - Parameters:
  ///   - row: The cells, in ``HistoryTable/columns`` order.
  ///   - table: The row's table.
  public mutating func append(_ row: [HistoryCell], of table: HistoryTable) {
    guard row.count == table.columns.count else { return }
    let jobIndex = row[4].int.map(Int.init) ?? -1
    switch table {
    case .runs:
      return
    case .jobs:
      jobs.append(
        Job(
          name: row[5].string ?? "", conclusion: row[6].string, startedAt: row[7].string,
          completedAt: row[8].string, durationMs: row[9].int))
    case .steps:
      guard jobs.indices.contains(jobIndex) else { return }
      jobs[jobIndex].steps.append(
        Step(
          number: row[7].int, name: row[8].string ?? "", kind: row[9].string,
          action: row[10].string, conclusion: row[11].string, startedAt: row[12].string,
          durationMs: row[13].int))
    case .restores:
      guard jobs.indices.contains(jobIndex) else { return }
      jobs[jobIndex].restores.append(
        Restore(
          step: row[7].string ?? "", action: row[8].string, primaryKey: row[9].string,
          restoredKey: row[11].string, outcome: row[12].string ?? "unknown",
          fallbackLevel: row[13].int, sizeBytes: row[14].int, durationMs: row[15].int))
    case .saves:
      guard jobs.indices.contains(jobIndex) else { return }
      jobs[jobIndex].saves.append(
        Save(
          step: row[7].string ?? "", action: row[8].string, key: row[9].string,
          outcome: row[11].string ?? "unknown", sizeBytes: row[12].int, durationMs: row[13].int))
    case .tests:
      tests.append(
        Test(
          job: row[5].string ?? "", suite: row[6].string ?? "", name: row[7].string ?? "",
          outcome: row[8].string ?? "passed", attempts: row[9].int, durationMs: row[10].int))
    case .suites:
      suites.append(
        Suite(
          job: row[5].string ?? "", name: row[6].string ?? "", total: row[7].int ?? 0,
          passed: row[8].int ?? 0, failed: row[9].int ?? 0, errors: row[10].int ?? 0,
          skipped: row[11].int ?? 0, flaky: row[12].int ?? 0, testTimeMs: row[13].int))
    }
  }
}
