import GRDB
import GRDBSQLite
public import RunLens

extension HistoryStore {
  /// The report over the stored runs.
  ///
  /// The same report as `HistoryReport(runs: runs(), options: options)`, without holding the
  /// runs: rows are read with cursors straight into a digest that keeps, for each run, only
  /// the numbers the report uses, with every name kept once.
  ///
  /// - Parameter options: The window and filters.
  /// - Returns: The report.
  /// - Throws: `DatabaseError` from GRDB.
  public func report(options: HistoryReport.Options = .default) throws -> HistoryReport {
    HistoryReport(digest: try digest(), options: options)
  }

  /// The digest of every stored run (``HistoryDigest``), read row by row.
  ///
  /// A stored run's key, start (`startedAt`, `startedAtMs`) and branch are read from its
  /// `runs` row, which the store wrote from the same run; children are put with their run as
  /// ``HistoryRun/append(_:of:)`` puts them (a row naming a job the run lacks is left out).
  ///
  /// - Throws: `DatabaseError` from GRDB.
  package func digest() throws -> HistoryDigest {
    try pool.read { db in
      var digest = HistoryDigest()
      var index: [String: Int] = [:]
      try Self.scan(
        db,
        "SELECT runKey, runId, sha, ref, workflow, startedAt, startedAtMs, wallMs, computeMs "
          + "FROM runs ORDER BY startedAtMs, runKey"
      ) { row in
        let key = row.string(0) ?? ""
        let ref = row.string(3)
        let branch = ref.map { $0.hasPrefix("refs/heads/") ? String($0.dropFirst(11)) : $0 }
        index[key] = digest.addRun(
          HistoryDigest.Run(
            key: key, runId: row.string(1), sha: row.string(2), startedAt: row.string(5),
            startedAtMs: row.int(6), branch: branch, workflow: row.string(4),
            wallMs: row.int(7), computeMs: row.int(8)))
      }
      // Each run's job names, by job index, for the rows of its steps, restores and saves.
      var jobs = [[Int32]](repeating: [], count: digest.runs.count)
      try Self.scan(db, "SELECT runKey, job, durationMs FROM jobs", runs: index) { run, row in
        let name = row.text(1) { digest.intern(bytes: $0) } ?? digest.intern("")
        jobs[run].append(name)
        digest.addJob(HistoryDigest.Job(name: name, durationMs: row.int(2)), run: run)
      }
      /// The name of job `jobIndex` of `run`, or `nil` when the run has no such job.
      func job(_ run: Int, _ jobIndex: Int64?) -> Int32? {
        guard let jobIndex, jobIndex >= 0, jobIndex < jobs[run].count else { return nil }
        return jobs[run][Int(jobIndex)]
      }
      try Self.scan(db, "SELECT runKey, jobIndex, name, durationMs FROM steps", runs: index) {
        run, row in
        guard let job = job(run, row.int(1)), let ms = row.int(3) else { return }
        let name = row.text(2) { digest.intern(bytes: $0) } ?? digest.intern("")
        digest.addStep(HistoryDigest.Step(job: job, name: name, durationMs: ms), run: run)
      }
      try Self.scan(
        db, "SELECT runKey, jobIndex, primaryKey, outcome, durationMs FROM restores", runs: index
      ) { run, row in
        guard let job = job(run, row.int(1)) else { return }
        let family = row.text(2) { digest.intern(familyOfKey: $0) } ?? -1
        let outcome =
          row.text(3) { bytes -> HistoryDigest.RestoreOutcome in
            if Self.equal(bytes, "exact-hit") { return .exactHit }
            return Self.equal(bytes, "fallback-hit") ? .fallbackHit : .other
          } ?? .other
        digest.addRestore(
          HistoryDigest.Restore(
            job: job, family: family, outcome: outcome, durationMs: row.int(4)),
          run: run)
      }
      try Self.scan(
        db, "SELECT runKey, jobIndex, key, outcome, sizeBytes FROM saves", runs: index
      ) { run, row in
        guard job(run, row.int(1)) != nil, row.text(3, { Self.equal($0, "saved") }) == true,
          let size = row.int(4), size >= 0,
          let family = row.text(2, { digest.intern(familyOfKey: $0) })
        else { return }
        digest.addSave(HistoryDigest.Save(family: family, sizeBytes: size), run: run)
      }
      try Self.scan(
        db, "SELECT runKey, suite, name, outcome, durationMs FROM tests", runs: index
      ) { run, row in
        let suite = row.text(1) { digest.intern(bytes: $0) } ?? digest.intern("")
        let name = row.text(2) { digest.intern(bytes: $0) } ?? digest.intern("")
        let outcome =
          row.text(3) { bytes -> HistoryDigest.TestOutcome in
            for (text, outcome) in Self.testOutcomes where Self.equal(bytes, text) {
              return outcome
            }
            return .other
          } ?? .passed
        digest.addTest(
          HistoryDigest.Test(suite: suite, name: name, outcome: outcome, durationMs: row.int(4)),
          run: run)
      }
      try Self.scan(db, "SELECT runKey, suite FROM suites", runs: index) { run, row in
        digest.addSuite(row.text(1) { digest.intern(bytes: $0) } ?? digest.intern(""), run: run)
      }
      digest.finish()
      return digest
    }
  }

