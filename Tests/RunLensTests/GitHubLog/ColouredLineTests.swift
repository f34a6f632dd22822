import Testing

@testable import RunLens

/// A coloured output line is decided in place and copied only when a rule reads it: the
/// events must be those of the same line without colour, wherever its escapes are.
@Suite("Coloured lines")
struct ColouredLineTests {
  /// A step whose command names Nix and sccache (so that their lines are read, and indented
  /// rows too), or only cargo; then one line of every rule, in the order a job could print
  /// them.
  static func header(naming command: String) -> [String] {
    [
      "##[group]Run \(command)",
      "\u{1B}[36;1m\(command)\u{1B}[0m",
      "shell: /usr/bin/bash -e {0}",
      "##[endgroup]",
    ]
  }

  static let commands = [
    "nix build .#default && sccache --show-stats && cargo build", "cargo build",
  ]

  static let ruleLines = [
    "   Compiling serde v1.0.219",
    "   Compiling core v0.9.3 (/home/runner/work/r/r/crates/core)",
    "    Checking anyhow v1.0.100",
    "       Fresh ryu v1.0.20",
    "       Dirty cli v0.9.3 (/w/crates/cli): the dependency `core` was rebuilt",
    "  Downloaded memchr v2.7.6",
    "  Downloaded 39 crates (12.3MiB) in 2.01s",
    "    Finished `test` profile [unoptimized + debuginfo] target(s) in 1m 02s",
    "     Running unittests src/lib.rs (target/debug/deps/x-1)",
    "these 2 derivations will be built:",
    "these derivations will be built:",
    "  /nix/store/5azj8qk9bajlq7dfjy6v0z2qwvx2nja1-harness-0.6.0.drv",
    "building '/nix/store/5azj8qk9bajlq7dfjy6v0z2qwvx2nja1-harness-0.6.0.drv'...",
    "copying path '/nix/store/abc-foo' from 'https://cache.nixos.org'...",
    "these 3 paths will be fetched (45.2 MiB download, 180.0 MiB unpacked):",
    "warning: error: unable to download 'https://x/y': HTTP error 418",
    "GitHub Actions Cache throttled Magic Nix Cache. Not trying to use it again on this run.",
    "Compile requests                     10",
    "Cache hits                            7",
    "Cache misses                          3",
    "cache hit (direct)                   12",
    "Cacheable calls:   214 / 226 (94.69%)",
    "  Hits:            171 / 214 (79.91%)",
    "    Direct:        158 / 171 (92.40%)",
    "  Misses:           43 / 214 (20.09%)",
    "Cache Key: my-key-123",
    "echo CACHE HIT for the cache key",
    "CACHE MISS",
    "Cache restored from key: linux-cargo-abc",
    "Cache Size: ~12 MB (12582912 B)",
    "Cache not found for input keys: linux-cargo-abc",
    "Received 12582912 of 12582912 (100.0%), 12.0 MBs/sec",
    "Failed to restore: Cache service responded with 503",
    "Restored from cache key \"v0-rust-linux\".",
    "Unable to reserve cache with key linux-cargo-abc, another job may be creating this cache.",
    "Saved a new cache with the key nix-abc",
    "Complete job name: build (stable)",
    "warning: unused variable: `x`",
    "        PASS [   0.010s] crate::tests::a",
    "     Summary [   0.123s] 2 tests run: 2 passed, 0 skipped",
    "        FAIL [   0.011s] crate::tests::b",
    "#0 building with \"b\" instance using docker-container driver",
    "#7 [2/3] RUN apt-get update",
    "#7 CACHED",
    "#8 [3/3] COPY . .",
    "#8 13.2    Compiling cache-padded v1.3.0",
    "#8 DONE 1.5s",
    "test cache::tests::evicts ... ok",
    "Post job cleanup.",
    "Cleaning up orphan processes",
  ]

  /// Escape sequences as logs carry them: SGR, reset, caret notation, an OSC hyperlink.
  static let escapes = [
    "\u{1B}[1m\u{1B}[92m", "\u{1B}[0m", "^[[32m", "\u{1B}]8;;https://x\u{1B}\\", "\u{1B}[K",
  ]

  static func log(_ lines: [String], command: String = commands[0]) -> [UInt8] {
    Array(Parsing.timestamped((header(naming: command) + lines).joined(separator: "\n")).utf8)
  }

  /// The events of a log, the byte count left out (escapes add bytes, nothing else).
  static func events(
    _ lines: [String], command: String = commands[0], chunkSize: Int? = nil
  ) -> [LogEvent] {
    Parsing.events(log(lines, command: command), chunkSize: chunkSize).map { event in
      guard case .end(var end) = event else { return event }
      end.byteCount = 0
      return .end(end)
    }
  }

  static func inserting(_ escape: String, into line: String, at offset: Int) -> String {
    let bytes = Array(line.utf8)
    return String(decoding: bytes[..<offset] + Array(escape.utf8) + bytes[offset...], as: UTF8.self)
  }

  @Test(
    "an escape at any offset of any rule's line changes no event",
    arguments: escapes, commands)
  func escapeAtEveryOffset(escape: String, command: String) {
    let plain = Self.events(Self.ruleLines, command: command)
    for (index, line) in Self.ruleLines.enumerated() {
      for offset in 0...line.utf8.count {
        var lines = Self.ruleLines
        lines[index] = Self.inserting(escape, into: line, at: offset)
        let same = Self.events(lines, command: command) == plain
        #expect(same, "\(lines[index].debugDescription)")
      }
    }
  }

