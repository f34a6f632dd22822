import Foundation
public import GRDB
import GRDBSQLite
public import RunLens

/// The history of runs in one SQLite file, through GRDB.
///
/// Tables are ``HistoryTable``'s, with the JSON contract's column names. The schema is
/// versioned with GRDB migrations (``migrator``): opening a store made by an older runlens
/// applies the migrations it lacks. Each run is added in its own transaction, so a crash or
/// an interrupt leaves every run either wholly stored or absent. The file is in WAL mode and
/// writers wait for each other, so two processes may add at once.
public final class HistoryStore: Sendable {
  /// The default path, relative to the working directory.
  public static let defaultPath = ".runlens/history.sqlite"

  /// What adding a run did.
  public enum AddResult: Sendable, Hashable {
    /// The run was stored.
    case added
    /// A run with the same key (repository, run id and attempt, else content) was stored
    /// already; nothing changed.
    case alreadyStored
  }

  /// The connections.
  let pool: DatabasePool

  /// Opens the store at `path`, creating it and applying migrations as needed.
  ///
  /// - Parameter path: The SQLite file.
  /// - Throws: `DatabaseError` from GRDB when the file cannot be opened or migrated.
  public init(path: String) throws {
    var configuration = GRDB.Configuration()
    configuration.busyMode = .timeout(30)
    configuration.prepareDatabase { db in
      try db.execute(sql: "PRAGMA synchronous = NORMAL")
    }
    pool = try Self.openPool(path, configuration)
    // Two processes opening a new store at once both see no migration applied, and the
    // second one's `CREATE TABLE` fails (its transaction rolls back). Then the other one
    // has migrated, or is migrating: check, and try again a few times.
    var attempt = 0
    while true {
      do {
        try Self.migrator.migrate(pool)
        return
      } catch {
        attempt += 1
        if (try? pool.read({ try Self.migrator.hasCompletedMigrations($0) })) == true { return }
        if attempt >= 20 { throw error }
        Thread.sleep(forTimeInterval: 0.05)
      }
    }
  }

  /// Opens the connections.
  ///
  /// Switching a new file to WAL (`PRAGMA journal_mode = WAL`) takes an
  /// exclusive lock and SQLite answers "database is locked" at once, without the busy timeout,
  /// while another process opens the same new file: that is retried for up to 30 s.
  private static func openPool(
    _ path: String, _ configuration: GRDB.Configuration
  ) throws -> DatabasePool {
    let deadline = Date().addingTimeInterval(30)
    while true {
      do {
        return try DatabasePool(path: path, configuration: configuration)
      } catch let error as DatabaseError
        where (error.resultCode == .SQLITE_BUSY || error.resultCode == .SQLITE_LOCKED)
        && Date() < deadline
      {
        Thread.sleep(forTimeInterval: 0.02)
      }
    }
  }

  /// Opens the store at `path` as ``init(path:)`` does, creating its folder first when needed.
  ///
  /// - Parameter path: The SQLite file.
  /// - Returns: The store.
  /// - Throws: The file system's error when the folder cannot be made, else as ``init(path:)``.
  public static func opening(_ path: String) throws -> HistoryStore {
    let folder = URL(fileURLWithPath: path).deletingLastPathComponent().path
    try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
    return try HistoryStore(path: path)
  }

