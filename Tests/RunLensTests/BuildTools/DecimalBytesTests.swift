import Testing

@testable import RunLens

/// The byte readings of cargo's and Nix's summary numbers give what their `String` readings
/// give, on the forms the tools print and on odd text.
@Suite("DecimalBytes")
struct DecimalBytesTests {
  static func withBytes<T>(_ text: String, _ body: (UnsafeBufferPointer<UInt8>) -> T) -> T {
    Array(text.utf8).withUnsafeBufferPointer(body)
  }

  /// Numbers of every shape near the fast path's edges, and text it hands to `Double`.
  static let numbers: [String] = {
    var all = [
      "0", "7", "12", "4.56", "62.34", "275.81", "0.1", "0.3", "1.005", "2.675", "999.9995",
      "123456789012345", "1234567890123456", "12345678901234.5", "0.000000000000001",
      "9007199254740993", "1.", ".5", "1.2.3", "", ".", "inf", "nan", "1e5", "-3", "+4",
      "00012", "1_0", "٣",
    ]
    // A deterministic spread of decimals with up to 15 digits.
    var state: UInt64 = 0x9E37_79B9_7F4A_7C15
    for _ in 0..<2000 {
      state = state &* 6_364_136_223_846_793_005 &+ 1_442_695_040_888_963_407
      let digits = Int(state >> 60) % 15 + 1
      let point = Int((state >> 40) & 0xFF) % (digits + 1)
      var text = ""
      var value = state
      for index in 0..<digits {
        if index == point, index > 0 { text += "." }
        text += String(value % 10)
        value /= 10
      }
      all.append(text)
    }
    return all
  }()

  @Test("a number reads as Double(String) reads it")
  func numbersMatchDouble() {
    for text in Self.numbers {
      let read = Self.withBytes(text) { DecimalBytes.double($0) }
      let expected = Double(text)
      #expect(read?.bitPattern == expected?.bitPattern, "\(text)")
    }
  }

  @Test(
    "cargo's durations read from bytes as from a String",
    arguments: [
      "4.56s", "1m 02s", "1m 2.34s", "62.34 secs", "1h 3m 4s", "275.81s", "0.12s", "3m",
      "12 sec", "1m  2s", "1m 2s (something)", "", " ", "s", "1", "1 ", "1x", "1m x", "2.675s",
      "1.2.3s", ".5s", "5.s", "1e3s", "1m 2s 3h", "99999999999s", "1m\u{301} 2s", "1m \u{301}2s",
      "٣s", "1m\t2s",
    ])
  func durationsMatch(_ text: String) {
    let fromBytes = Self.withBytes(text) { Cargo.parseDuration($0) }
    #expect(fromBytes == Cargo.parseDuration(text))
  }

  @Test(
    "Nix's announced sizes read from bytes as from a String",
    arguments: [
      "45.2 MiB download, 180.0 MiB unpacked):", "0.5 KiB download, 1 B unpacked):",
      "1.25 GiB download, 3 TiB unpacked):", "12 MiB download):",
      "x MiB download, 2 MiB unpacked):",
      "2 XiB download, 3 MiB unpacked):", "2  MiB   download ,, 3 MiB unpackedX):",
      "inf MiB download):",
      "-0 MiB download):", "1e3 KiB download, nan B unpacked):", "3 MiB", "", ",,,",
      "4.5 MiB dównload, 6 MiB unpacked):", "99999999999 TiB download):",
    ])
  func sizesMatch(_ text: String) {
    let fromBytes = Self.withBytes(text) { Nix.sizes($0) }
    var download: Int64?
    var unpacked: Int64?
    for part in text.split(separator: ",") {
      let words = part.split(separator: " ")
      guard words.count >= 3, let size = Nix.size(words[0], unit: words[1]) else { continue }
      if words[2].hasPrefix("download") { download = size }
      if words[2].hasPrefix("unpacked") { unpacked = size }
    }
    #expect(fromBytes.download == download)
    #expect(fromBytes.unpacked == unpacked)
  }

  @Test(
    "a step names Nix or a compiler cache as lowercased().contains says",
    arguments: [
      "Run nix build .#default", "Run NIX_PATH=x make", "DeterminateSystems/nix-installer-action",
      "Run cargo test", "Run Ni x", "Run sccache --show-stats", "Run CCACHE_DIR=/c make",
      "hendrikmuhs/ccache-action", "Run ﬁx", "Run NİX", "Run ñix", "", "nix", "ni",
    ])
  func mentionsMatch(_ text: String) {
    #expect(Nix.mentionsNix(text) == text.lowercased().contains("nix"))
    #expect(CompilerCaches.mentionsCompilerCache(text) == text.lowercased().contains("ccache"))
  }

  @Test("text with other characters is searched by its bytes: a name cut with … still names Nix")
  func mentionsBeyondASCII() {
    #expect(Nix.mentionsNix("Run nix build .#default && nix flake check …"))
    #expect(CompilerCaches.mentionsCompilerCache("Run SCCACHE_GHA_ENABLED=true cargo build …"))
    #expect(!Nix.mentionsNix("Run ñix … ﬁx NİX"))
    // The documented difference from lowercased().contains: a combining mark after the last
    // letter makes another Character, not other bytes.
    #expect(Nix.mentionsNix("Run nix\u{301}"))
    #expect(!"Run nix\u{301}".lowercased().contains("nix"))
  }

  @Test("the case-folded search finds what a search at every start finds, on random text")
  func containsLowercasedMatchesEveryStart() {
    var generator = SystemRandomNumberGenerator()
    // Bytes near the needles' letters in both cases, and a few others, so that matches,
    // near-matches and first bytes eight apart all occur.
    let alphabet = Array("nNiIxXcCaAhHeE-. @`".utf8) + [0x0E, 0x4E | 0x80]
    var found = 0
    for _ in 0..<20_000 {
      let length = Int.random(in: 0...40, using: &generator)
      let bytes = (0..<length).map { _ in alphabet.randomElement(using: &generator)! }
      for needle: StaticString in ["nix", "ccache", "x", "-n"] {
        let expected = Self.everyStart(bytes, needle)
        let got = bytes.withUnsafeBufferPointer { DecimalBytes.containsLowercased($0, needle) }
        #expect(got == expected, "\(bytes) \(needle)")
        if expected { found += 1 }
      }
    }
    #expect(found > 10_000)
  }

  /// The search at every start, one byte at a time.
  private static func everyStart(_ bytes: [UInt8], _ needle: StaticString) -> Bool {
    let text = Array(UnsafeBufferPointer(start: needle.utf8Start, count: needle.utf8CodeUnitCount))
    guard bytes.count >= text.count else { return false }
    let lowered = bytes.map { $0 >= 0x41 && $0 <= 0x5A ? $0 | 0x20 : $0 }
    return (0...(bytes.count - text.count)).contains {
      Array(lowered[$0..<$0 + text.count]) == text
    }
  }
}
