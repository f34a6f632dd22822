import Testing

@testable import RunLens

@Suite("CacheActions")
struct CacheActionsTests {
  @Test("no pattern's prefix starts another's, so the families' order never decides a match")
  func prefixesAreDistinct() {
    let prefixes = CacheActions.Family.patterns.map(\.prefix)
    for (index, prefix) in prefixes.enumerated() {
      for (other, candidate) in prefixes.enumerated() where other != index {
        #expect(
          !candidate.starts(with: prefix),
          "\(String(decoding: prefix, as: UTF8.self)) starts \(String(decoding: candidate, as: UTF8.self))"
        )
      }
    }
  }

  @Test("every action belongs to one family, and every family's actions lead back to it")
  func actionsByFamily() {
    var seen: Set<String> = []
    for family in CacheActions.Family.allCases {
      #expect(!family.actions.isEmpty)
      for action in family.actions {
        #expect(seen.insert(action).inserted, "\(action) is in two families")
        #expect(CacheActions.Family(action: action) == family)
      }
    }
    #expect(CacheActions.Family(action: OtherActions.checkout) == nil)
    #expect(CacheActions.Family(action: nil) == nil)
    #expect(seen.isDisjoint(with: OtherActions.withPostStep))
  }

  @Test("the lines the matcher may start with are exactly the patterns' first bytes")
  func firstBytes() {
    let firsts = Set(CacheActions.Family.patterns.map { $0.prefix[0] })
    for byte in UInt8.min...UInt8.max {
      #expect(CacheLineMatcher.mayStart(byte) == firsts.contains(byte))
    }
    #expect(!CacheLineMatcher.mayStart(UInt8(ascii: "[") + 1))
  }

  @Test("each line kind belongs to the family its name says")
  func owners() {
    #expect(CacheActions.Family(owning: .toolkitHit("k")) == .toolkit)
    #expect(CacheActions.Family(owning: .size(1)) == .toolkit)
    #expect(CacheActions.Family(owning: .nixSaved) == .nix)
    #expect(CacheActions.Family(owning: .nixPrefixes([])) == .nix)
    #expect(CacheActions.Family(owning: .rustSaving) == .rust)
    #expect(CacheActions.Family(owning: .rustCacheKey("k")) == .rust)
  }

  @Test("post steps are known for the cache actions and the other listed actions")
  func postSteps() {
    func step(_ name: String, _ action: String?) -> Step {
      Step(name: name, kind: .action, action: action, startedAt: nil, duration: nil, line: 1)
    }
    #expect(CacheActions.hasPostStep(step("Run actions/checkout@v4", OtherActions.checkout)))
    #expect(CacheActions.hasPostStep(step("Run Swatinem/rust-cache@v2", RustCache.name)))
    #expect(!CacheActions.hasPostStep(step("Run actions/cache/save@v4", ToolkitCache.cache)))
    #expect(!CacheActions.hasPostStep(step("Run some/other@v1", "some/other")))
    #expect(!CacheActions.hasPostStep(step("Run echo", nil)))
  }

  @Test("a cache step without an outcome keeps its inputs' keys")
  func restoreWithoutOutcome() {
    let step = Step(
      name: "Run nix-community/cache-nix-action@v6", kind: .action, action: CacheNixAction.name,
      startedAt: nil, duration: nil, line: 3)
    let restore = CacheActions.restoreWithoutOutcome(
      step, inputs: ["primary-key": "nix-1", "restore-prefixes-first-match": "nix-\nn-"])
    #expect(restore.primaryKey == "nix-1")
    #expect(restore.restoreKeys == ["nix-", "n-"])
    #expect(restore.outcome == .unknown)
  }

  @Test("numbers that do not fit are not read")
  func overflow() {
    #expect(CacheLineSupport.line("Cache Size: ~1 MB (9223372036854775808 B)") == nil)
    #expect(CacheLineSupport.line("Cache Size: ~1 MB (9223372036854775807 B)") == .size(.max))
    #expect(CacheLineSupport.line("Current store size in bytes: 99999999999999999999.") == nil)
  }
}
