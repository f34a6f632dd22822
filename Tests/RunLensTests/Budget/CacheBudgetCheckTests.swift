import Testing

@testable import RunLens

@Suite("CacheBudgetCheck")
struct CacheBudgetCheckTests {
  static let asOf = LogTime(
    text: "2025-10-05T00:00:00Z", nanosecondsSinceEpoch: 1_759_622_400_000_000_000)

  @Test("listings read render the budget of the fixture, and say whether it is over the limit")
  func budgets() throws {
    for (name, over) in [("budget-under", false), ("budget-over-decimal", true)] {
      let text = String(decoding: try Golden.bytes("Fixtures/\(name)/as-of.txt"), as: UTF8.self)
      let asOf = try #require(LogTime(parsingISO8601: text.trimmedWhitespace()))
      var check = CacheBudgetCheck(configuration: Configuration(), asOf: asOf)
      check.add(listing: try Golden.bytes("Fixtures/\(name)/caches.json"), source: "caches.json")
      #expect(check.unreadable.isEmpty)
      let markdown = check.render(json: false)
      #expect(markdown.overLimit == over, "\(name)")
      Golden.expect(markdown.text, matches: "Fixtures/\(name)/budget.md")
      Golden.expect(check.render(json: true).text, matches: "Fixtures/\(name)/budget.json")
    }
  }

  @Test("an unreadable listing or one that is not a listing makes the report of the unreadable")
  func unreadable() {
    var check = CacheBudgetCheck(configuration: Configuration(), asOf: Self.asOf)
    check.add(listing: Array("[]".utf8), source: "empty.json")
    check.add(listing: Array("not json".utf8), source: "bad.json")
    check.addUnreadable("gone.json", reason: "no such file or directory")
    #expect(check.unreadable.map(\.source) == ["bad.json", "gone.json"])
    #expect(check.unreadable.allSatisfy { $0.severity == .error })
    #expect(check.unreadable[1].message == "cannot read: no such file or directory")
    let (text, overLimit) = check.render(json: false)
    #expect(!overLimit)
    #expect(text == CacheBudgetReport.markdown(unreadable: check.unreadable))
    #expect(text.contains("gone.json"))
  }
}
