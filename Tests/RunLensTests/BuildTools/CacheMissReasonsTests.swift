import Testing

@testable import RunLens

@Suite("Cache miss reasons")
struct CacheMissReasonsTests {
  static func entry(_ key: String, _ ref: String) -> CacheEntry {
    CacheEntry(id: nil, key: key, ref: ref, sizeBytes: 10, lastAccessedAt: nil, createdAt: nil)
  }

  static func report(_ keys: [String]) -> RunReport {
    var job = JobRun(name: "job")
    job.restores = keys.enumerated().map { index, key in
      CacheRestore(
        step: "s\(index)", action: "actions/cache", primaryKey: key, outcome: .miss, line: index)
    }
    return RunReport(jobs: [job])
  }

  @Test("each reason from the listing and the run's ref")
  func reasons() {
    var report = Self.report([
      "Linux-cargo-1b0026f4fc2c9708", "Linux-npm-de4dfe6935ff88e9", "Linux-pip-f1d2381685277062",
    ])
    CacheMissReasons.apply(
      to: &report,
      entries: [
        Self.entry("Linux-cargo-a8e2031785e6acb4", "refs/heads/main"),
        Self.entry("Linux-npm-de4dfe6935ff88e9", "refs/heads/feature-x"),
        Self.entry("Linux-npm-077f799fafbc82bd", "refs/pull/12/merge"),
      ],
      ref: "refs/heads/topic")
    #expect(report.jobs[0].restores.map(\.missReason) == ["key-changed", "other-ref", "absent"])
    #expect(report.jobs[0].restores[0].missDetail?.contains("segment 2 (a hash)") == true)
  }

  @Test("the run's own ref is visible, another feature branch is not")
  func visibility() {
    #expect(CacheMissReasons.isVisible(entryRef: "refs/heads/x", from: "refs/heads/x"))
    #expect(CacheMissReasons.isVisible(entryRef: "refs/heads/main", from: "refs/pull/1/merge"))
    #expect(!CacheMissReasons.isVisible(entryRef: "refs/heads/x", from: "refs/heads/y"))
    #expect(
      CacheMissReasons.family("nix-v3-deps-5e2b90d1c47fa836-a917c3e0f25d4b68-Linux")
        == "nix-v3-deps")
    #expect(CacheMissReasons.family("Linux-build-stable") == "Linux-build")
  }
}