  /// The schema's migrations, oldest first.
  ///
  /// - `v1`: runs, jobs, steps, restores, saves and tests.
  /// - `v2`: suites (which suites ran, so a test's runs can be counted) and indexes for the
  ///   report's filters.
  /// - `v3`: the runs' `createdAt` and `url`, which `history sync` has from the API.
  public static var migrator: DatabaseMigrator {
    var migrator = DatabaseMigrator()
    migrator.registerMigration("v1") { db in
      for table in [HistoryTable.runs, .jobs, .steps, .restores, .saves, .tests] {
        try db.execute(sql: createSQL(table, without: v3Columns))
      }
      try db.execute(sql: "CREATE UNIQUE INDEX runs_runKey ON runs(runKey)")
      for table in [HistoryTable.jobs, .steps, .restores, .saves, .tests] {
        try db.execute(sql: "CREATE INDEX \(table.rawValue)_runKey ON \(table.rawValue)(runKey)")
      }
    }
    migrator.registerMigration("v2") { db in
      try db.execute(sql: createSQL(.suites))
      try db.execute(sql: "CREATE INDEX suites_runKey ON suites(runKey)")
      try db.execute(sql: "CREATE INDEX runs_contentHash ON runs(contentHash)")
      try db.execute(sql: "CREATE INDEX runs_startedAtMs ON runs(startedAtMs)")
    }
    migrator.registerMigration("v3") { db in
      for name in v3Columns {
        try db.execute(sql: "ALTER TABLE runs ADD COLUMN \"\(name)\" TEXT")
      }
    }
    return migrator
  }

  /// The columns v3 adds to `runs` (v1 made the table without them).
  static let v3Columns: Set<String> = ["createdAt", "url"]

  /// The `CREATE TABLE` statement of a table.
  static func createSQL(_ table: HistoryTable, without: Set<String> = []) -> String {
    let columns = table.columns.filter { !without.contains($0.name) }.map { column in
      let type =
        switch column.type {
        case .text: "TEXT"
        case .integer, .boolean: "INTEGER"
        }
      return "\"\(column.name)\" \(type)\(column.name == "runKey" ? " NOT NULL" : "")"
    }
    return "CREATE TABLE \(table.rawValue) (\(columns.joined(separator: ", ")))"
  }

  /// Adds a run unless its key (or, for a run without identity, its content) is stored.
  ///
  /// - Parameter run: The run.
  /// - Returns: Whether the run was added.
  /// - Throws: `DatabaseError` from GRDB; the store is then as it was before the call.
  @discardableResult
  public func add(_ run: HistoryRun) throws -> AddResult {
    let key = run.key
    let tables = run.allRows(key: key)
    // An immediate transaction takes the write lock before reading, so two processes never
    // both read and then deadlock upgrading to a write (which SQLite reports as busy at once).
    var result = AddResult.alreadyStored
    try pool.writeWithoutTransaction { db in
      try db.inTransaction(.immediate) {
        result = try insert(tables, key: key, db)
        return .commit
      }
    }
    return result
  }

  private func insert(
    _ tables: [(table: HistoryTable, rows: [[HistoryCell]])], key: String, _ db: Database
  ) throws -> AddResult {
    let stored = try Bool.fetchOne(
      db, sql: "SELECT EXISTS(SELECT 1 FROM runs WHERE runKey = ?)", arguments: [key])
    if stored == true { return .alreadyStored }
    for (table, rows) in tables where !rows.isEmpty {
      let statement = try db.cachedStatement(sql: Self.insertSQL[table] ?? "")
      for row in rows { try Self.insert(row, with: statement, db) }
    }
    return .added
  }

  /// Each table's `INSERT` statement, made once.
  private static let insertSQL: [HistoryTable: String] = Dictionary(
    uniqueKeysWithValues: HistoryTable.allCases.map { table in
      let columns = table.columns
      return (
        table,
        "INSERT INTO \(table.rawValue) ("
          + columns.map { "\"\($0.name)\"" }.joined(separator: ", ") + ") VALUES ("
          + Array(repeating: "?", count: columns.count).joined(separator: ", ") + ")"
      )
    })

