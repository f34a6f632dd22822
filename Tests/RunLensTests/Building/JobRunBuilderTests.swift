import Testing

@testable import RunLens

@Suite("JobRunBuilder")
struct JobRunBuilderTests {
  static func cacheStep(_ header: String, _ body: String) -> JobRun {
    Parsing.job(Parsing.timestamped(header + "\n##[endgroup]\n" + body))
  }

  @Test("actions/cache: exact hit on the primary key")
  func exactHit() throws {
    let job = Self.cacheStep(
      "##[group]Run actions/cache@v4\nwith:\n  key: k-1\n  restore-keys: k-",
      "Cache hit for: k-1\nReceived 10 of 10 (100.0%), 0.0 MBs/sec\nCache Size: ~0 MB (10 B)\nCache restored from key: k-1"
    )
    let restore = try #require(job.restores.first)
    #expect(restore.outcome == .exactHit)
    #expect(restore.fallbackLevel == 0)
    #expect(restore.sizeBytes == 10)
  }

  @Test(
    "actions/cache: a restored key other than the primary is a fallback at its restore key's level")
  func fallbackLevel() throws {
    let job = Self.cacheStep(
      "##[group]Run actions/cache@v4\nwith:\n  key: Linux-main-abc\n  restore-keys: Linux-main-\n|Linux-\n|",
      "Cache hit for restore-key: Linux-release-1\nReceived 7 of 9 (77.8%), 0.0 MBs/sec\nReceived 9 of 9 (100.0%), 0.0 MBs/sec\nCache restored from key: Linux-release-1"
    )
    let restore = try #require(job.restores.first)
    #expect(restore.outcome == .fallbackHit)
    #expect(restore.fallbackLevel == 2)
    #expect(restore.restoredKey == "Linux-release-1")
    #expect(restore.sizeBytes == 9)
  }

  @Test(
    "cache-nix-action: the toolkit's Cache hit for: inside a fallback download is not an exact hit")
  func nixToolkitTrap() throws {
    let job = Self.cacheStep(
      "##[group]Run nix-community/cache-nix-action@v6\nwith:\n  primary-key: nix-a-b\n  restore-prefixes-first-match: nix-a-\n|nix-\n|",
      """
      Searching for a cache with the key "nix-a-b".
      Could not find a cache with the given "primary-key" and "paths".
      Searching for a cache using the "restore-prefixes-first-match":
      ["nix-a-","nix-"]
      Cache hit for restore-key: nix-old
      Found a cache using the "restore-prefixes-first-match".
      Restoring a cache with the key "nix-old".
      ##[group]Logs produced while restoring a cache.
      Cache hit for: nix-old
      Cache Size: ~1 MB (1048576 B)
      ##[endgroup]
      """)
    let restore = try #require(job.restores.first)
    #expect(restore.outcome == .fallbackHit)
    #expect(restore.restoredKey == "nix-old")
    #expect(restore.fallbackLevel == 2)
    #expect(restore.restoreKeys == ["nix-a-", "nix-"])
  }

  @Test("a failed restore is an error with its message")
  func restoreError() throws {
    let job = Self.cacheStep(
      "##[group]Run actions/cache@v4\nwith:\n  key: k",
      "##[warning]Failed to restore: Cache service responded with 422\nCache not found for input keys: k"
    )
    #expect(job.restores.first?.outcome == .error)
    #expect(job.restores.first?.message == "Cache service responded with 422")
  }

  @Test("saves: skipped, saved with the last Sent size, failed on a reservation conflict")
  func saves() throws {
    let log = Parsing.timestamped(
      """
      Current runner version: '2.328.0'
      ##[group]Run actions/cache@v4
      with:
        key: a
      ##[endgroup]
      Cache not found for input keys: a
      ##[group]Run actions/cache@v4
      with:
        key: b
      ##[endgroup]
      Cache not found for input keys: b
      ##[group]Run actions/cache@v4
      with:
        key: c
      ##[endgroup]
      Cache restored from key: c
      Post job cleanup.
      Cache hit occurred on the primary key c, not saving cache.
      Post job cleanup.
      Failed to save: Unable to reserve cache with key b, another job may be creating this cache.
      Post job cleanup.
      Sent 5 of 20 (25.0%), 1.0 MBs/sec
      Sent 20 of 20 (100.0%), 1.0 MBs/sec
      Cache saved with key: a
      Cleaning up orphan processes
      """)
    let job = Parsing.job(log)
    #expect(job.saves.map(\.outcome) == [.skipped, .failed, .saved])
    #expect(job.saves.map(\.key) == ["c", "b", "a"])
    #expect(job.saves[1].reservationConflict)
    #expect(job.saves[2].sizeBytes == 20)
    #expect(
      job.steps.filter { $0.kind == .post }.map(\.name)
        == Array(repeating: "Post Run actions/cache@v4", count: 3))
  }

  @Test("a cache step that prints no outcome is an unknown restore with a warning")
  func silentCacheStep() {
    let job = Self.cacheStep("##[group]Run actions/cache@v4\nwith:\n  key: k", "nothing here")
    #expect(job.restores.map(\.outcome) == [.unknown])
    #expect(job.diagnostics.contains { $0.message.contains("printed no cache outcome") })
  }

  @Test("a log that stops before 'Cleaning up orphan processes' is partial")
  func partial() {
    let job = Parsing.job(
      Parsing.timestamped(
        "Current runner version: '2.328.0'\n##[group]Run cargo test\n##[endgroup]\nrunning 3 tests")
    )
    #expect(job.isPartial)
    #expect(RunReport(jobs: [job]).isPartial)
  }
}
