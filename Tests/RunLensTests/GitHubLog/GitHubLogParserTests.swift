import Testing

@testable import RunLens

@Suite("GitHubLogParser")
struct GitHubLogParserTests {
  static let setUp = """
    Current runner version: '2.328.0'
    ##[group]Operating System
    Ubuntu
    ##[endgroup]
    Complete job name: unit (stable, ubuntu-latest)
    """

  @Test(
    "script lines in a step header are not output: a header with echo \"CACHE HIT\" is not a hit")
  func echoTrap() {
    let log = Parsing.timestamped(
      Self.setUp + "\n" + """
        ##[group]Run echo "Cache Key: k1"
        \u{1B}[36;1mecho "🔑 Cache Key: k1"\u{1B}[0m
        \u{1B}[36;1mif [ "" = "true" ]; then echo "✅ CACHE HIT"; else echo "⚠️ CACHE MISS"; fi\u{1B}[0m
        shell: /usr/bin/bash -e {0}
        ##[endgroup]
        🔑 Cache Key: k1
        🔍 Cache status: Unknown (action may not support cache-hit output)
        Cleaning up orphan processes
        """)
    let job = Parsing.job(log)
    #expect(job.reported.keys == ["k1"])
    #expect(job.reported.hits == 0)
    #expect(job.reported.misses == 0)
    #expect(job.name == "unit (stable, ubuntu-latest)")
    #expect(job.steps.map(\.name) == ["Set up job", "Run echo \"Cache Key: k1\"", "Complete job"])
  }

  @Test("echoed lines are counted in step output, with any prefix and colour")
  func echoCounted() {
    let log = Parsing.timestamped(
      """
      ##[group]Run ./report.sh
      shell: /usr/bin/bash -e {0}
      ##[endgroup]
      \u{1B}[33m🔑 Cache Key: abc-123\u{1B}[0m
      ^[[32m✅ CACHE HIT: restored^[[0m
      CACHE MISS and CACHE HIT on one line
      Cache Key: `quoted-key`
      """)
    let job = Parsing.job(log)
    #expect(job.reported.keys == ["abc-123", "quoted-key"])
    #expect(job.reported.hits == 2)
    #expect(job.reported.misses == 1)
  }

  @Test("a BOM may start any line, and a stitched page still starts its step")
  func bomMidFile() {
    let log =
      "\u{FEFF}" + Parsing.timestamped(Self.setUp) + "\n\u{FEFF}"
      + Parsing.timestamped(
        "##[group]Run actions/checkout@v4\n##[endgroup]\nCleaning up orphan processes", start: 10)
    let job = Parsing.job(log)
    #expect(job.steps.map(\.name) == ["Set up job", "Run actions/checkout@v4", "Complete job"])
    #expect(job.steps[1].action == "actions/checkout")
    #expect(!job.isPartial)
  }

  @Test("timestamps with 1 to 9 fractional digits are read; durations follow them")
  func fractionalDigits() {
    let log = """
      2025-10-04T14:00:00.1Z Current runner version: '2.328.0'
      2025-10-04T14:00:01.123456789Z ##[group]Run make
      2025-10-04T14:00:01.2Z ##[endgroup]
      2025-10-04T14:00:03.6500000Z Cleaning up orphan processes
      2025-10-04T14:00:04Z done
      """
    let job = Parsing.job(log)
    #expect(job.steps.map { $0.duration?.milliseconds } == [1023, 2527, 350])
    #expect(job.duration?.milliseconds == 3900)
    #expect(job.completedAt?.text == "2025-10-04T14:00:04Z")
  }

  @Test("a log without timestamps is read with unknown durations")
  func plainText() {
    let job = Parsing.job("building\nCache Key: k\nCACHE MISS\ndone\n")
    #expect(job.steps.count == 1)
    #expect(job.steps[0].kind == .output)
    #expect(job.duration == nil)
    #expect(job.steps[0].duration == nil)
    #expect(job.reported.keys == ["k"])
    #expect(job.reported.misses == 1)
    #expect(job.diagnostics.contains { $0.message.contains("no line has a runner timestamp") })
    #expect(!job.isPartial)
  }