  /// Binds a row's cells to a prepared `INSERT` and steps it, straight through SQLite's C API
  /// (building `StatementArguments` for each row cost more than the insert itself).
  private static func insert(_ row: [HistoryCell], with statement: Statement, _ db: Database)
    throws
  {
    let sqlite = statement.sqliteStatement
    sqlite3_reset(sqlite)
    sqlite3_clear_bindings(sqlite)
    var code = SQLITE_OK
    for (offset, cell) in row.enumerated() where code == SQLITE_OK {
      let index = Int32(offset + 1)
      switch cell {
      case .null: code = sqlite3_bind_null(sqlite, index)
      case .int(let value): code = sqlite3_bind_int64(sqlite, index, value)
      case .bool(let value): code = sqlite3_bind_int64(sqlite, index, value ? 1 : 0)
      case .string(let text):
        code = sqlite3_bind_text(
          sqlite, index, text, Int32(clamping: text.utf8.count), transient)
      }
    }
    if code == SQLITE_OK { code = sqlite3_step(sqlite) }
    let message = code == SQLITE_DONE ? nil : db.lastErrorMessage
    sqlite3_reset(sqlite)
    sqlite3_clear_bindings(sqlite)
    guard code == SQLITE_DONE else {
      throw DatabaseError(
        resultCode: ResultCode(rawValue: code), message: message, sql: statement.sql)
    }
  }

  /// Text columns whose values differ from run to run (times, hashes, pages): not pooled.
  private static let unique: Set<String> = [
    "startedAt", "completedAt", "createdAt", "url", "contentHash",
  ]

  /// SQLite's `SQLITE_TRANSIENT`: SQLite copies the bound text before the call returns.
  private static let transient = unsafeBitCast(-1, to: sqlite3_destructor_type.self)

  /// Every stored run, oldest first (by start time, then run key).
  ///
  /// Rows are read with cursors and added to their run as they come, so no table is held
  /// whole in memory beside the runs. Cells are read straight from SQLite's columns (no
  /// `DatabaseValue` or `Row` boxing), and a long text that repeats (names, outcomes,
  /// families) is kept once.
  ///
  /// - Throws: `DatabaseError` from GRDB.
  public func runs() throws -> [HistoryRun] {
    try pool.read { db in
      var runs: [HistoryRun] = []
      var index: [String: Int] = [:]
      var cells: [HistoryCell] = []
      var texts = TextPool()
      for table in HistoryTable.allCases {
        let columns = table.columns.map { "\"\($0.name)\"" }.joined(separator: ", ")
        let order = table == .runs ? "startedAtMs, runKey" : "rowid"
        let statement = try db.makeStatement(
          sql: "SELECT \(columns) FROM \(table.rawValue) ORDER BY \(order)")
        let rows = try Row.fetchCursor(statement)
        let sqlite = statement.sqliteStatement
        let count = Int32(table.columns.count)
        let pooled = table.columns.indices.map { index in
          index > 3 && !Self.unique.contains(table.columns[index].name)
        }
        var lastKey = ""
        var position: Int?
        while try rows.next() != nil {
          cells.removeAll(keepingCapacity: true)
          for column in 0..<count {
            let type = sqlite3_column_type(sqlite, column)
            // Names, outcomes and families repeat in every run: keep one copy of each long
            // text (a text of up to 15 UTF-8 bytes lives inside its `String`), found by its
            // bytes before any `String` is made (not times and the like: they differ every run).
            if type == SQLITE_TEXT, pooled[Int(column)] {
              let length = Int(sqlite3_column_bytes(sqlite, column))
              if length > 15, let bytes = sqlite3_column_blob(sqlite, column) {
                let text = UnsafeRawBufferPointer(start: bytes, count: length)
                cells.append(.string(texts.text(text)))
                continue
              }
            }
            cells.append(HistoryCell(sqlite, column, type: type))
          }
          let key = cells[0].string ?? ""
          if table == .runs {
            index[key] = runs.count
            runs.append(HistoryRun(runRow: cells))
            continue
          }
          if key != lastKey {
            lastKey = key
            position = index[key]
          }
          if let position { runs[position].append(cells, of: table) }
        }
      }
      return runs
    }
  }

