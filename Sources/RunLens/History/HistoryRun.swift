/// One run as the history keeps it: identity, jobs, steps, cache restores and saves, tests.
///
/// A flat, storable form of a run's metrics (`runlens report --format json`), with no source
/// paths and no line numbers, so that the same run read from two places is the same value.
/// Durations are integer milliseconds and sizes bytes, as in the JSON contract.
public struct HistoryRun: Sendable, Hashable {
  /// A job of the run.
  public struct Job: Sendable, Hashable {
    /// The job's name.
    public var name: String
    /// The jobs API's conclusion (`success`, `failure`, …), when known.
    public var conclusion: String?
    /// When the job started (ISO 8601 text as in the log).
    public var startedAt: String?
    /// When the job ended (ISO 8601 text).
    public var completedAt: String?
    /// The job's duration in milliseconds.
    public var durationMs: Int64?
    /// The steps, in order.
    public var steps: [Step]
    /// The cache restores, in order.
    public var restores: [Restore]
    /// The cache saves, in order.
    public var saves: [Save]

    /// Creates a job.
    public init(
      name: String, conclusion: String? = nil, startedAt: String? = nil,
      completedAt: String? = nil, durationMs: Int64? = nil, steps: [Step] = [],
      restores: [Restore] = [], saves: [Save] = []
    ) {
      self.name = name
      self.conclusion = conclusion
      self.startedAt = startedAt
      self.completedAt = completedAt
      self.durationMs = durationMs
      self.steps = steps
      self.restores = restores
      self.saves = saves
    }
  }

  /// A step of a job.
  public struct Step: Sendable, Hashable {
    /// The step's 1-based number, when known.
    public var number: Int64?
    /// The step's name.
    public var name: String
    /// The step's kind (`setup`, `action`, `script`, `post`, …).
    public var kind: String?
    /// The action a `uses:` step ran, without its version.
    public var action: String?
    /// The step's conclusion, when known.
    public var conclusion: String?
    /// When the step started (ISO 8601 text).
    public var startedAt: String?
    /// The step's duration in milliseconds.
    public var durationMs: Int64?

    /// Creates a step.
    public init(
      number: Int64? = nil, name: String, kind: String? = nil, action: String? = nil,
      conclusion: String? = nil, startedAt: String? = nil, durationMs: Int64? = nil
    ) {
      self.number = number
      self.name = name
      self.kind = kind
      self.action = action
      self.conclusion = conclusion
      self.startedAt = startedAt
      self.durationMs = durationMs
    }
  }

  /// A cache restore.
  public struct Restore: Sendable, Hashable {
    /// The step that restored.
    public var step: String
    /// The cache action.
    public var action: String?
    /// The key asked for.
    public var primaryKey: String? {
      didSet { family = primaryKey.map(HistoryRun.family(ofKey:)) }
    }
    /// The key that was restored, on a hit.
    public var restoredKey: String?
    /// `exact-hit`, `fallback-hit`, `miss`, `error` or `unknown`.
    public var outcome: String
    /// 0 for the primary key, n for the n-th restore key.
    public var fallbackLevel: Int64?
    /// The restored size in bytes.
    public var sizeBytes: Int64?
    /// The restore step's duration in milliseconds.
    public var durationMs: Int64?
    /// The key family of ``primaryKey``: see ``HistoryRun/family(ofKey:)``.
    public private(set) var family: String?

    /// Creates a restore.
    public init(
      step: String, action: String? = nil, primaryKey: String? = nil, restoredKey: String? = nil,
      outcome: String, fallbackLevel: Int64? = nil, sizeBytes: Int64? = nil,
      durationMs: Int64? = nil
    ) {
      self.step = step
      self.action = action
      self.primaryKey = primaryKey
      self.restoredKey = restoredKey
      self.outcome = outcome
      self.fallbackLevel = fallbackLevel
      self.sizeBytes = sizeBytes
      self.durationMs = durationMs
      family = primaryKey.map(HistoryRun.family(ofKey:))
    }

    /// Whether the restore hit, exactly or through a restore key.
    public var isHit: Bool { outcome == "exact-hit" || outcome == "fallback-hit" }
  }