  /// Test outcome texts, as ``HistoryDigest/TestOutcome/init(_:)`` reads them.
  private static let testOutcomes: [(StaticString, HistoryDigest.TestOutcome)] = [
    ("passed", .passed), ("skipped", .skipped), ("flaky", .flaky), ("failed", .failed),
    ("error", .failed),
  ]

  /// Whether `bytes` are the UTF-8 bytes of `text` (an ASCII word, which no other text equals).
  private static func equal(_ bytes: UnsafeRawBufferPointer, _ text: StaticString) -> Bool {
    bytes.count == text.utf8CodeUnitCount
      && bytes.elementsEqual(UnsafeBufferPointer(start: text.utf8Start, count: bytes.count))
  }

  /// The current row of a statement, read straight through SQLite's C API as ``HistoryCell``
  /// reads a cell.
  private struct Cells {
    let statement: SQLiteStatement

    /// The integer in column `column` (a real rounded toward zero), or `nil`.
    func int(_ column: Int32) -> Int64? {
      switch sqlite3_column_type(statement, column) {
      case SQLITE_INTEGER: return sqlite3_column_int64(statement, column)
      case SQLITE_FLOAT:
        let double = sqlite3_column_double(statement, column)
        return double.isFinite && abs(double) < 9e18 ? Int64(double) : nil
      default: return nil
      }
    }

    /// `body` over the UTF-8 bytes of the text (or blob) in column `column`.
    ///
    /// The bytes are valid until the statement moves on; `nil` for another type.
    func text<Result>(_ column: Int32, _ body: (UnsafeRawBufferPointer) -> Result) -> Result? {
      let type = sqlite3_column_type(statement, column)
      guard type == SQLITE_TEXT || type == SQLITE_BLOB else { return nil }
      let count = Int(sqlite3_column_bytes(statement, column))
      guard count > 0, let bytes = sqlite3_column_blob(statement, column) else {
        return body(UnsafeRawBufferPointer(start: nil, count: 0))
      }
      return body(UnsafeRawBufferPointer(start: bytes, count: count))
    }

    /// The text in column `column`, or `nil`.
    func string(_ column: Int32) -> String? {
      text(column) { String(decoding: $0, as: UTF8.self) }
    }
  }

  /// Steps through the rows of `sql`, calling `body` with each.
  private static func scan(_ db: Database, _ sql: String, _ body: (Cells) throws -> Void) throws {
    let statement = try db.makeStatement(sql: sql)
    let rows = try Row.fetchCursor(statement)
    let cells = Cells(statement: statement.sqliteStatement)
    while try rows.next() != nil { try body(cells) }
  }

  /// Steps through the rows of `sql`, whose first column is the run key.
  ///
  /// `body` gets the run's digest index and the row; rows of runs not in `runs` are skipped.
  /// A run's rows follow each other, so the key's bytes are compared with the last row's and
  /// looked up only when they change.
  private static func scan(
    _ db: Database, _ sql: String, runs: [String: Int], _ body: (Int, Cells) throws -> Void
  ) throws {
    var lastKey: [UInt8]?
    var lastRun: Int?
    try scan(db, sql) { row in
      let same = row.text(0) { bytes in lastKey.map { bytes.elementsEqual($0) } ?? false }
      if same != true {
        lastKey = row.text(0) { Array($0) }
        lastRun = runs[row.string(0) ?? ""]
      }
      if let lastRun { try body(lastRun, row) }
    }
  }
}
