import Testing

@testable import RunLens

/// Regressions from the fuzzing campaign (issue 13): sizes and times of a cache listing are
/// untrusted, and a budget of any listing renders without trapping.
@Suite("CacheBudget")
struct CacheBudgetTests {
  static let asOf = LogTime(
    text: "2026-12-05T00:00:00Z", nanosecondsSinceEpoch: 1_796_428_800_000_000_000)

  /// The budget of a fixture listing, rendered both ways.
  static func render(_ fixture: String) throws -> (CacheBudget, String, String) {
    let entries = try CacheListing.parse(try Golden.bytes("Fixtures/\(fixture)/caches.json"))
    let budget = CacheBudget(entries: entries, limitBytes: 10_000_000_000, asOf: asOf)
    let advice = Advice.forBudget(budget)
    return (
      budget, CacheBudgetReport.markdown(budget, advice: advice),
      CacheBudgetReport.json(budget, advice: advice)
    )
  }

  @Test("an entry of 10^18 bytes formats in decimal and binary units")
  func exabyte() throws {
    let (budget, markdown, json) = try Self.render("fuzz-cache-exabyte")
    #expect(budget.totalBytes == 1_000_000_000_000_000_000)
    #expect(markdown.contains("1000 PB"))
    #expect(json.contains("1000000000000000000"))
  }

  @Test("sizes that add up past Int64 saturate in the family and the total")
  func sums() throws {
    let (budget, markdown, _) = try Self.render("fuzz-cache-size-sum")
    #expect(budget.totalBytes == Int64.max)
    #expect(budget.groups.count == 1)
    #expect(budget.groups.first?.bytes == Int64.max)
    #expect(budget.evictedFirst.count == 2)
    #expect(markdown.contains("Over the limit"))
  }

  @Test("an entry idle since 1700 is stale; the idle time saturates instead of overflowing")
  func ancientAccess() throws {
    let (budget, markdown, _) = try Self.render("fuzz-cache-idle-1700")
    #expect(budget.stale.count == 1)
    #expect(markdown.contains("Idle more than 7 days"))
  }

  @Test("a listing dated 9999 has no times: they are outside what a LogTime holds")
  func farFuture() throws {
    let (budget, _, json) = try Self.render("fuzz-cache-year-9999")
    #expect(budget.entries.first?.lastAccessedAt == nil)
    #expect(budget.entries.first?.createdAt == nil)
    #expect(budget.stale.isEmpty)
    #expect(json.contains("\"entries\": 1"))
  }

  @Test("negative and extreme sizes never trap", arguments: [Int64.min, -1, Int64.max])
  func extremes(size: Int64) {
    let entries = (1...3).map { id in
      CacheEntry(
        id: Int64(id), key: "k-\(id)", ref: nil, sizeBytes: size,
        lastAccessedAt: LogTime(text: "", nanosecondsSinceEpoch: Int64.min), createdAt: nil)
    }
    let budget = CacheBudget(entries: entries, limitBytes: 0, asOf: Self.asOf)
    let advice = Advice.forBudget(budget)
    #expect(!CacheBudgetReport.markdown(budget, advice: advice).isEmpty)
    #expect(!CacheBudgetReport.json(budget, advice: advice).isEmpty)
  }
}