  /// A cache save.
  public struct Save: Sendable, Hashable {
    /// The step that saved.
    public var step: String
    /// The cache action.
    public var action: String?
    /// The key saved under.
    public var key: String? {
      didSet { family = key.map(HistoryRun.family(ofKey:)) }
    }
    /// `saved`, `skipped`, `failed` or `unknown`.
    public var outcome: String
    /// The saved size in bytes.
    public var sizeBytes: Int64?
    /// The save step's duration in milliseconds.
    public var durationMs: Int64?
    /// The key family of ``key``: see ``HistoryRun/family(ofKey:)``.
    public private(set) var family: String?

    /// Creates a save.
    public init(
      step: String, action: String? = nil, key: String? = nil, outcome: String,
      sizeBytes: Int64? = nil, durationMs: Int64? = nil
    ) {
      self.step = step
      self.action = action
      self.key = key
      self.outcome = outcome
      self.sizeBytes = sizeBytes
      self.durationMs = durationMs
      family = key.map(HistoryRun.family(ofKey:))
    }
  }

  /// A test the run's metrics name one by one: a failure, a flaky test or one of the slowest.
  ///
  /// Metrics list passing tests only among the 10 slowest, so a passing test is not always
  /// here; ``Suite`` rows say which suites ran.
  public struct Test: Sendable, Hashable {
    /// The job whose log reported the test, or the empty string for the run's JUnit files.
    public var job: String
    /// The suite (JUnit `testsuite` or nextest binary id).
    public var suite: String
    /// The test's name.
    public var name: String
    /// `passed`, `failed`, `error` or `flaky` (failed, then passed on a retry).
    public var outcome: String
    /// How many times the test ran, when known.
    public var attempts: Int64?
    /// The test's time in milliseconds, when known.
    public var durationMs: Int64?

    /// Creates a test.
    public init(
      job: String = "", suite: String, name: String, outcome: String, attempts: Int64? = nil,
      durationMs: Int64? = nil
    ) {
      self.job = job
      self.suite = suite
      self.name = name
      self.outcome = outcome
      self.attempts = attempts
      self.durationMs = durationMs
    }
  }

  /// A test suite's totals in the run.
  public struct Suite: Sendable, Hashable {
    /// The job whose log reported the suite, or the empty string for the run's JUnit files.
    public var job: String
    /// The suite's name.
    public var name: String
    /// Tests in the suite.
    public var total: Int64
    /// Passed tests.
    public var passed: Int64
    /// Failed tests.
    public var failed: Int64
    /// Tests that errored.
    public var errors: Int64
    /// Skipped tests.
    public var skipped: Int64
    /// Flaky tests.
    public var flaky: Int64
    /// The sum of the suite's test times, in milliseconds.
    public var testTimeMs: Int64?

    /// Creates a suite row.
    public init(
      job: String = "", name: String, total: Int64, passed: Int64, failed: Int64,
      errors: Int64 = 0, skipped: Int64 = 0, flaky: Int64 = 0, testTimeMs: Int64? = nil
    ) {
      self.job = job
      self.name = name
      self.total = total
      self.passed = passed
      self.failed = failed
      self.errors = errors
      self.skipped = skipped
      self.flaky = flaky
      self.testTimeMs = testTimeMs
    }
  }

  /// The repository (`owner/name`), when the metrics name it.
  public var repository: String?
  /// The workflow run's id.
  public var runId: String?
  /// The run attempt.
  public var runAttempt: String?
  /// The commit.
  public var sha: String?
  /// The git ref (`refs/heads/main`).
  public var ref: String?
  /// The workflow's name.
  public var workflow: String?
  /// When the run was created (ISO 8601, from the API; `nil` for a run read from files).
  public var createdAt: String?
  /// The run's page on GitHub (from the API; `nil` for a run read from files).
  public var url: String?
  /// Whether a log or JUnit file of the run stopped early.
  public var partial: Bool
  /// First job start to last job end, in milliseconds.
  public var wallMs: Int64?
  /// The sum of job durations, in milliseconds.
  public var computeMs: Int64?
  /// The jobs.
  public var jobs: [Job]
  /// The tests named one by one.
  public var tests: [Test]
  /// The suites that ran.
  public var suites: [Suite]

