import Testing

@testable import RunLens

/// Cases found in review: each once gave a figure a careful reader would not count.
@Suite("Regressions from review")
struct ReviewRegressionTests {
  static let setUp = "Current runner version: '2.329.0'\nComplete job name: j\n"

  static func job(_ body: String) -> JobRun {
    Parsing.job(Parsing.timestamped(setUp + body + "\nCleaning up orphan processes"))
  }

  @Test("a fold left open by a failing step does not swallow the steps after it")
  func unclosedFold() {
    let job = Self.job(
      """
      ##[group]Run make
      \u{1B}[36;1mmake\u{1B}[0m
      shell: /usr/bin/bash -e {0}
      ##[endgroup]
      ##[group]Building
      ##[error]Process completed with exit code 2.
      ##[group]Run actions/cache@v4
      with:
        key: Linux-abc
      ##[endgroup]
      Cache not found for input keys: Linux-abc
      ##[group]Run echo "CACHE HIT"
      \u{1B}[36;1mecho "CACHE HIT"\u{1B}[0m
      shell: /usr/bin/bash -e {0}
      ##[endgroup]
      CACHE MISS
      """)
    #expect(
      job.steps.map(\.name) == [
        "Set up job", "Run make", "Run actions/cache@v4", "Run echo \"CACHE HIT\"", "Complete job",
      ])
    #expect(job.restores.map(\.step) == ["Run actions/cache@v4"])
    #expect(job.reported.hits == 0)
    #expect(job.reported.misses == 1)
  }

  @Test("a fold a step prints itself, named Run …, is output, not a step")
  func stepPrintedRunFold() {
    let job = Self.job(
      """
      ##[group]Run ./ci/status.sh
      \u{1B}[36;1m./ci/status.sh\u{1B}[0m
      shell: /usr/bin/bash -e {0}
      ##[endgroup]
      ##[group]Run cache status
      🔑 Cache Key: abc
      CACHE HIT
      ##[endgroup]
      """)
    #expect(job.steps.map(\.name) == ["Set up job", "Run ./ci/status.sh", "Complete job"])
    #expect(job.steps[1].kind == .script)
    #expect(job.reported.keys == ["abc"])
    #expect(job.reported.hits == 1)
  }

  @Test("Cache hit for: followed by a failed download is an error, not an exact hit")
  func failedDownload() {
    let job = Self.job(
      """
      ##[group]Run actions/cache@v4
      with:
        key: Linux-abc
      ##[endgroup]
      Cache hit for: Linux-abc
      Received 100 of 1000 (10.0%), 0.1 MBs/sec
      ##[warning]Failed to restore: Aborting cache download as the download time exceeded the timeout.
      Cache not found for input keys: Linux-abc, Linux-
      """)
    #expect(job.restores.map(\.outcome) == [.error])
    #expect(job.restores.first?.sizeBytes == nil)
  }

  @Test("setup-* misses count, whatever the capital letter or the annotation")
  func setupMisses() {
    let job = Self.job(
      """
      ##[group]Run actions/setup-go@v5
      with:
        go-version: 1.22
        cache: true
      ##[endgroup]
      Cache is not found
      ##[group]Run actions/setup-node@v3
      with:
        cache: npm
      ##[endgroup]
      ##[warning]npm cache is not found
      """)
    #expect(job.restores.map(\.outcome) == [.miss, .miss])
    #expect(RunReport(jobs: [job]).totals.hitRate == 0)
  }

  @Test("generic words in other steps make no phantom restore")
  func noPhantomRestores() {
    let job = Self.job(
      """
      ##[group]Run ./scripts/restore-assets.sh
      \u{1B}[36;1m./scripts/restore-assets.sh\u{1B}[0m
      shell: /usr/bin/bash -e {0}
      ##[endgroup]
      No cache found.
      Restore Key:
          v0-something
      ##[group]Run nix-community/cache-nix-action/save@v6
      with:
        primary-key: nix-Linux-abc
      ##[endgroup]
      Saving a new cache with the key "nix-Linux-abc".
      Saved the new cache.
      """)
    #expect(job.restores.isEmpty)
    #expect(job.saves.map(\.outcome) == [.saved])
    #expect(job.diagnostics.isEmpty)
  }

  @Test("cache-nix-action: the primary key missed and no prefixes configured is a miss")
  func nixMissWithoutPrefixes() {
    let job = Self.job(
      """
      ##[group]Run nix-community/cache-nix-action@v6
      with:
        primary-key: nix-Linux-abc
      ##[endgroup]
      Searching for a cache with the key "nix-Linux-abc".
      Could not find a cache with the given "primary-key" and "paths".
      """)
    #expect(job.restores.map(\.outcome) == [.miss])
  }

  @Test("setup-node on the v1 cache service: Cache restored from key is an exact hit")
  func setupNodeV1() {
    let job = Self.job(
      """
      ##[group]Run actions/setup-node@v4
      with:
        cache: npm
      ##[endgroup]
      Received 1000 of 1000 (100.0%), 1.0 MBs/sec
      Cache Size: ~0 MB (1000 B)
      Cache restored successfully
      Cache restored from key: node-cache-Linux-x64-npm-abc
      """)
    #expect(job.restores.map(\.outcome) == [.exactHit])
    #expect(job.restores.first?.primaryKey == "node-cache-Linux-x64-npm-abc")
  }

  @Test("rust-cache lookup-only: Found cache key is a hit")
  func rustLookupOnly() {
    let job = Self.job(
      """
      ##[group]Run Swatinem/rust-cache@v2
      with:
        lookup-only: true
      ##[endgroup]
      ##[group]Cache Configuration
      Restore Key:
          v0-rust-abc
      Cache Key:
          v0-rust-abc-123
      ##[endgroup]
      ... Checking cache ...
      Found cache key "v0-rust-abc-123" full match: true.
      """)
    #expect(job.restores.map(\.outcome) == [.exactHit])
  }

  @Test("a blank first line does not lose the job's times")
  func blankFirstLine() {
    let log = "\u{FEFF}\n" + Parsing.timestamped(Self.setUp + "Cleaning up orphan processes")
    let job = Parsing.job(log)
    #expect(job.steps.first?.kind == .setup)
    #expect(job.duration?.milliseconds == 2000)
  }

  @Test("the partial banner stays small with many long job names")
  func partialBanner() {
    let jobs = (0..<25).map { index in
      JobRun(name: String(repeating: "|", count: 9000) + "\(index)", isPartial: true)
    }
    let text = MarkdownSummary.render(RunReport(jobs: jobs), options: .init(byteBudget: 60_000))
    #expect(text.utf8.count <= 60_000)
    #expect(text.contains("Partial report"))
    #expect(text.contains("| Job |"))
  }
}
