/// The numbers a history report reads of each run, kept small: names interned once, each run's
/// jobs, restores, saves, tests, steps and suites as flat arrays of fixed-size values.
///
/// ``HistoryReport`` is computed from a digest. A digest is made from ``HistoryRun`` values
/// (``init(runs:)``) or filled row by row from a store (``addRun(_:)`` and the `add…` methods,
/// then ``finish()``), so a report over many stored runs never holds them as ``HistoryRun``
/// values (about 5 KB each). Names compare as Swift strings compare (canonical equivalence),
/// however they are interned.
package struct HistoryDigest: Sendable {
  /// A run's identity, start and totals.
  package struct Run: Sendable, Hashable {
    /// The run's key (``HistoryRun/key``), the report's tie-break and fallback id.
    package var key: String
    /// The run id.
    package var runId: String?
    /// The commit.
    package var sha: String?
    /// The earliest job start, as text.
    package var startedAt: String?
    /// ``startedAt`` in milliseconds since the Unix epoch.
    package var startedAtMs: Int64?
    /// The branch (``HistoryRun/branch``).
    package var branch: String?
    /// The workflow's name.
    package var workflow: String?
    /// First job start to last job end, in milliseconds.
    package var wallMs: Int64?
    /// The sum of job durations, in milliseconds.
    package var computeMs: Int64?

    /// Creates a run's entry.
    package init(
      key: String, runId: String?, sha: String?, startedAt: String?, startedAtMs: Int64?,
      branch: String?, workflow: String?, wallMs: Int64?, computeMs: Int64?
    ) {
      self.key = key
      self.runId = runId
      self.sha = sha
      self.startedAt = startedAt
      self.startedAtMs = startedAtMs
      self.branch = branch
      self.workflow = workflow
      self.wallMs = wallMs
      self.computeMs = computeMs
    }
  }

  /// A job: its name and duration.
  package struct Job: Sendable, Hashable {
    /// The job's name (a ``names`` index).
    package var name: Int32
    /// The job's duration in milliseconds.
    package var durationMs: Int64?

    /// Creates a job's entry.
    package init(name: Int32, durationMs: Int64?) {
      self.name = name
      self.durationMs = durationMs
    }
  }

  /// A restore's outcome, as far as the report tells them apart.
  package enum RestoreOutcome: UInt8, Sendable, Hashable {
    /// A miss, an error or an unknown outcome.
    case other
    /// `fallback-hit`.
    case fallbackHit
    /// `exact-hit`.
    case exactHit

    /// The outcome of a restore's `outcome` text.
    package init(_ text: String) {
      self = text == "exact-hit" ? .exactHit : text == "fallback-hit" ? .fallbackHit : .other
    }
  }

  /// A cache restore.
  package struct Restore: Sendable, Hashable {
    /// The name of the job that restored (a ``names`` index).
    package var job: Int32
    /// The key family of the primary key (a ``names`` index), or -1 without a key.
    package var family: Int32
    /// The outcome.
    package var outcome: RestoreOutcome
    /// The restore step's duration in milliseconds.
    package var durationMs: Int64?

    /// Creates a restore's entry.
    package init(job: Int32, family: Int32, outcome: RestoreOutcome, durationMs: Int64?) {
      self.job = job
      self.family = family
      self.outcome = outcome
      self.durationMs = durationMs
    }

    /// Whether the restore hit, exactly or through a restore key.
    var isHit: Bool { outcome != .other }
  }

  /// A cache save that saved: its key family and size (other saves do not count in the report).
  package struct Save: Sendable, Hashable {
    /// The key family (a ``names`` index).
    package var family: Int32
    /// The saved size in bytes.
    package var sizeBytes: Int64

    /// Creates a save's entry.
    package init(family: Int32, sizeBytes: Int64) {
      self.family = family
      self.sizeBytes = sizeBytes
    }
  }

  /// A test's outcome, as far as the report tells them apart.
  package enum TestOutcome: UInt8, Sendable, Hashable {
    /// `passed`.
    case passed
    /// `skipped`.
    case skipped
    /// `flaky`.
    case flaky
    /// `failed` or `error`.
    case failed
    /// Anything else (failing, but neither flaky nor failed).
    case other

    /// The outcome of a test's `outcome` text.
    package init(_ text: String) {
      switch text {
      case "passed": self = .passed
      case "skipped": self = .skipped
      case "flaky": self = .flaky
      case "failed", "error": self = .failed
      default: self = .other
      }
    }

    /// Failed beats flaky beats the rest, within a run.
    var rank: Int {
      switch self {
      case .failed: 2
      case .flaky: 1
      default: 0
      }
    }

    /// Whether the test counts as failing for flips (anything but passed or skipped).
    var isFailing: Bool { self != .passed && self != .skipped }
  }

  /// A test named in a run's metrics.
  package struct Test: Sendable, Hashable {
    /// The suite (a ``names`` index).
    package var suite: Int32
    /// The test's name (a ``names`` index).
    package var name: Int32
    /// The outcome.
    package var outcome: TestOutcome
    /// The test's time in milliseconds.
    package var durationMs: Int64?

    /// Creates a test's entry.
    package init(suite: Int32, name: Int32, outcome: TestOutcome, durationMs: Int64?) {
      self.suite = suite
      self.name = name
      self.outcome = outcome
      self.durationMs = durationMs
    }
  }

  /// A step with a duration (steps without one do not count in the report).
  package struct Step: Sendable, Hashable {
    /// The name of the step's job (a ``names`` index).
    package var job: Int32
    /// The step's name (a ``names`` index).
    package var name: Int32
    /// The step's duration in milliseconds.
    package var durationMs: Int64

    /// Creates a step's entry.
    package init(job: Int32, name: Int32, durationMs: Int64) {
      self.job = job
      self.name = name
      self.durationMs = durationMs
    }
  }

  /// Values of one kind, grouped by run: run `r`'s are `elements[starts[r]..<starts[r + 1]]`.
  ///
  /// Values may be appended for runs in any order; ``finish(runs:)`` groups them by run,
  /// keeping each run's values in the order they came.
  package struct Grouped<Element: Sendable>: Sendable {
    /// The values, grouped by run once finished.
    package private(set) var elements: [Element] = []
    /// Each value's run while filling.
    private var owners: [Int32] = []
    /// Where each run's values start, and the end (one more than the runs) once finished.
    package private(set) var starts: [Int] = []

    /// An empty group.
    package init() {}

    /// Adds a value of run `run`.
    package mutating func append(_ element: Element, run: Int) {
      elements.append(element)
      owners.append(Int32(truncatingIfNeeded: run))
    }

    /// Groups the values by run (a stable counting sort; nothing moves when they came in order).
    package mutating func finish(runs: Int) {
      var counts = [Int](repeating: 0, count: runs + 1)
      var ordered = true
      var previous: Int32 = 0
      for owner in owners {
        counts[Int(owner) + 1] += 1
        if owner < previous { ordered = false }
        previous = owner
      }
      for run in 0..<runs { counts[run + 1] += counts[run] }
      if !ordered, let first = elements.first {
        var next = counts
        var sorted = [Element](repeating: first, count: elements.count)
        for (element, owner) in zip(elements, owners) {
          sorted[next[Int(owner)]] = element
          next[Int(owner)] += 1
        }
        elements = sorted
      }
      starts = counts
      owners = []
    }

    /// The values of run `run`.
    package subscript(run: Int) -> ArraySlice<Element> {
      elements[starts[run]..<starts[run + 1]]
    }
  }

  /// The runs, in the order they were added.
  package private(set) var runs: [Run] = []
  /// Each run's jobs, in order.
  package private(set) var jobs = Grouped<Job>()
  /// Each run's restores, every job's in job order.
  package private(set) var restores = Grouped<Restore>()
  /// Each run's saves that saved a size under a family, every job's in job order.
  package private(set) var saves = Grouped<Save>()
  /// Each run's named tests, in order.
  package private(set) var tests = Grouped<Test>()
  /// Each run's steps that have a duration, every job's in job order.
  package private(set) var steps = Grouped<Step>()
  /// Each run's suite names (``names`` indexes), in order.
  package private(set) var suites = Grouped<Int32>()
  /// The interned names: job, step, suite and test names, key families.
  package private(set) var names: [String] = []

  /// Name indexes by name (Swift string equality).
  private var indexes: [String: Int32] = [:]
  /// Name indexes by the UTF-8 bytes they were met as: an open-addressing table over the
  /// bytes' FNV-1a hashes (no `Hasher` run per cell), each slot an entry number or -1.
  private var slots = [Int32](repeating: -1, count: 256)
  /// Each entry's hash.
  private var entryHashes: [UInt64] = []
  /// Where each entry's bytes lie in ``entryBytes``.
  private var entryRanges: [Range<Int>] = []
  /// Each entry's name index.
  private var entryIndexes: [Int32] = []
  /// The entries' bytes, one after the other.
  private var entryBytes: [UInt8] = []

  /// An empty digest, to fill run by run.
  package init() {}

  /// The digest of `runs`, in their order.
  ///
  /// - Parameter runs: The runs.
  package init(runs: some Sequence<HistoryRun>) {
    for run in runs {
      let index = addRun(
        Run(
          key: run.key, runId: run.runId, sha: run.sha, startedAt: run.startedAt,
          startedAtMs: run.startedAtMs, branch: run.branch, workflow: run.workflow,
          wallMs: run.wallMs, computeMs: run.computeMs))
      for job in run.jobs {
        let name = intern(job.name)
        jobs.append(Job(name: name, durationMs: job.durationMs), run: index)
        for step in job.steps {
          guard let ms = step.durationMs else { continue }
          steps.append(Step(job: name, name: intern(step.name), durationMs: ms), run: index)
        }
        for restore in job.restores {
          restores.append(
            Restore(
              job: name, family: restore.family.map { intern($0) } ?? -1,
              outcome: RestoreOutcome(restore.outcome), durationMs: restore.durationMs),
            run: index)
        }
        for save in job.saves where save.outcome == "saved" {
          // No save has a negative size: a document that says so does not count.
          guard let family = save.family, let size = save.sizeBytes, size >= 0 else { continue }
          saves.append(Save(family: intern(family), sizeBytes: size), run: index)
        }
      }
      for test in run.tests {
        tests.append(
          Test(
            suite: intern(test.suite), name: intern(test.name), outcome: TestOutcome(test.outcome),
            durationMs: test.durationMs),
          run: index)
      }
      for suite in run.suites { suites.append(intern(suite.name), run: index) }
    }
    finish()
  }

  /// Adds a run without children; returns its index, for the `add…` methods.
  @discardableResult
  package mutating func addRun(_ run: Run) -> Int {
    runs.append(run)
    return runs.count - 1
  }

  /// Adds a job to run `run` (jobs come in their order).
  package mutating func addJob(_ job: Job, run: Int) { jobs.append(job, run: run) }

  /// Adds a step to run `run`, in job order.
  package mutating func addStep(_ step: Step, run: Int) { steps.append(step, run: run) }

  /// Adds a restore to run `run`, in job order.
  package mutating func addRestore(_ restore: Restore, run: Int) {
    restores.append(restore, run: run)
  }

  /// Adds a save that saved a size under a family to run `run`, in job order.
  package mutating func addSave(_ save: Save, run: Int) { saves.append(save, run: run) }

  /// Adds a named test to run `run`, in order.
  package mutating func addTest(_ test: Test, run: Int) { tests.append(test, run: run) }

  /// Adds a suite name (a ``names`` index) to run `run`, in order.
  package mutating func addSuite(_ name: Int32, run: Int) { suites.append(name, run: run) }

  /// Groups the children by run: call once every run and child is added.
  package mutating func finish() {
    jobs.finish(runs: runs.count)
    restores.finish(runs: runs.count)
    saves.finish(runs: runs.count)
    tests.finish(runs: runs.count)
    steps.finish(runs: runs.count)
    suites.finish(runs: runs.count)
  }

  /// The index of a name, interning it when new.
  package mutating func intern(_ name: String) -> Int32 {
    if let index = indexes[name] { return index }
    let index = Int32(names.count)
    names.append(name)
    indexes[name] = index
    return index
  }

  /// The index of the name with these UTF-8 bytes, interning it when new; no `String` is made
  /// for bytes met before.
  package mutating func intern(bytes: UnsafeRawBufferPointer) -> Int32 {
    var hash: UInt64 = 0xcbf2_9ce4_8422_2325
    for byte in bytes { hash = (hash ^ UInt64(byte)) &* 0x0000_0100_0000_01b3 }
    let mask = slots.count - 1
    var slot = Int(truncatingIfNeeded: hash) & mask
    while slots[slot] >= 0 {
      let entry = Int(slots[slot])
      if entryHashes[entry] == hash, same(entryRanges[entry], bytes) {
        return entryIndexes[entry]
      }
      slot = (slot + 1) & mask
    }
    let index = intern(String(decoding: bytes, as: UTF8.self))
    slots[slot] = Int32(entryHashes.count)
    entryHashes.append(hash)
    entryRanges.append(entryBytes.count..<(entryBytes.count + bytes.count))
    entryBytes.append(contentsOf: bytes)
    entryIndexes.append(index)
    // At most half full: grow and place every entry again.
    if entryHashes.count * 2 > slots.count {
      slots = [Int32](repeating: -1, count: slots.count * 2)
      let mask = slots.count - 1
      for (entry, hash) in entryHashes.enumerated() {
        var slot = Int(truncatingIfNeeded: hash) & mask
        while slots[slot] >= 0 { slot = (slot + 1) & mask }
        slots[slot] = Int32(entry)
      }
    }
    return index
  }

  /// Whether the entry bytes at `range` are `bytes`.
  private func same(_ range: Range<Int>, _ bytes: UnsafeRawBufferPointer) -> Bool {
    guard range.count == bytes.count else { return false }
    return entryBytes.withUnsafeBufferPointer { stored in
      var offset = 0
      for index in range {
        if stored[index] != bytes[offset] { return false }
        offset += 1
      }
      return true
    }
  }

  /// The index of the key family (``HistoryRun/family(ofKey:)``) of the key with these UTF-8
  /// bytes, interning it when new.
  package mutating func intern(familyOfKey bytes: UnsafeRawBufferPointer) -> Int32 {
    let end = HistoryRun.familyEnd(bytes)
    // A family cut short keeps its separator, the `-` at `end`.
    return intern(
      bytes: UnsafeRawBufferPointer(rebasing: bytes[..<(end == bytes.count ? end : end + 1)]))
  }
}
