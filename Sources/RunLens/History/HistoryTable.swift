/// The tables of the history, shared by the SQLite store and the NDJSON export.
///
/// Every table's first four columns are the run's identity (`runKey`, `repository`, `runId`,
/// `runAttempt`), so a row of any table can be joined to its run or grouped without a join.
/// Column names follow the JSON contract; types are fixed per column.
public enum HistoryTable: String, Sendable, Hashable, CaseIterable {
  /// One row a run.
  case runs
  /// One row a job.
  case jobs
  /// One row a step.
  case steps
  /// One row a cache restore.
  case restores
  /// One row a cache save.
  case saves
  /// One row a test named in the metrics (failures, flaky tests, slowest tests).
  case tests
  /// One row a test suite that ran.
  case suites

  /// A column's type.
  public enum ColumnType: String, Sendable, Hashable {
    /// Text.
    case text
    /// A 64-bit integer.
    case integer
    /// A boolean, stored as 0 or 1 in SQLite.
    case boolean
  }

  /// A column: its name and type.
  public struct Column: Sendable, Hashable {
    /// The column's name.
    public var name: String
    /// The column's type.
    public var type: ColumnType
  }

  /// The identity columns every table starts with.
  public static let identity: [Column] = [
    Column(name: "runKey", type: .text), Column(name: "repository", type: .text),
    Column(name: "runId", type: .text), Column(name: "runAttempt", type: .text),
  ]

  /// The columns, identity first, in a fixed order.
  public var columns: [Column] { Self.allColumns[self] ?? [] }

  private static let allColumns: [HistoryTable: [Column]] = Dictionary(
    uniqueKeysWithValues: allCases.map { ($0, $0.makeColumns()) })

  private func makeColumns() -> [Column] {
    func text(_ names: String...) -> [Column] { names.map { Column(name: $0, type: .text) } }
    func integer(_ names: String...) -> [Column] {
      names.map { Column(name: $0, type: .integer) }
    }
    let own: [Column]
    switch self {
    case .runs:
      own =
        text("sha", "ref", "branch", "workflow", "startedAt") + integer("startedAtMs")
        + integer("wallMs", "computeMs") + [Column(name: "partial", type: .boolean)]
        + integer("jobs", "restores", "exactHits", "fallbackHits", "misses", "saves")
        + integer("savedBytes", "tests", "testsFailed", "testsFlaky") + text("contentHash")
        + text("createdAt", "url")
    case .jobs:
      own =
        integer("jobIndex") + text("job", "conclusion", "startedAt", "completedAt")
        + integer("durationMs")
    case .steps:
      own =
        integer("jobIndex", "stepIndex") + text("job") + integer("number")
        + text("name", "kind", "action", "conclusion", "startedAt") + integer("durationMs")
    case .restores:
      own =
        integer("jobIndex", "restoreIndex")
        + text("job", "step", "action", "primaryKey", "family", "restoredKey", "outcome")
        + integer("fallbackLevel", "sizeBytes", "durationMs")
    case .saves:
      own =
        integer("jobIndex", "saveIndex") + text("job", "step", "action", "key", "family", "outcome")
        + integer("sizeBytes", "durationMs")
    case .tests:
      own =
        integer("testIndex") + text("job", "suite", "name", "outcome")
        + integer("attempts", "durationMs")
    case .suites:
      own =
        integer("suiteIndex") + text("job", "suite")
        + integer("total", "passed", "failed", "errors", "skipped", "flaky", "testTimeMs")
    }
    return Self.identity + own
  }
}

/// A value in a history row.
public enum HistoryCell: Sendable, Hashable {
  /// No value.
  case null
  /// An integer.
  case int(Int64)
  /// Text.
  case string(String)
  /// A boolean.
  case bool(Bool)

  /// The text, or `nil`.
  public var string: String? {
    if case .string(let value) = self { return value }
    return nil
  }

  /// The integer (a boolean as 0 or 1), or `nil`.
  public var int: Int64? {
    switch self {
    case .int(let value): value
    case .bool(let value): value ? 1 : 0
    default: nil
    }
  }

  static func text(_ value: String?) -> HistoryCell { value.map { .string($0) } ?? .null }
  static func integer(_ value: Int64?) -> HistoryCell { value.map { .int($0) } ?? .null }
}

/// A 64-bit FNV-1a hash, the same on every platform and in every process.
///
/// Swift's `Hasher` is seeded per process, so it cannot name anything that outlives one.
package struct StableHash {
  /// The hash so far.
  package private(set) var value: UInt64

  /// A hash with FNV-1a's offset basis, or another basis for an independent second hash.
  package init(basis: UInt64 = 0xcbf2_9ce4_8422_2325) {
    value = basis
  }

  /// Adds bytes.
  package mutating func combine(bytes: some Sequence<UInt8>) {
    for byte in bytes {
      value ^= UInt64(byte)
      value = value &* 0x0000_0100_0000_01b3
    }
  }

  /// Adds bytes from a buffer (the same as ``combine(bytes:)``, in a loop the compiler sees
  /// whole).
  package mutating func combine(buffer: UnsafeBufferPointer<UInt8>) {
    var hash = value
    for byte in buffer { hash = (hash ^ UInt64(byte)) &* 0x0000_0100_0000_01b3 }
    value = hash
  }

  /// Adds a string and a separator, so that `("ab", "c")` and `("a", "bc")` differ.
  package mutating func combine(_ text: String) {
    var text = text
    text.withUTF8 { combine(buffer: $0) }
    combine(bytes: CollectionOfOne(0xFF))
  }

  /// Adds an integer's decimal digits (as `String(value)` writes them) and a separator, as
  /// ``combine(_:)-(String)`` adds its text.
  package mutating func combine(decimal value: Int64) {
    // 20 digits and a sign at most, written from the end.
    var digits: (UInt64, UInt64, UInt64) = (0, 0, 0)
    withUnsafeMutableBytes(of: &digits) { raw in
      var end = raw.count
      var magnitude = value.magnitude
      repeat {
        end -= 1
        raw[end] = UInt8(ascii: "0") + UInt8(magnitude % 10)
        magnitude /= 10
      } while magnitude > 0
      if value < 0 {
        end -= 1
        raw[end] = UInt8(ascii: "-")
      }
      combine(buffer: UnsafeBufferPointer(rebasing: raw.bindMemory(to: UInt8.self)[end...]))
    }
    combine(bytes: CollectionOfOne(0xFF))
  }

  /// Adds a cell, tagged with its kind.
  package mutating func combine(_ cell: HistoryCell) {
    switch cell {
    case .null: combine(bytes: CollectionOfOne(0))
    case .int(let value):
      combine(bytes: CollectionOfOne(1))
      combine(decimal: value)
    case .string(let value):
      combine(bytes: CollectionOfOne(2))
      combine(value)
    case .bool(let value): combine(bytes: CollectionOfOne(value ? 3 : 4))
    }
  }

  /// The hash as 16 lowercase hexadecimal digits.
  package var hex: String { Self.hex(value) }

  /// `value` as 16 lowercase hexadecimal digits.
  package static func hex(_ value: UInt64) -> String {
    let digits = String(value, radix: 16)
    return String(repeating: "0", count: 16 - digits.count) + digits
  }
}
