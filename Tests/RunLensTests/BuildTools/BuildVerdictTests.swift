import Testing

@testable import RunLens

@Suite("Build verdict")
struct BuildVerdictTests {
  static func job(restores: [CacheRestore], cargo: CargoBuild?) -> JobRun {
    var job = JobRun(name: "job")
    job.restores = restores
    job.build = BuildEvidence(cargo: cargo)
    return job
  }

  @Test("an exact hit that still compiled dependencies gets its line and advice")
  func exactHitRebuilt() {
    var cargo = CargoBuild()
    cargo.compiled = 212
    cargo.compiledDependencies = 209
    cargo.compiledWorkspace = 3
    cargo.finished = .seconds(400)
    let restore = CacheRestore(
      step: "cache", action: "actions/cache", primaryKey: "k", outcome: .exactHit,
      duration: .seconds(10), line: 5)
    let job = Self.job(restores: [restore], cargo: cargo)
    #expect(
      BuildVerdict.line(job)
        == "exact hit · 212 crates compiled (209 dependencies) (cargo 6m 40s) · cache steps 10.0 s")
    #expect(BuildVerdict.advice(job).first?.contains("209 dependencies were compiled") == true)
    #expect(BuildVerdict.cacheOverhead(job) == .seconds(10))
  }

  @Test("several restores are counted, misses with their reasons")
  func several() {
    var miss = CacheRestore(step: "a", action: nil, primaryKey: "a", outcome: .miss, line: 1)
    miss.missReason = "absent"
    let misses = [
      miss, CacheRestore(step: "b", action: nil, primaryKey: "b", outcome: .miss, line: 2),
      CacheRestore(step: "c", action: nil, primaryKey: "c", outcome: .exactHit, line: 3),
    ]
    #expect(
      BuildVerdict.cachePart(Self.job(restores: misses, cargo: nil))
        == "2 misses, 1 exact hit (misses: absent)")
  }

  @Test("a job without caches or build tools has no verdict")
  func none() {
    #expect(BuildVerdict.line(JobRun(name: "x")) == nil)
  }

  @Test(
    "the advice's phrase test agrees with String.contains",
    arguments: [
      "the file `src/lib.rs` has changed (1700000000.0s, 1s after last build)",
      "the dependency `core` was rebuilt", "", "has change", "HAS CHANGED",
      "the file `src/é.rs` has changed", "the file has changed\u{301}", "xhas changedx",
    ])
  func says(reason: String) {
    #expect(BuildVerdict.says(reason, "has changed") == reason.contains("has changed"))
  }
}
