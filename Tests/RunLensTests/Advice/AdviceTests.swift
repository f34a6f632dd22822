import Testing

@testable import RunLens

@Suite("Advice")
struct AdviceTests {
  static let now = LogTime(
    text: "2025-10-08T00:00:00Z", nanosecondsSinceEpoch: 1_759_881_600_000_000_000)

  static func restore(_ outcome: CacheRestore.Outcome, level: Int? = nil, seconds: Int64 = 10)
    -> CacheRestore
  {
    CacheRestore(
      step: "Cache", action: "actions/cache", primaryKey: "k", restoreKeys: ["a-", "b-", "c-"],
      outcome: outcome,
      fallbackLevel: level, sizeBytes: 2_000_000_000, duration: .seconds(seconds), line: 1)
  }

  @Test("a healthy run gets no advice")
  func silentReport() {
    let job = JobRun(
      name: "j", restores: [Self.restore(.exactHit, level: 0), Self.restore(.exactHit, level: 0)])
    #expect(Advice.forReport(RunReport(jobs: [job])).isEmpty)
  }

  @Test("each report rule fires on its evidence")
  func reportRules() {
    let never = JobRun(
      name: "j", restores: [Self.restore(.fallbackHit, level: 1), Self.restore(.miss)])
    #expect(Advice.forReport(RunReport(jobs: [never])).map(\.id) == ["primary-key-never-hits"])
    let deep = JobRun(
      name: "j",
      restores: [
        Self.restore(.exactHit, level: 0), Self.restore(.fallbackHit, level: 3),
        Self.restore(.fallbackHit, level: 2),
      ])
    #expect(Advice.forReport(RunReport(jobs: [deep])).map(\.id) == ["deep-fallback"])
    let slow = JobRun(name: "j", restores: [Self.restore(.exactHit, level: 0, seconds: 400)])
    let slowAdvice = Advice.forReport(RunReport(jobs: [slow]))
    #expect(slowAdvice.map(\.id) == ["slow-restore"])
    #expect(slowAdvice.first?.message.contains("6m 40s") ?? false)
    let conflict = JobRun(
      name: "j",
      saves: [
        CacheSave(
          step: "Post", action: nil, key: "k", outcome: .failed, reservationConflict: true, line: 1)
      ])
    #expect(
      Advice.forReport(RunReport(jobs: [conflict])).map(\.id) == ["save-reservation-conflicts"])
  }

  @Test("a healthy cache budget gets no advice; an unhealthy one gets every rule that applies")
  func budgetRules() {
    let fresh = (0..<3).map {
      CacheEntry(
        id: Int64($0), key: "Linux-cargo-\($0)", ref: "refs/heads/main", sizeBytes: 100_000_000,
        lastAccessedAt: Self.now)
    }
    #expect(
      Advice.forBudget(CacheBudget(entries: fresh, limitBytes: 10_000_000_000, asOf: Self.now))
        .isEmpty)
    let old = LogTime(parsingISO8601: "2025-09-01T00:00:00Z")
    let heavy = [
      CacheEntry(
        id: 1, key: "big-deadbeefcafe", ref: "refs/pull/3/merge", sizeBytes: 6_000_000_000,
        lastAccessedAt: old),
      CacheEntry(
        id: 2, key: "big-0123456789ab", ref: "refs/heads/main", sizeBytes: 5_000_000_000,
        lastAccessedAt: Self.now),
    ]
    let ids = Advice.forBudget(
      CacheBudget(entries: heavy, limitBytes: 10_000_000_000, asOf: Self.now)
    ).map(\.id)
    #expect(ids == ["over-limit", "idle-entries", "family-over-allocation", "pull-request-caches"])
  }

  @Test(
    "key families strip hashes and the variable last part",
    arguments: [
      (
        "nix-v3-deps-3f9a1c07be52d4e8-8c21e4f06a9b7d13-Linux-stable-unit",
        "nix-v3-deps-…-Linux-stable-*"
      ),
      ("nix-v3-deps-3f9a1c07be52d4e8-8c21e4f06a9b7d13", "nix-v3-deps-…"),
      (
        "Linux-cargo-7178ca9c8839fb44a97fa8543381decd2c72a1806a30afab94615d0c3bfd9b8b",
        "Linux-cargo-…"
      ),
      ("node-cache-Linux-x64-npm-80024567bc8277c04ccd39e78a7983c6", "node-cache-Linux-x64-npm-…"),
      ("plain-key", "plain-key"),
    ])
  func families(key: String, family: String) {
    #expect(CacheBudget.family(of: key) == family)
  }

  @Test(
    "sizes",
    arguments: [
      ("10GB", 10_000_000_000), ("10GiB", 10_737_418_240), ("2.5 G", 2_500_000_000), ("123", 123),
    ] as [(String, Int64)])
  func sizes(text: String, bytes: Int64) {
    #expect(ByteSize.parse(text) == bytes)
  }
}