  @Test("multi-line inputs continue on lines without a timestamp")
  func multiLineInput() {
    let log =
      Parsing.timestamped(
        """
        ##[group]Run actions/cache@v4
        with:
          path: ~/.cargo
        |~/target
        |
          key: Linux-cargo-abc
          restore-keys: Linux-cargo-
        |Linux-
        |
        env:
          CARGO_TERM_COLOR: always
        ##[endgroup]
        Cache not found for input keys: Linux-cargo-abc, Linux-cargo-, Linux-
        """)
    let events = Parsing.events(Array(log.utf8), chunkSize: nil)
    let inputs = events.compactMap { event -> String? in
      if case .input(let name, let value, _) = event { return "\(name)=\(value)" }
      return nil
    }
    #expect(
      inputs == [
        "path=~/.cargo\n~/target", "key=Linux-cargo-abc", "restore-keys=Linux-cargo-\nLinux-",
      ])
    let job = Parsing.job(log)
    #expect(job.restores.first?.restoreKeys == ["Linux-cargo-", "Linux-"])
    #expect(job.restores.first?.outcome == .miss)
  }

  @Test("rust-cache's own Restore Key and Cache Key lines are its keys, not echoes")
  func rustCacheKeys() {
    let log = Parsing.timestamped(
      """
      ##[group]Run Swatinem/rust-cache@v2
      ##[endgroup]
      ##[group]Cache Configuration
      Cache Provider: github
      Restore Key:
          v0-rust-test-Linux-x64-abc
      Cache Key:
          v0-rust-test-Linux-x64-abc-def
      ##[endgroup]

      ... Restoring cache ...
      Restored from cache key "v0-rust-test-Linux-x64-abc-0123" full match: false.
      """)
    let job = Parsing.job(log)
    #expect(job.reported.keys.isEmpty)
    let restore = job.restores.first
    #expect(restore?.primaryKey == "v0-rust-test-Linux-x64-abc-def")
    #expect(restore?.restoreKeys == ["v0-rust-test-Linux-x64-abc"])
    #expect(restore?.outcome == .fallbackHit)
    #expect(restore?.fallbackLevel == 1)
    #expect(restore?.action == "Swatinem/rust-cache")
  }

  @Test("a line over the cap is cut with a diagnostic, and reading goes on")
  func longLine() {
    var parser = GitHubLogParser(source: "big.log", options: .init(maximumLineLength: 64))
    let line =
      Array("2025-10-04T14:00:00.0000000Z ".utf8) + [UInt8](repeating: 0x78, count: 1000) + [0x0A]
    var events = parser.feed(line + Array("2025-10-04T14:00:01.0000000Z Cache Key: after\n".utf8))
    events += parser.finish()
    #expect(events.contains(.reportedKey("after", line: 2)))
    #expect(
      events.contains {
        if case .diagnostic(let diagnostic) = $0 {
          return diagnostic.line == 1 && diagnostic.message.contains("longer than 64")
        }
        return false
      })
  }

  @Test("empty and binary inputs give a report with a diagnostic")
  func badInputs() {
    let empty = JobRun(parsingLog: [UInt8](), source: "empty.log")
    #expect(empty.diagnostics.map(\.message) == ["empty input"])
    let binary = JobRun(
      parsingLog: [0x7F, 0x45, 0x4C, 0x46, 0, 1, 2, 0x0A, 0xFF, 0xFE], source: "a.out")
    #expect(binary.diagnostics.contains { $0.severity == .error && $0.message.contains("binary") })
  }

  @Test("invalid UTF-8 in a key is repaired, not fatal")
  func invalidUTF8() {
    let bytes = Array("2025-10-04T14:00:00.0000000Z Cache Key: ab".utf8) + [0xC3, 0x28] + [0x0A]
    let job = JobRun(parsingLog: bytes)
    #expect(job.reported.keys == ["ab\u{FFFD}("])
    #expect(job.diagnostics.contains { $0.message.contains("invalid UTF-8") })
  }

  @Test(
    "a header's uses text gives owner/repo",
    arguments: [
      ("actions/cache@v4", "actions/cache"),
      ("actions/cache/restore@v4", "actions/cache"),
      (
        "nix-community/cache-nix-action@135667ec418502fa5a3598af6fb9eb733888ce6a",
        "nix-community/cache-nix-action"
      ),
      ("./.github/actions/setup", "./.github/actions/setup"),
      ("docker://alpine:3", "docker://alpine:3"),
      ("echo hello@world", nil),
      ("cargo test", nil),
    ] as [(String, String?)])
  func actionReference(uses: String, expected: String?) {
    let bytes = Array(uses.utf8)
    let parsed = bytes.withUnsafeBufferPointer { GitHubLogParser.actionReference($0) }
    #expect(parsed == expected)
  }
}

@Suite("GitHubLogParser limits")
struct GitHubLogParserLimitTests {
  @Test("a 100 MB line is cut at 1 MiB; memory stays bounded and the next line is read")
  func hundredMegabyteLine() {
    var parser = GitHubLogParser(source: "huge.log")
    var events = parser.feed(Array("2025-10-04T14:00:00.0000000Z ##[group]Run ./giant.sh\n".utf8))
    events += parser.feed(
      Array("2025-10-04T14:00:00.0000000Z ##[endgroup]\n2025-10-04T14:00:01.0000000Z ".utf8))
    let chunk = [UInt8](repeating: UInt8(ascii: "x"), count: 64 * 1024)
    var peak = 0
    for _ in 0..<1600 {
      events += parser.feed(chunk)
      peak = max(peak, parser.bufferedByteCount)
    }
    events += parser.feed(Array("\n2025-10-04T14:00:02.0000000Z Cache Key: after-the-giant\n".utf8))
    events += parser.finish()
    #expect(peak <= 1 << 20)
    #expect(events.contains(.reportedKey("after-the-giant", line: 4)))
    let cuts = events.filter {
      if case .diagnostic(let diagnostic) = $0 { return diagnostic.message.contains("longer than") }
      return false
    }
    #expect(cuts.count == 1)
  }
}
