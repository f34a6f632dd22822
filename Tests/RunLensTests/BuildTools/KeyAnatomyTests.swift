import Testing

@testable import RunLens

@Suite("Key anatomy")
struct KeyAnatomyTests {
  @Test("a fallback's changed segment is found by position, hashes recognised")
  func changedSegment() {
    let diff = KeyAnatomy.diff(
      "nix-v3-deps-5e2b90d1c47fa836-a917c3e0f25d4b68-Linux-stable-unit",
      "nix-v3-deps-5e2b90d1c47fa836-d04b7e19a3c5f826-Linux-stable-unit")
    #expect(diff.map(\.index) == [4])
    #expect(diff.first?.primary == "a917c3e0f25d4b68")
    #expect(diff.first?.restored == "d04b7e19a3c5f826")
    #expect(diff.first?.isHashLike == true)
    #expect(
      KeyAnatomy.describe(diff, segmentCount: 8)
        == "changed: segment 4 (a hash) a917c3e0… → d04b7e19…; the other 7 segments did not change")
  }

  @Test("keys of different lengths: the missing side is nil")
  func lengths() {
    let diff = KeyAnatomy.diff("a-b-c", "a-b")
    #expect(diff == [.init(index: 2, primary: "c", restored: nil, isHashLike: false)])
  }

  @Test(
    "hash-like segments",
    arguments: [
      ("5e2b90d1c47fa836", true), ("Linux", false), ("v3", false), ("stable", false),
      ("bk3zmcg6gh0gy6b0ywh5pqd6yxj02bvm", true), ("abcdef01", true), ("abcdef0", false),
      ("averyveryverylongwordonly", false),
    ])
  func hashLike(segment: String, expected: Bool) {
    #expect(KeyAnatomy.isHashLike(segment) == expected)
  }
}