  @Test(
    "colour as the tools print it changes no event, at every chunk size", arguments: [1, 7, 4096])
  func toolColours(chunkSize: Int) {
    let coloured = Self.ruleLines.map { line -> String in
      // cargo's bold green status word, a test's green `ok`, everything else wrapped.
      let bytes = Array(line.utf8)
      if bytes.count > 13, bytes[12] == 0x20, bytes[0] == 0x20 {
        return "\u{1B}[1m\u{1B}[92m" + String(decoding: bytes[..<12], as: UTF8.self) + "\u{1B}[0m"
          + String(decoding: bytes[12...], as: UTF8.self)
      }
      if line.hasSuffix(" ok") { return line.dropLast(2) + "\u{1B}[32mok\u{1B}[0m" }
      return "\u{1B}[2m" + line + "\u{1B}[0m"
    }
    let same = Self.events(coloured, chunkSize: chunkSize) == Self.events(Self.ruleLines)
    #expect(same)
  }

  @Test("a needle split by escapes is still found")
  func splitNeedles() {
    for line in ["Cache Key: my-key-123", "echo CACHE HIT for the cache key", "CACHE MISS now"] {
      let plain = Self.events([line])
      let bytes = Array(line.utf8)
      // Two escapes, at every pair of offsets.
      for first in 0...bytes.count {
        for second in first...bytes.count {
          let twice = Self.inserting(
            "\u{1B}[0m", into: Self.inserting("^[[1m", into: line, at: second), at: first)
          let same = Self.events([twice]) == plain
          #expect(same, "\(twice.debugDescription)")
        }
      }
    }
  }

  /// Random lines of needle pieces, escapes in both notations, and the bytes that end them.
  static let randomLines: [[UInt8]] = {
    let pieces = [
      "\u{1B}[", "\u{1B}]", "\u{1B}", "^[[", "^[", "^", "[", "]", "m", "1;32m", "\u{7}", "\u{1B}\\",
      "C", "Cac", "he", " K", "ey:", "Cache Key:", "CACHE", "CA", "CHE ", " HIT", "MI", "SS", " ",
      "x", "é",
    ].map { Array($0.utf8) }
    var state: UInt64 = 0x2545_F491_4F6C_DD1D
    var lines: [[UInt8]] = []
    for _ in 0..<4000 {
      state = state &* 6_364_136_223_846_793_005 &+ 1_442_695_040_888_963_407
      let length = Int(state >> 60)
      var line: [UInt8] = []
      for _ in 0..<length {
        state = state &* 6_364_136_223_846_793_005 &+ 1_442_695_040_888_963_407
        line += pieces[Int(state >> 33) % pieces.count]
      }
      lines.append(line)
    }
    return lines
  }()

  @Test("stripping into a buffer and scanning in place agree with the copying strip")
  func scanAgreesWithStrip() {
    let needles = ColouredLineTests.needles
    for line in Self.randomLines + Self.escapes.map({ Array($0.utf8) }) {
      var expected: [UInt8] = []
      line.withUnsafeBufferPointer { ANSI.strip($0, into: &expected) }
      let hasCaret = line.indices.dropLast().contains { line[$0] == 0x5E && line[$0 + 1] == 0x5B }
      for carets in hasCaret ? [true] : [true, false] {
        var buffer = [UInt8](repeating: 0, count: line.count)
        let count = line.withUnsafeBufferPointer { bytes in
          buffer.withUnsafeMutableBufferPointer { ANSI.strip(bytes, carets: carets, into: $0) }
        }
        #expect(Array(buffer[..<count]) == expected, "\(line)")
        let scan = line.withUnsafeBufferPointer { ANSI.scan($0, carets: carets) }
        #expect(scan.plainCount == min(expected.count, ANSI.prefixLength))
        var prefix = scan.prefix
        let head = withUnsafeBytes(of: &prefix) { Array($0.prefix(min(expected.count, 16))) }
        #expect(head == Array(expected.prefix(16)))
        // A needle in the plain text that the line itself does not hold must be flagged.
        for needle in needles where contains(expected, needle) && !contains(line, needle) {
          #expect(scan.mayJoinNeedle, "\(line)")
        }
      }
    }
  }

  static let needles = ANSI.NeedleJoin.needles.map { Array($0.utf8) }

  func contains(_ haystack: [UInt8], _ needle: [UInt8]) -> Bool {
    guard haystack.count >= needle.count else { return false }
    return (0...(haystack.count - needle.count)).contains {
      haystack[$0..<($0 + needle.count)].elementsEqual(needle)
    }
  }

  @Test("a needle may join across an escape exactly at the adjacent byte pairs of a needle")
  func joinPairs() {
    var pairs: Set<UInt16> = []
    for needle in ANSI.NeedleJoin.needles {
      let bytes = Array(needle.utf8)
      for index in 1..<bytes.count {
        pairs.insert(UInt16(bytes[index - 1]) << 8 | UInt16(bytes[index]))
      }
    }
    var wrong: [String] = []
    for before in 0...255 {
      for after in 0...255
      where ANSI.NeedleJoin.mayJoin(UInt8(before), UInt8(after))
        != pairs.contains(UInt16(before) << 8 | UInt16(after))
      {
        wrong.append("\(before) \(after)")
      }
    }
    #expect(wrong.isEmpty, "\(wrong)")
  }
}
