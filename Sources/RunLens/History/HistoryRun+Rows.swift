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
      let restores = self.restores
      let saves = jobs.flatMap(\.saves)
      return [
        identity + [
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
          .string(key.hasPrefix("content:") ? String(key.dropFirst(8)) : contentHash),
        ]
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

  /// Reassembles runs from their rows, as a store reads them back.
  ///
  /// Rows of a table may come in any order; children are put back in their stored order
  /// (`jobIndex`, `stepIndex`, …). Runs come back in the order of `tables[.runs]`.
  ///
  /// - Parameter tables: Each table's rows, in ``HistoryTable/columns`` order.
  /// - Returns: The runs.
  public static func assemble(_ tables: [HistoryTable: [[HistoryCell]]]) -> [HistoryRun] {
    func grouped(_ table: HistoryTable) -> [String: [[HistoryCell]]] {
      Dictionary(grouping: tables[table] ?? [], by: { $0[0].string ?? "" })
    }
    func index(_ table: HistoryTable, _ name: String) -> Int {
      table.columns.firstIndex { $0.name == name } ?? 0
    }
    let jobs = grouped(.jobs)
    let steps = grouped(.steps)
    let restores = grouped(.restores)
    let saves = grouped(.saves)
    let tests = grouped(.tests)
    let suites = grouped(.suites)
    let runColumns = Dictionary(
      uniqueKeysWithValues: HistoryTable.runs.columns.enumerated().map { ($1.name, $0) })
    func byIndex(_ rows: [[HistoryCell]], _ columns: Int...) -> [[HistoryCell]] {
      rows.sorted { left, right in
        for column in columns where left[column].int != right[column].int {
          return (left[column].int ?? 0) < (right[column].int ?? 0)
        }
        return false
      }
    }
    return (tables[.runs] ?? []).map { row in
      func cell(_ name: String) -> HistoryCell { runColumns[name].map { row[$0] } ?? .null }
      let key = row[0].string ?? ""
      var run = HistoryRun(
        repository: row[1].string, runId: row[2].string, runAttempt: row[3].string,
        sha: cell("sha").string, ref: cell("ref").string, workflow: cell("workflow").string,
        partial: cell("partial").int == 1, wallMs: cell("wallMs").int,
        computeMs: cell("computeMs").int)
      for job in byIndex(jobs[key] ?? [], 4) {
        run.jobs.append(
          Job(
            name: job[5].string ?? "", conclusion: job[6].string, startedAt: job[7].string,
            completedAt: job[8].string, durationMs: job[9].int))
      }
      for step in byIndex(steps[key] ?? [], 4, 5) {
        guard let jobIndex = step[4].int.map(Int.init), run.jobs.indices.contains(jobIndex)
        else { continue }
        run.jobs[jobIndex].steps.append(
          Step(
            number: step[7].int, name: step[8].string ?? "", kind: step[9].string,
            action: step[10].string, conclusion: step[11].string, startedAt: step[12].string,
            durationMs: step[13].int))
      }
      for restore in byIndex(restores[key] ?? [], 4, 5) {
        guard let jobIndex = restore[4].int.map(Int.init), run.jobs.indices.contains(jobIndex)
        else { continue }
        run.jobs[jobIndex].restores.append(
          Restore(
            step: restore[7].string ?? "", action: restore[8].string,
            primaryKey: restore[9].string, restoredKey: restore[11].string,
            outcome: restore[12].string ?? "unknown", fallbackLevel: restore[13].int,
            sizeBytes: restore[14].int, durationMs: restore[15].int))
      }
      for save in byIndex(saves[key] ?? [], 4, 5) {
        guard let jobIndex = save[4].int.map(Int.init), run.jobs.indices.contains(jobIndex)
        else { continue }
        run.jobs[jobIndex].saves.append(
          Save(
            step: save[7].string ?? "", action: save[8].string, key: save[9].string,
            outcome: save[11].string ?? "unknown", sizeBytes: save[12].int,
            durationMs: save[13].int))
      }
      run.tests = byIndex(tests[key] ?? [], 4).map { test in
        Test(
          job: test[5].string ?? "", suite: test[6].string ?? "", name: test[7].string ?? "",
          outcome: test[8].string ?? "passed", attempts: test[9].int, durationMs: test[10].int)
      }
      run.suites = byIndex(suites[key] ?? [], 4).map { suite in
        Suite(
          job: suite[5].string ?? "", name: suite[6].string ?? "", total: suite[7].int ?? 0,
          passed: suite[8].int ?? 0, failed: suite[9].int ?? 0, errors: suite[10].int ?? 0,
          skipped: suite[11].int ?? 0, flaky: suite[12].int ?? 0, testTimeMs: suite[13].int)
      }
      return run
    }
  }
}
