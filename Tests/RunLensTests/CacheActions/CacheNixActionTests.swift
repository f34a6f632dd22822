import Testing

@testable import RunLens

@Suite("CacheNixAction")
struct CacheNixActionTests {
  static let header =
    "##[group]Run nix-community/cache-nix-action@v6\nwith:\n  primary-key: nix-a-b\n  restore-prefixes-first-match: nix-a-"

  @Test(
    "its lines are recognised with their values",
    arguments: [
      ("Searching for a cache with the key \"nix-a-b\".", CacheLine.nixSearching("nix-a-b")),
      ("Found a cache with the given \"primary-key\".", .nixFoundPrimary),
      (
        "Could not find a cache with the given \"primary-key\" and \"paths\".",
        .nixPrimaryNotFound
      ),
      ("Found a cache using the \"restore-prefixes-first-match\".", .nixFoundPrefix),
      ("Could not find a cache.", .nixNotFound),
      ("Restoring a cache with the key \"nix-old\".", .nixRestoring("nix-old")),
      ("Failed to restore the cache.", .nixRestoreFailed),
      ("Trying to save a new cache with the key \"nix-a-b\".", .nixTryingToSave("nix-a-b")),
      ("Cache hit occurred on the \"primary-key\".", .nixNotSaving),
      ("Not saving a new cache.", .nixNotSaving),
      ("Current store size in bytes: 123456.", .nixStoreSize(123_456)),
      ("Maximum allowed store size in bytes: 999 (999 B).", .nixMaxStoreSize(999)),
      ("Collecting garbage.", .nixCollectingGarbage),
      ("Saving a new cache with the key \"nix-a-b\".", .nixSaving("nix-a-b")),
      ("Saved the new cache.", .nixSaved),
      ("Saved a new cache.", .nixSaved),
      ("Could not save the new cache.", .nixSaveFailed),
    ])
  func lines(message: String, expected: CacheLine) {
    #expect(CacheLineSupport.line(message) == expected)
  }

  @Test("the prefixes' announcement expects the JSON array on the next line")
  func prefixesFollowUp() throws {
    let match = try #require(
      CacheLineSupport.match("Searching for a cache using the \"restore-prefixes-first-match\":"))
    #expect(match.line == nil)
    #expect(match.expects == CacheNixAction.prefixesFollowUp)
    let events = Parsing.events(
      Array(
        Parsing.timestamped(
          Self.header
            + "\n##[endgroup]\nSearching for a cache using the \"restore-prefixes-first-match\":\n[\"nix-a-\",\"nix-\\u0041\"]\n[\"not\",\"announced\"]"
        ).utf8), chunkSize: 7)
    let prefixes = events.compactMap { event -> [String]? in
      if case .cache(.nixPrefixes(let list), _) = event { return list }
      return nil
    }
    #expect(prefixes == [["nix-a-", "nix-A"]])
  }

  @Test("a hit on the primary key, then a save with the store collected")
  func exactHitAndSave() throws {
    let job = CacheLineSupport.job(
      Self.header,
      """
      Searching for a cache with the key "nix-a-b".
      Found a cache with the given "primary-key".
      Restoring a cache with the key "nix-a-b".
      Cache Size: ~2 MB (2097152 B)
      """,
      post: """
        Trying to save a new cache with the key "nix-a-c".
        Current store size in bytes: 5000.
        Maximum allowed store size in bytes: 4000.
        Collecting garbage.
        Current store size in bytes: 3000.
        Saving a new cache with the key "nix-a-c".
        Sent 3000 of 3000 (100.0%), 1.0 MBs/sec
        Saved the new cache.
        """)
    let restore = try #require(job.restores.first)
    #expect(restore.outcome == .exactHit)
    #expect(restore.restoredKey == "nix-a-b")
    #expect(restore.sizeBytes == 2_097_152)
    let save = try #require(job.saves.first)
    #expect(save.outcome == .saved)
    #expect(save.key == "nix-a-c")
    #expect(save.action == CacheNixAction.name)
    #expect(
      save.nixStore
        == CacheSave.NixStore(
          sizeBeforeBytes: 5000, sizeAfterBytes: 3000, maxSizeBytes: 4000, collectedGarbage: true))
  }

  @Test("a miss, and a failure that wins over the word saved")
  func missAndFailedSave() throws {
    let job = CacheLineSupport.job(
      Self.header,
      "Could not find a cache with the given \"primary-key\" and \"paths\".\nCould not find a cache.",
      post:
        "Saving a new cache with the key \"nix-a-b\".\nSaved the new cache.\nCould not save the new cache."
    )
    #expect(job.restores.first?.outcome == .miss)
    let save = try #require(job.saves.first)
    #expect(save.outcome == .failed)
    #expect(save.message == "could not save the new cache")
  }

  @Test("a failed restore is an error with the toolkit's message when there is one")
  func failedRestore() throws {
    let job = CacheLineSupport.job(
      Self.header,
      "Restoring a cache with the key \"nix-a-b\".\nFailed to restore: socket hang up\nFailed to restore the cache."
    )
    let restore = try #require(job.restores.first)
    #expect(restore.outcome == .error)
    #expect(restore.message == "socket hang up")
  }

  @Test("the family's action and sub-actions")
  func actions() {
    #expect(CacheActions.Family(action: CacheNixAction.name) == .nix)
    #expect(CacheNixAction.restores(stepName: "Run nix-community/cache-nix-action/restore@v6"))
    #expect(!CacheNixAction.restores(stepName: "Run nix-community/cache-nix-action/save@v6"))
    #expect(!CacheNixAction.hasPostStep(stepName: "Run nix-community/cache-nix-action/save@v6"))
    #expect(CacheNixAction.hasPostStep(stepName: "Run nix-community/cache-nix-action@v6"))
  }
}
