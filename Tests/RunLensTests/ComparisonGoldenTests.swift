import Foundation
import Testing

@testable import RunLens

/// `Fixtures/compare-*` and `Fixtures/budget-*` against their expected outputs.
@Suite("Golden comparisons and budgets")
struct ComparisonGoldenTests {
  static func files(_ folder: String, prefix: String) -> [String] {
    let path = Golden.fixtures.appendingPathComponent(folder).path
    return ((try? FileManager.default.contentsOfDirectory(atPath: path)) ?? [])
      .filter { $0.hasPrefix(prefix) && $0.hasSuffix(".json") }.sorted()
  }

  static let compareCases =
    ((try? FileManager.default.contentsOfDirectory(atPath: Golden.fixtures.path)) ?? [])
    .filter { $0.hasPrefix("compare-") }.sorted()
  static let budgetCases =
    ((try? FileManager.default.contentsOfDirectory(atPath: Golden.fixtures.path)) ?? [])
    .filter { $0.hasPrefix("budget-") }.sorted()

  static func comparison(_ name: String) throws -> Comparison {
    func samples(_ prefix: String) throws -> [RunSample] {
      try files(name, prefix: prefix).map {
        try RunSample(metricsJSON: try Golden.bytes("Fixtures/\(name)/\($0)"), source: $0)
      }
    }
    return Comparison(baseline: try samples("baseline-"), candidate: try samples("candidate-"))
  }

  static func budget(_ name: String, limit: Int64 = 10_000_000_000) throws -> CacheBudget {
    let entries = try files(name, prefix: "caches").flatMap {
      try CacheListing.parse(try Golden.bytes("Fixtures/\(name)/\($0)"))
    }
    let asOf = String(decoding: try Golden.bytes("Fixtures/\(name)/as-of.txt"), as: UTF8.self)
      .trimmedWhitespace()
    return CacheBudget(
      entries: entries, limitBytes: limit, asOf: try #require(LogTime(parsingISO8601: asOf)))
  }

  @Test("fixtures exist")
  func fixturesExist() {
    #expect(Self.compareCases.count >= 4)
    #expect(Self.budgetCases.count >= 3)
  }

  @Test("comparison.md and comparison.json match", arguments: compareCases)
  func comparisons(_ name: String) throws {
    let comparison = try Self.comparison(name)
    let advice = Advice.forComparison(comparison)
    let markdown = ComparisonReport.markdown(comparison, advice: advice)
    #expect(markdown.hasPrefix(ComparisonReport.marker + "\n"))
    #expect(markdown.utf8.count <= ComparisonReport.defaultBudget)
    Golden.expect(markdown, matches: "Fixtures/\(name)/comparison.md")
    Golden.expect(
      ComparisonReport.json(comparison, advice: advice), matches: "Fixtures/\(name)/comparison.json"
    )
  }

  @Test("budget.md and budget.json match", arguments: budgetCases)
  func budgets(_ name: String) throws {
    let budget = try Self.budget(name)
    let advice = Advice.forBudget(budget)
    Golden.expect(
      CacheBudgetReport.markdown(budget, advice: advice), matches: "Fixtures/\(name)/budget.md")
    Golden.expect(
      CacheBudgetReport.json(budget, advice: advice), matches: "Fixtures/\(name)/budget.json")
  }

  @Test("the same listing under a 10 GiB limit is within it")
  func binaryLimit() throws {
    let budget = try Self.budget("budget-over-decimal", limit: 10_737_418_240)
    #expect(!budget.overLimit)
    #expect(budget.evictedFirst.isEmpty)
    let advice = Advice.forBudget(budget)
    Golden.expect(
      CacheBudgetReport.markdown(budget, advice: advice),
      matches: "Fixtures/budget-over-decimal/limit-10GiB.md")
  }

  @Test("pages that overlap count each entry once")
  func pages() throws {
    let split = try Self.budget("budget-rest-pages")
    let whole = try Self.budget("budget-over-decimal")
    #expect(split.totalBytes == whole.totalBytes)
    #expect(split.entries.count == 8)
  }

  @Test("Reports/ has a comparison and a budget")
  func reports() throws {
    let comparison = try Self.comparison("compare-3v3-faster")
    Golden.expect(
      ComparisonReport.markdown(comparison, advice: Advice.forComparison(comparison)),
      matches: "Reports/comparison.md")
    let budget = try Self.budget("budget-over-decimal")
    Golden.expect(
      CacheBudgetReport.markdown(budget, advice: Advice.forBudget(budget)),
      matches: "Reports/cache-budget.md")
  }
}
