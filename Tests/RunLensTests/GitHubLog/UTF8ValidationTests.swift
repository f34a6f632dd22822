import Testing

@testable import RunLens

@Suite("UTF8Validation")
struct UTF8ValidationTests {
  /// The standard library's answer.
  static func expected(_ bytes: [UInt8]) -> Bool {
    String(validating: bytes, as: UTF8.self) != nil
  }

  static func actual(_ bytes: [UInt8]) -> Bool {
    bytes.withUnsafeBufferPointer { UTF8Validation.isValid($0) }
  }

  /// Bytes at the edges of UTF-8's ranges: ASCII, continuation bytes and their sub-ranges,
  /// the lead bytes that narrow them, and bytes that are never valid.
  static let edges: [UInt8] = [
    0x00, 0x41, 0x7F, 0x80, 0x8F, 0x90, 0x9F, 0xA0, 0xBF, 0xC0, 0xC1, 0xC2, 0xDF, 0xE0, 0xED,
    0xEF, 0xF0, 0xF4, 0xF5, 0xFF,
  ]

  @Test("every sequence of one or two bytes, anywhere in an ASCII run, as the standard library")
  func shortSequences() {
    var mismatches: [[UInt8]] = []
    for first in 0...255 {
      for second in -1...255 {
        let sequence = second < 0 ? [UInt8(first)] : [UInt8(first), UInt8(second)]
        // At each place of the eight-byte word the ASCII test reads, and at the end.
        for padding in [0, 3, 7, 8] {
          let bytes = Array(repeating: UInt8(ascii: "a"), count: padding) + sequence
          if Self.actual(bytes) != Self.expected(bytes) { mismatches.append(bytes) }
        }
      }
    }
    #expect(mismatches.isEmpty, "\(mismatches.prefix(5))")
  }

  /// After the second byte, a byte is either a continuation byte or not: its edges suffice.
  static let continuationEdges: [UInt8] = [0x41, 0x7F, 0x80, 0xBF, 0xC0, 0xFF]

  @Test("every lead byte followed by edge bytes, three and four long, as the standard library")
  func longSequences() {
    var mismatches: [[UInt8]] = []
    for lead in 0...255 {
      for second in Self.edges {
        for third in Self.continuationEdges {
          let three = [UInt8(lead), second, third]
          if Self.actual(three) != Self.expected(three) { mismatches.append(three) }
          for fourth in Self.continuationEdges {
            let four = three + [fourth]
            if Self.actual(four) != Self.expected(four) { mismatches.append(four) }
            let padded = four + [0x41]
            if Self.actual(padded) != Self.expected(padded) { mismatches.append(padded) }
          }
        }
      }
    }
    #expect(mismatches.isEmpty, "\(mismatches.prefix(5))")
  }

  @Test("real text and random bytes, as the standard library")
  func randomText() {
    var generator = SystemRandomNumberGenerator()
    let texts = [
      "", "plain ascii only, longer than a word", "naïve café", "日本語のテキスト", "emoji 🦀 and 𝄞",
      "mixed ü 🦀 ascii tail padding padding",
    ]
    for text in texts {
      #expect(Self.actual(Array(text.utf8)))
    }
    for _ in 0..<20_000 {
      let count = Int.random(in: 0...24, using: &generator)
      // Mostly valid text with a byte changed, so that errors fall at every place.
      let text = texts[Int.random(in: 0..<texts.count, using: &generator)]
      var bytes = Array(text.utf8.prefix(count))
      if !bytes.isEmpty, Bool.random(using: &generator) {
        bytes[Int.random(in: 0..<bytes.count, using: &generator)] = UInt8.random(
          in: 0...255, using: &generator)
      }
      #expect(Self.actual(bytes) == Self.expected(bytes), "\(bytes)")
    }
  }
}