  /// Creates a run.
  public init(
    repository: String? = nil, runId: String? = nil, runAttempt: String? = nil,
    sha: String? = nil, ref: String? = nil, workflow: String? = nil, partial: Bool = false,
    wallMs: Int64? = nil, computeMs: Int64? = nil, jobs: [Job] = [], tests: [Test] = [],
    suites: [Suite] = [], createdAt: String? = nil, url: String? = nil
  ) {
    self.repository = repository
    self.runId = runId
    self.runAttempt = runAttempt
    self.sha = sha
    self.ref = ref
    self.workflow = workflow
    self.partial = partial
    self.wallMs = wallMs
    self.computeMs = computeMs
    self.jobs = jobs
    self.tests = tests
    self.suites = suites
    self.createdAt = createdAt
    self.url = url
  }

  /// The branch: `ref` without `refs/heads/`, or `ref` itself for other refs.
  public var branch: String? {
    guard let ref else { return nil }
    return ref.hasPrefix("refs/heads/") ? String(ref.dropFirst("refs/heads/".count)) : ref
  }

  /// The earliest job start, as text, or `nil` when no job says when it started.
  public var startedAt: String? {
    jobs.compactMap { job in job.startedAt.flatMap { LogTime(parsing: $0) } }.min()?.text
  }

  /// ``startedAt`` in milliseconds since the Unix epoch.
  public var startedAtMs: Int64? {
    startedAt.flatMap { LogTime(parsing: $0) }.map { $0.nanosecondsSinceEpoch / 1_000_000 }
  }

  /// Every restore of every job, in job order.
  public var restores: [Restore] { jobs.flatMap(\.restores) }

  /// The run's identity: repository, run id and attempt when the metrics carry them, else
  /// the hash of its content (``contentHash``).
  public var key: String {
    if let repository, let runId {
      return "\(repository)#\(runId)#\(runAttempt ?? "1")"
    }
    return "content:\(contentHash)"
  }

  /// A 64-bit FNV-1a hash of the run's rows, as 16 hexadecimal digits.
  ///
  /// The rows hold no source path, so the same run read from two files hashes the same.
  public var contentHash: String {
    var hash = StableHash()
    for table in HistoryTable.allCases where table != .runs {
      for row in rows(table, key: "") {
        for cell in row { hash.combine(cell) }
      }
    }
    return finishContentHash(hash)
  }

  /// ``contentHash`` from the hash of the child rows: the run's own fields, then the digits.
  func finishContentHash(_ rows: StableHash) -> String {
    var hash = rows
    hash.combine(.string(repository ?? ""))
    hash.combine(.string(runId ?? ""))
    hash.combine(.string(sha ?? ""))
    hash.combine(.string(ref ?? ""))
    hash.combine(.string(workflow ?? ""))
    hash.combine(.int(wallMs ?? -1))
    hash.combine(.int(computeMs ?? -1))
    return hash.hex
  }

  /// The family of a cache key: the key without its trailing hash-like parts.
  ///
  /// Parts are split on `-`; trailing parts of 8 or more hexadecimal digits are dropped, and
  /// the family keeps the separator (`cargo-Linux-3f9a1c07be52` → `cargo-Linux-`). A key with
  /// no such part is its own family.
  public static func family(ofKey key: String) -> String {
    let bytes = Array(key.utf8)
    let end = bytes.withUnsafeBytes(familyEnd)
    return end == bytes.count ? key : String(decoding: bytes[..<end], as: UTF8.self) + "-"
  }

  /// Where the family of a key with these UTF-8 bytes ends: the count when the key is its own
  /// family, else the index of the `-` before its trailing hash-like parts.
  package static func familyEnd(_ bytes: UnsafeRawBufferPointer) -> Int {
    var end = bytes.count
    while let dash = bytes[..<end].lastIndex(of: UInt8(ascii: "-")) {
      let part = bytes[(dash + 1)..<end]
      guard part.count >= 8, part.allSatisfy(isHexDigit) else { break }
      end = dash
    }
    return end
  }

  private static func isHexDigit(_ byte: UInt8) -> Bool {
    (UInt8(ascii: "0")...UInt8(ascii: "9")).contains(byte)
      || (UInt8(ascii: "a")...UInt8(ascii: "f")).contains(byte)
      || (UInt8(ascii: "A")...UInt8(ascii: "F")).contains(byte)
  }
}
