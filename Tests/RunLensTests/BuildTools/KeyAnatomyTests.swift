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

  /// The test as it was written on Unicode scalars, which the byte test replaced.
  static func scalarHashLike(_ segment: String) -> Bool {
    let scalars = segment.unicodeScalars
    if scalars.count >= 8, scalars.allSatisfy({ $0.properties.isASCIIHexDigit }) { return true }
    guard scalars.count >= 20,
      scalars.allSatisfy({ $0.isASCII && ($0.properties.isAlphabetic || ("0"..."9").contains($0)) })
    else { return false }
    return scalars.contains { ("0"..."9").contains($0) }
      && scalars.contains { $0.properties.isAlphabetic }
  }

  @Test("the byte test agrees with the scalar test on random segments of edge characters")
  func hashLikeBytes() {
    let pieces = [
      "a", "f", "g", "A", "F", "G", "z", "Z", "0", "9", "/", ":", "@", "`", "é", "ª", "٣", "_",
    ]
    var state: UInt64 = 0x2545_F491_4F6C_DD1D
    var hashes = 0
    for _ in 0..<20_000 {
      state = state &* 6_364_136_223_846_793_005 &+ 1_442_695_040_888_963_407
      let length = Int(state >> 59)
      var segment = ""
      for _ in 0..<length {
        state = state &* 6_364_136_223_846_793_005 &+ 1_442_695_040_888_963_407
        // Mostly hex and alphanumerics, so that both kinds of hash occur.
        let pick = Int(state >> 33) % (pieces.count * 4)
        segment += pick < pieces.count ? pieces[pick] : pieces[pick % 4 == 0 ? 8 : pick % 7]
      }
      let expected = Self.scalarHashLike(segment)
      if expected { hashes += 1 }
      #expect(KeyAnatomy.isHashLike(segment) == expected, "\(segment)")
    }
    #expect(hashes > 100)
  }

  @Test("the byte diff of ASCII keys agrees with the Character diff on random keys")
  func asciiDiff() {
    let pieces = ["-", "-", "a", "b", "ab", "0f3c9a1e", "Linux", "", "é", "e\u{301}", "-\u{301}"]
    var state: UInt64 = 0x9E37_79B9_7F4A_7C15
    func next() -> Int {
      state = state &* 6_364_136_223_846_793_005 &+ 1_442_695_040_888_963_407
      return Int(state >> 33)
    }
    func key(ascii: Bool) -> String {
      (0..<(next() % 9)).map { _ in pieces[next() % (ascii ? 8 : pieces.count)] }.joined()
    }
    var bytePath = 0
    for round in 0..<20_000 {
      let ascii = round % 4 != 0
      let primary = key(ascii: ascii)
      // Often a near copy of the primary key, so that most segments are equal.
      let restored = next() % 2 == 0 ? primary + key(ascii: ascii) : key(ascii: ascii)
      let expected = KeyAnatomy.characterDiff(primary, restored)
      if let fast = KeyAnatomy.asciiDiff(primary, restored) {
        bytePath += 1
        #expect(fast == expected, "\(primary) | \(restored)")
      }
      #expect(KeyAnatomy.diff(primary, restored) == expected, "\(primary) | \(restored)")
    }
    #expect(bytePath > 14_000)
  }
}
