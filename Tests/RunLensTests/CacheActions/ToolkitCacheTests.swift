import Testing

@testable import RunLens

@Suite("ToolkitCache")
struct ToolkitCacheTests {
  @Test(
    "its lines are recognised with their values",
    arguments: [
      ("Cache hit for: k-1", CacheLine.toolkitHit("k-1")),
      ("Cache hit for restore-key: k-", .toolkitRestoreKeyHit("k-")),
      ("Cache restored from key: k-1 ", .restoredFromKey("k-1")),
      ("Cache found and can be restored from key: k-2", .foundRestorable("k-2")),
      ("Cache not found for input keys: a, b,  c", .notFound(["a", "b", "c"])),
      ("Cache not found for keys: a", .notFound(["a"])),
      ("Cache Size: ~1 MB (1048576 B)", .size(1_048_576)),
      ("Received 5 of 10 (50.0%), 0.1 MBs/sec", .received(5, of: 10)),
      ("Sent 10 of 10 (100.0%), 0.1 MBs/sec", .sent(10, of: 10)),
      ("Cache hit occurred on the primary key k-1, not saving cache.", .savePrimaryHit("k-1")),
      ("Cache saved with key: k-1", .savedWithKey("k-1")),
      ("Cache saved with the key: node-k", .savedWithKey("node-k")),
      ("Cache saved successfully", .savedSuccessfully),
      ("Failed to restore: socket hang up", .restoreFailed("socket hang up")),
      (
        "Failed to restore cache entry. Exiting as fail-on-cache-miss is set. Input key: k-1",
        .notFound(["k-1"])
      ),
      ("[warning]Cache not found for keys: a, b", .notFound(["a", "b"])),
      (
        "Path Validation Error: Path(s) specified in the action for caching do(es) not exist",
        .saveFailed(
          "Path Validation Error: Path(s) specified in the action for caching do(es) not exist",
          key: nil, reservation: false)
      ),
    ])
  func lines(message: String, expected: CacheLine) {
    #expect(CacheLineSupport.line(message) == expected)
  }

  @Test("a failed save keeps its key and tells a reservation conflict apart")
  func saveFailures() {
    let reserve = "Unable to reserve cache with key k-1, another job may be creating this cache."
    #expect(
      CacheLineSupport.line(reserve) == .saveFailed(reserve, key: "k-1", reservation: true))
    let failed = "Failed to save: Unable to finalize cache with key k-2"
    #expect(
      CacheLineSupport.line(failed)
        == .saveFailed("Unable to finalize cache with key k-2", key: "k-2", reservation: false))
  }

  @Test("lines that only look alike are not cache lines")
  func nearMisses() {
    #expect(CacheLineSupport.match("Cache Size: unknown") == nil)
    #expect(CacheLineSupport.match("Received a letter") == nil)
    #expect(CacheLineSupport.match("Compiling cache v1.0.0") == nil)
    #expect(CacheLineSupport.match("Cache") == nil)
    // A `##[warning]` annotation's text is matched, but not as a path validation error.
    #expect(
      CacheLineSupport.match("Path Validation Error: none", annotated: true) == nil)
  }

  @Test("actions/cache: a fallback hit on a restore key, then a save in the post step")
  func restoreThenSave() throws {
    let job = CacheLineSupport.job(
      "##[group]Run actions/cache@v4\nwith:\n  key: deps-b\n  restore-keys: deps-",
      "Cache hit for restore-key: deps-a\nReceived 20 of 20 (100.0%), 0.1 MBs/sec\nCache restored from key: deps-a",
      post: "Sent 30 of 30 (100.0%), 0.1 MBs/sec\nCache saved with key: deps-b")
    let restore = try #require(job.restores.first)
    #expect(restore.action == ToolkitCache.cache)
    #expect(restore.outcome == .fallbackHit)
    #expect(restore.fallbackLevel == 1)
    #expect(restore.sizeBytes == 20)
    let save = try #require(job.saves.first)
    #expect(save.outcome == .saved)
    #expect(save.key == "deps-b")
    #expect(save.sizeBytes == 30)
    #expect(save.action == ToolkitCache.cache)
  }

  @Test("setup-node: a restored key is an exact hit; its miss line gives no keys")
  func setupNode() throws {
    let hit = CacheLineSupport.job(
      "##[group]Run actions/setup-node@v4\nwith:\n  cache: npm",
      "Cache restored from key: node-cache-Linux-npm-abc")
    let restore = try #require(hit.restores.first)
    #expect(restore.outcome == .exactHit)
    #expect(restore.primaryKey == "node-cache-Linux-npm-abc")
    let miss = CacheLineSupport.job(
      "##[group]Run actions/setup-node@v4\nwith:\n  cache: npm", "npm cache is not found")
    #expect(miss.restores.first?.outcome == .miss)
  }

  @Test("setup-go restores only with cache: true; actions/cache/save does not restore")
  func restoresByInputs() {
    let off = CacheLineSupport.job("##[group]Run actions/setup-go@v5\nwith:\n  cache: false", "")
    #expect(off.restores.isEmpty)
    let on = CacheLineSupport.job("##[group]Run actions/setup-go@v5\nwith:\n  cache: true", "")
    #expect(on.restores.first?.outcome == .unknown)
    let save = CacheLineSupport.job(
      "##[group]Run actions/cache/save@v4\nwith:\n  key: k-1", "Cache saved with key: k-1")
    #expect(save.restores.isEmpty)
    #expect(save.saves.first?.outcome == .saved)
  }

  @Test("a failed download is an error even after the hit was announced")
  func failedDownload() throws {
    let job = CacheLineSupport.job(
      "##[group]Run actions/cache@v4\nwith:\n  key: k-1",
      "Cache hit for: k-1\n##[warning]Failed to restore: Cache service responded with 503")
    let restore = try #require(job.restores.first)
    #expect(restore.outcome == .error)
    #expect(restore.message == "Cache service responded with 503")
  }

  @Test("the family's actions and post steps")
  func actions() {
    for action in ToolkitCache.actions {
      #expect(CacheActions.Family(action: action) == .toolkit)
    }
    #expect(ToolkitCache.hasPostStep(ToolkitCache.cache, stepName: "Run actions/cache@v4"))
    #expect(
      !ToolkitCache.hasPostStep(ToolkitCache.cache, stepName: "Run actions/cache/restore@v4"))
    #expect(ToolkitCache.hasPostStep(ToolkitCache.setupGo, stepName: "Run actions/setup-go@v5"))
    #expect(ToolkitCache.usesOnlyPrimaryKey(ToolkitCache.setupPython))
    #expect(!ToolkitCache.usesOnlyPrimaryKey(ToolkitCache.cache))
    #expect(ToolkitCache.printsSetupMiss("actions/setup-ruby"))
    #expect(!ToolkitCache.printsSetupMiss(ToolkitCache.cache))
  }
}