  /// The number of stored runs.
  ///
  /// - Throws: `DatabaseError` from GRDB.
  public func count() throws -> Int {
    try pool.read { db in try Int.fetchOne(db, sql: "SELECT COUNT(*) FROM runs") ?? 0 }
  }

  /// The keys of stored runs of a repository, to tell which runs a sync still lacks.
  ///
  /// - Throws: `DatabaseError` from GRDB.
  public func keys() throws -> Set<String> {
    try pool.read { db in Set(try String.fetchAll(db, sql: "SELECT runKey FROM runs")) }
  }

  /// The result of SQLite's `PRAGMA integrity_check` (`ok` when the file is sound).
  ///
  /// - Throws: `DatabaseError` from GRDB.
  public func integrityCheck() throws -> String {
    try pool.read { db in
      try String.fetchAll(db, sql: "PRAGMA integrity_check").joined(separator: "\n")
    }
  }
}

extension HistoryCell {
  /// The cell as an SQLite value (a boolean as 0 or 1).
  var databaseValue: DatabaseValue {
    switch self {
    case .null: .null
    case .int(let value): value.databaseValue
    case .string(let value): value.databaseValue
    case .bool(let value): (value ? 1 as Int64 : 0).databaseValue
    }
  }

  /// The cell an SQLite value holds (a real is rounded toward zero; a blob is read as UTF-8).
  init(_ value: DatabaseValue) {
    switch value.storage {
    case .null: self = .null
    case .int64(let int): self = .int(int)
    case .double(let double):
      self = double.isFinite && abs(double) < 9e18 ? .int(Int64(double)) : .null
    case .string(let string): self = .string(string)
    case .blob(let data): self = .string(String(decoding: data, as: UTF8.self))
    }
  }

  /// The cell in column `column` of the statement's current row, read as ``init(_:)`` reads a
  /// `DatabaseValue`.
  init(_ statement: SQLiteStatement, _ column: Int32, type: Int32) {
    switch type {
    case SQLITE_INTEGER: self = .int(sqlite3_column_int64(statement, column))
    case SQLITE_FLOAT:
      let double = sqlite3_column_double(statement, column)
      self = double.isFinite && abs(double) < 9e18 ? .int(Int64(double)) : .null
    case SQLITE_TEXT, SQLITE_BLOB:
      let count = Int(sqlite3_column_bytes(statement, column))
      guard count > 0, let bytes = sqlite3_column_blob(statement, column) else {
        self = .string("")
        return
      }
      self = .string(
        String(
          decoding: UnsafeRawBufferPointer(start: bytes, count: count), as: UTF8.self))
    default: self = .null
    }
  }
}

/// Texts read from the store, one copy of each, looked up by their bytes.
private struct TextPool {
  /// The texts by the 64-bit FNV-1a hash of their UTF-8 bytes.
  private var texts: [UInt64: [String]] = [:]
  /// How many texts are kept (at most a million; later ones are not pooled).
  private var count = 0

  /// The pooled text with these UTF-8 bytes, pooling it when new.
  mutating func text(_ bytes: UnsafeRawBufferPointer) -> String {
    // FNV-1a, as StableHash, in a loop the compiler sees whole.
    var hash: UInt64 = 0xcbf2_9ce4_8422_2325
    for byte in bytes { hash = (hash ^ UInt64(byte)) &* 0x0000_0100_0000_01b3 }
    if let known = texts[hash] {
      for text in known where Self.equal(text, bytes) { return text }
    }
    let text = String(decoding: bytes, as: UTF8.self)
    if count < 1_000_000 {
      texts[hash, default: []].append(text)
      count += 1
    }
    return text
  }

  private static func equal(_ text: String, _ bytes: UnsafeRawBufferPointer) -> Bool {
    var text = text
    return text.withUTF8 { utf8 in
      utf8.count == bytes.count && utf8.elementsEqual(bytes)
    }
  }
}