@Suite("Configuration")
struct ConfigurationTests {
  @Test("values are read and checked")
  func values() throws {
    let configuration = try Configuration(
      json: Array(
        #"{"targets":{"cacheHitRate":0.9,"restoreTimeSeconds":120,"prBuildTimeReduction":0.25},"budget":{"limit":"10GiB","allocations":[{"match":"*","bytesPerKey":"500MB"}]}}"#
          .utf8))
    #expect(configuration.targets.cacheHitRate == 0.9)
    #expect(configuration.targets.restoreTime == .seconds(120))
    #expect(configuration.targets.prBuildTimeReduction == 0.25)
    #expect(configuration.limitBytes == 10_737_418_240)
    #expect(configuration.allocations.map(\.bytesPerKey) == [500_000_000])
  }

  @Test(
    "an unknown key or a bad value is a clear error",
    arguments: [
      (#"{"target":{}}"#, "unknown key \"target\""),
      (#"{"targets":{"hitRate":0.9}}"#, "unknown key \"hitRate\" in targets"),
      (#"{"targets":{"cacheHitRate":1.5}}"#, "cacheHitRate must be from 0 to 1"),
      (#"{"budget":{"limit":"lots"}}"#, "budget.limit is not a size"),
      (#"{"targets":{"cacheHitRate":"high"}}"#, "bad value at targets.cacheHitRate"),
    ])
  func errors(json: String, message: String) {
    #expect {
      try Configuration(json: Array(json.utf8))
    } throws: { error in
      (error as? Configuration.ParseError)?.message.contains(message) ?? false
    }
  }
}

@Suite("Statistics")
struct StatisticsTests {
  @Test("median, p90, min, max")
  func summary() {
    let stats = Statistics.summary([5, 1, 4, 2, 3, 10, 9, 8, 7, 6])
    #expect(stats == Statistics.Summary(median: 6, p90: 9, min: 1, max: 10))
    #expect(Statistics.summary([3])?.median == 3)
  }

  @Test("exact Mann-Whitney p-values for small samples")
  func exact() throws {
    let test = try #require(Statistics.mannWhitney([10, 11, 12], [1, 2, 3]))
    #expect(test.isExact)
    #expect(test.pSecondSmaller == 0.05)
    #expect(test.pTwoSided == 0.1)
    let tied = try #require(Statistics.mannWhitney([5, 5, 5], [5, 5, 5]))
    #expect(tied.pTwoSided == 1)
  }

  @Test("the normal approximation for larger samples")
  func approximation() throws {
    let first = (0..<15).map { Int64(100 + $0) }
    let second = (0..<15).map { Int64(50 + $0) }
    let test = try #require(Statistics.mannWhitney(first, second))
    #expect(!test.isExact)
    #expect(test.pSecondSmaller < 0.001)
  }

  @Test("a reservation conflict is explained by the evidence, and names its job among several")
  func reservationConflicts() {
    let failedSave = CacheSave(
      step: "Save", action: "actions/cache/save", key: "k", outcome: .failed,
      reservationConflict: true, line: 9)
    let exact = JobRun(
      name: "unit",
      restores: [
        CacheRestore(
          step: "Restore", action: "actions/cache/restore", primaryKey: "k", outcome: .exactHit,
          line: 2)
      ], saves: [failedSave])
    let alone = Advice.forReport(RunReport(jobs: [exact]))
    #expect(alone.map(\.id) == ["save-reservation-conflicts"])
    #expect(alone.first?.message.contains("already existed") ?? false)
    #expect(!(alone.first?.message.contains("concurrent") ?? true))
    #expect(!(alone.first?.message.contains("In job") ?? true))

    let saver = JobRun(
      name: "lint",
      saves: [CacheSave(step: "Post", action: nil, key: "k", outcome: .saved, line: 3)])
    let racing = JobRun(name: "unit", saves: [failedSave])
    let both = Advice.forReport(RunReport(jobs: [racing, saver]))
    #expect(both.first?.message.hasPrefix("In job unit, ") ?? false)
    #expect(both.first?.message.contains("concurrent jobs") ?? false)
    #expect(both.first?.message.contains("lint") ?? false)

    let unknown = Advice.forReport(RunReport(jobs: [racing]))
    #expect(unknown.first?.message.contains("another run") ?? false)
  }
}
