import Foundation
import Testing

@testable import RunLens

/// The direct metrics reader against `JSONDecoder`: whatever the direct reader takes, it reads
/// as `JSONDecoder` does.
@Suite("Metrics JSON direct reader")
struct MetricsReaderTests {
  /// Every JSON fixture that names a `schemaVersion`, by path.
  static func documents() throws -> [(path: String, bytes: [UInt8])] {
    let root = HistoryStoreTests.packageRoot.appendingPathComponent("Fixtures")
    let paths = (FileManager.default.enumerator(atPath: root.path)?.allObjects as? [String]) ?? []
    return try paths.filter { $0.hasSuffix(".json") }.sorted().compactMap { path in
      let bytes = [UInt8](try Data(contentsOf: root.appendingPathComponent(path)))
      return String(decoding: bytes, as: UTF8.self).contains("\"schemaVersion\"")
        ? (path, bytes) : nil
    }
  }

  @Test("the fixtures' metrics documents read the same both ways, and directly")
  func fixtures() throws {
    let documents = try Self.documents()
    #expect(documents.count > 100)
    for document in documents {
      let direct = HistoryRun.metricsJSON(document.bytes, direct: true)
      let decoded = HistoryRun.metricsJSON(document.bytes, direct: false)
      if let direct { #expect(direct == decoded, "\(document.path)") }
      // What runlens writes (`report --format json`) is read directly.
      if document.path.hasSuffix("metrics.json") || document.path.contains("/run-") {
        #expect(direct != nil, "\(document.path)")
      }
    }
  }

  @Test("a key JSONDecoder holds equal to a known one (U+212A KELVIN SIGN for K) is left to it")
  func canonicalKeys() throws {
    let document = try #require(
      try Self.documents().first { $0.path.hasSuffix("history-3-weeks/run-01.json") })
    let text = String(decoding: document.bytes, as: UTF8.self)
    #expect(text.contains("\"primaryKey\""))
    for kelvin in ["\\u212A", "\u{212A}"] {
      let changed = Array(
        text.replacingOccurrences(of: "\"primaryKey\"", with: "\"primary\(kelvin)ey\"").utf8)
      let decoded = try #require(HistoryRun.metricsJSON(changed, direct: false))
      #expect(decoded.jobs.first?.restores.first?.primaryKey != nil)
      #expect(HistoryRun.metricsJSON(changed, direct: true) == nil, "\(kelvin)")
      #expect(try HistoryRun(metricsJSON: changed) == decoded)
    }
  }

  /// Texts that, put in place of one byte, make documents the direct reader must either read
  /// as `JSONDecoder` does or leave to it.
  static let replacements: [String] = [
    "\"", "\\", "0", "-0", "01", "1.5", "1e3", ",", "}", "]", "{", "[", " ", "null", "true",
    "\u{0}", "\u{1F}", "\\u00e9", "\\ud83d\\ude00", "\\ud83d", "é", "\"name\":\"x\",",
    "\"schemaVersion\":1,", "9223372036854775808", "-9223372036854775808", "\\n", "\\x",
  ]

  @Test("mutated documents read as JSONDecoder reads them, or are left to it")
  func mutations() throws {
    let documents = try Self.documents().filter {
      $0.path.hasSuffix("run-07.json") || $0.path.hasSuffix("nextest-one-failure/metrics.json")
    }
    #expect(documents.count == 2)
    var generator = SplitMix(seed: 15)
    var taken = 0
    var tried = 0
    for document in documents {
      for _ in 0..<400 {
        var bytes = document.bytes
        let position = Int(generator.next() % UInt64(bytes.count))
        let replacement = Self.replacements[
          Int(generator.next() % UInt64(Self.replacements.count))]
        let length = Int(generator.next() % 3)
        bytes.replaceSubrange(
          position..<min(bytes.count, position + length), with: Array(replacement.utf8))
        let direct = HistoryRun.metricsJSON(bytes, direct: true)
        tried += 1
        guard let direct else { continue }
        taken += 1
        #expect(
          direct == HistoryRun.metricsJSON(bytes, direct: false),
          "\(String(decoding: bytes, as: UTF8.self))")
      }
    }
    // Many mutations land in text or skipped values and are still read directly.
    #expect(taken > tried / 10)
  }
}

/// A small deterministic random number generator (SplitMix64).
struct SplitMix {
  var state: UInt64

  init(seed: UInt64) { state = seed }

  mutating func next() -> UInt64 {
    state &+= 0x9E37_79B9_7F4A_7C15
    var value = state
    value = (value ^ (value >> 30)) &* 0xBF58_476D_1CE4_E5B9
    value = (value ^ (value >> 27)) &* 0x94D0_49BB_1331_11EB
    return value ^ (value >> 31)
  }
}

@Suite("HistoryDigest")
struct HistoryDigestTests {
  @Test("names interned by their bytes keep one index each, through the table's growth")
  func interning() {
    var digest = HistoryDigest()
    let names = (0..<3000).map { "step \($0) of a job with a long name" } + ["", "é"]
    func intern(_ name: String) -> Int32 {
      Array(name.utf8).withUnsafeBytes { digest.intern(bytes: $0) }
    }
    let first = names.map(intern)
    #expect(Set(first).count == names.count)
    #expect(names.map(intern) == first)
    #expect(first.map { digest.names[Int($0)] } == names)
    // Bytes of a canonically equal text (e + combining acute) are the same name, as Swift
    // compares strings.
    #expect(intern("e\u{301}") == first.last)
    #expect(digest.intern("é") == first.last)
  }
}

@Suite("StableHash")
struct StableHashTests {
  @Test("integers and texts hash as their bytes did: digits written in place, UTF-8 read whole")
  func sameBytes() {
    var generator = SplitMix(seed: 7)
    let integers: [Int64] =
      [0, 1, -1, 9, 10, -10, 99, 100, Int64.max, Int64.min, Int64.min + 1]
      + (0..<200).map { _ in Int64(bitPattern: generator.next()) >> (generator.next() % 64) }
    for value in integers {
      var fast = StableHash()
      fast.combine(decimal: value)
      var slow = StableHash()
      slow.combine(bytes: String(value).utf8)
      slow.combine(bytes: CollectionOfOne(0xFF))
      #expect(fast.value == slow.value, "\(value)")
    }
    for text in [
      "", "a", "cargo-Linux-3f9a1c07be52", "é e\u{301} 😀", String(repeating: "x", count: 300),
    ] {
      var fast = StableHash()
      fast.combine(text)
      var slow = StableHash()
      slow.combine(bytes: text.utf8)
      slow.combine(bytes: CollectionOfOne(0xFF))
      #expect(fast.value == slow.value, "\(text)")
    }
  }
}
