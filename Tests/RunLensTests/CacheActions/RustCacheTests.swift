import Testing

@testable import RunLens

@Suite("RustCache")
struct RustCacheTests {
  static let header = "##[group]Run Swatinem/rust-cache@v2\nwith:\n  shared-key: build"

  @Test(
    "its lines are recognised with their values",
    arguments: [
      (
        "Restored from cache key \"v0-rust-build-abc\" full match: true.",
        CacheLine.rustRestored("v0-rust-build-abc", fullMatch: true)
      ),
      (
        "Restored from cache key \"v0-rust-build-old\" full match: false.",
        .rustRestored("v0-rust-build-old", fullMatch: false)
      ),
      (
        "Found cache key \"v0-rust-build-abc\" full match: true.",
        .rustRestored("v0-rust-build-abc", fullMatch: true)
      ),
      ("No cache found.", .rustNoCacheFound),
      ("Cache up-to-date.", .rustUpToDate),
      ("... Saving cache ...", .rustSaving),
    ])
  func lines(message: String, expected: CacheLine) {
    #expect(CacheLineSupport.line(message) == expected)
  }

  @Test("a bare Restore Key: expects the key; one with a value is not the action's")
  func restoreKeyFollowUp() {
    #expect(CacheLineSupport.match("Restore Key:")?.expects == RustCache.restoreKeyFollowUp)
    #expect(CacheLineSupport.match("Restore Key: something") == nil)
  }

  @Test("keys on the next lines, a fallback restore, then a save after a complete upload")
  func restoreAndSave() throws {
    let job = CacheLineSupport.job(
      Self.header,
      """
      Cache Key:
      |  v0-rust-build-Linux-abc
      Restore Key:
      |  v0-rust-build-Linux-
      Restored from cache key "v0-rust-build-Linux-old" full match: false.
      """,
      post: "... Saving cache ...\nSent 40 of 40 (100.0%), 1.0 MBs/sec")
    let restore = try #require(job.restores.first)
    #expect(restore.action == RustCache.name)
    #expect(restore.primaryKey == "v0-rust-build-Linux-abc")
    #expect(restore.restoreKeys == ["v0-rust-build-Linux-"])
    #expect(restore.outcome == .fallbackHit)
    #expect(restore.fallbackLevel == 1)
    let save = try #require(job.saves.first)
    #expect(save.outcome == .saved)
    #expect(save.action == RustCache.name)
    #expect(save.key == "v0-rust-build-Linux-abc")
    #expect(save.sizeBytes == 40)
  }

  @Test("an up-to-date post step is a skipped save of the action")
  func upToDate() throws {
    let job = CacheLineSupport.job(
      Self.header, "No cache found.", post: "Cache up-to-date.")
    #expect(job.restores.first?.outcome == .miss)
    let save = try #require(job.saves.first)
    #expect(save.outcome == .skipped)
    #expect(save.action == RustCache.name)
  }

  @Test("its generic words do not count in another action's step")
  func genericWordsElsewhere() {
    let job = CacheLineSupport.job(
      "##[group]Run actions/checkout@v4\nwith:\n  fetch-depth: 1",
      "No cache found.\nRestore Key:\n  not-a-key")
    #expect(job.restores.isEmpty)
    #expect(
      !RustCache.counts(
        in: LogEvent.StepStart(
          kind: .action, name: "Run x", action: OtherActions.checkout, time: nil, line: 1)))
  }
}
