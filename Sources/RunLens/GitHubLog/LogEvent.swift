/// What the log reader saw on one line of a GitHub Actions job log.
///
/// Events describe lines, not conclusions: `Cache hit for: K` is reported as
/// ``CacheLine/toolkitHit(_:)`` whatever action printed it, and ``JobRunBuilder`` decides what
/// it means in its step. Every event that concerns a line carries its 1-based line number.
package enum LogEvent: Sendable, Hashable {
  /// `Complete job name: NAME` in the runner's set-up block.
  case jobName(String, line: Int)
  /// A new step begins on this line.
  case stepStarted(StepStart)
  /// An input of the current step, from the `with:` block of its header (multi-line values
  /// joined with LF).
  case input(name: String, value: String, line: Int)
  /// A line printed by a cache action or the cache toolkit.
  case cache(CacheLine, line: Int)
  /// A `Cache Key: K` line in step output (a workflow's own echo).
  case reportedKey(String, line: Int)
  /// A step-output line containing `CACHE HIT`.
  case reportedHit(line: Int)
  /// A step-output line containing `CACHE MISS`.
  case reportedMiss(line: Int)
  /// nextest's `Summary [ … ] N tests run: …` line.
  case nextestSummary(NextestSummary, line: Int)
  /// A failing or flaky test in nextest's final status list (after its summary line).
  case nextestTest(NextestTest, line: Int)
  /// The runner's line that ends the current step unsuccessfully (`##[error]Process completed
  /// with exit code N.`, `##[error]The operation was canceled.`, `##[error]The action '…' has
  /// timed out after N minutes.`).
  case stepEnded(StepEnding, line: Int)
  /// A line a build tool printed (cargo, Nix, BuildKit, a compiler cache).
  case build(BuildLine, line: Int)
  /// A problem with the input that did not stop reading.
  case diagnostic(Diagnostic)
  /// The input ended.
  case end(EndOfLog)

  /// How the runner says a step ended, when it did not succeed.
  package enum StepEnding: Sendable, Hashable {
    /// A `run:` script exited with this code.
    case exitCode(Int)
    /// The run was cancelled, or the job's `timeout-minutes` was reached.
    case cancelled
    /// The step's own `timeout-minutes` was reached.
    case timedOut

    /// The conclusion the jobs API would give the step (`failure`, `cancelled`).
    package var conclusion: String {
      switch self {
      case .exitCode, .timedOut: "failure"
      case .cancelled: "cancelled"
      }
    }
  }

  /// The start of a step.
  package struct StepStart: Sendable, Hashable {
    /// What started the step.
    package var kind: Step.Kind
    /// The step's name as the log gives it.
    package var name: String
    /// `owner/repo` of the action, for action steps.
    package var action: String?
    /// The time of the step's first line.
    package var time: LogTime?
    /// The 1-based line number of the step's first line.
    package var line: Int
  }

  /// The counts of nextest's summary line.
  package struct NextestSummary: Sendable, Hashable {
    /// Tests run (`N tests run`, or `N` of `N/M tests run`).
    package var run: Int
    /// Passed tests (flaky ones included).
    package var passed: Int
    /// Flaky tests, from `(…, F flaky, …)`.
    package var flaky: Int
    /// Failed tests (`failed`, plus `timed out`).
    package var failed: Int
    /// Tests that could not be executed (`exec failed`).
    package var execFailed: Int
    /// Skipped tests.
    package var skipped: Int
    /// The run's duration in the brackets.
    package var duration: Duration?
  }

  /// A test named in nextest's final status list.
  package struct NextestTest: Sendable, Hashable {
    /// How it ended.
    package enum Status: Sendable, Hashable {
      /// `FAIL`, `TIMEOUT`, `SIGSEGV`, `ABORT`, `LEAK-FAIL`, …
      case failed
      /// `XFAIL`: could not be started.
      case execFailed
      /// `FLAKY n/m`: passed on attempt n.
      case flaky
      /// `FLKY-FL n/m`: passed on attempt n but configured to fail when flaky.
      case flakyFailed
    }

    /// How it ended.
    package var status: Status
    /// The status word as printed (`FAIL`, `TIMEOUT`, `FLAKY 2/3`, …).
    package var word: String
    /// The attempt that decided (n of `FLAKY n/m`; 1 otherwise).
    package var attempts: Int
    /// The binary ID.
    package var binary: String
    /// The test's name.
    package var name: String
  }

  /// Facts known only at the end of the input.
  package struct EndOfLog: Sendable, Hashable {
    /// The time of the first line that had one.
    package var firstTime: LogTime?
    /// The time of the last line that had one.
    package var lastTime: LogTime?
    /// The number of lines read.
    package var lineCount: Int
    /// The number of bytes read.
    package var byteCount: Int64
    /// Whether any line had a timestamp.
    package var hadTimestamps: Bool
  }
}

/// A line printed by a cache action or by the `@actions/cache` toolkit inside one.
package enum CacheLine: Sendable, Hashable {
  /// `Cache hit for: K` (toolkit, cache service v2): the entry about to be downloaded.
  case toolkitHit(String)
  /// `Cache hit for restore-key: K` (toolkit, cache service v2): a prefix match.
  case toolkitRestoreKeyHit(String)
  /// `Cache restored from key: K` (actions/cache, setup-* actions).
  case restoredFromKey(String)
  /// `Cache found and can be restored from key: K` (actions/cache lookup-only).
  case foundRestorable(String)
  /// `Cache not found for input keys: A, B` (actions/cache) or `Cache not found for keys:`
  /// (toolkit warning); setup-* actions' `… cache is not found` gives no keys.
  case notFound([String])
  /// `Failed to restore: MESSAGE` (toolkit).
  case restoreFailed(String)
  /// `Cache Size: ~N MB (N B)`: the archive size in bytes.
  case size(Int64)
  /// `Received A of B (…)`: bytes downloaded so far of the total.
  case received(Int64, of: Int64)
  /// `Sent A of B (…)`: bytes uploaded so far of the total.
  case sent(Int64, of: Int64)
  /// `Cache hit occurred on the primary key K, not saving cache.` (actions/cache post step).
  case savePrimaryHit(String)
  /// `Cache saved with key: K` (actions/cache) or `Cache saved with the key: K` (setup-*).
  case savedWithKey(String)
  /// `Cache saved successfully` (toolkit, cache service v1).
  case savedSuccessfully
  /// A failed save: `Failed to save: …`, `Unable to reserve cache …`, `Cache save failed.`,
  /// `Path Validation Error: …`; `reservation` marks another job writing the same key.
  case saveFailed(String, key: String?, reservation: Bool)

  /// cache-nix-action `Searching for a cache with the key "K".`
  case nixSearching(String)
  /// cache-nix-action `Found a cache with the given "primary-key".`
  case nixFoundPrimary
  /// cache-nix-action `Could not find a cache with the given "primary-key" and "paths".`
  case nixPrimaryNotFound
  /// cache-nix-action's list of `restore-prefixes-first-match`, printed as JSON.
  case nixPrefixes([String])
  /// cache-nix-action `Found a cache using the "restore-prefixes-first-match".`
  case nixFoundPrefix
  /// cache-nix-action `Could not find a cache.`
  case nixNotFound
  /// cache-nix-action `Restoring a cache with the key "K".`
  case nixRestoring(String)
  /// cache-nix-action `Failed to restore the cache.`
  case nixRestoreFailed
  /// cache-nix-action `Trying to save a new cache with the key "K".`
  case nixTryingToSave(String)
  /// cache-nix-action `Cache hit occurred on the "primary-key".` / `Not saving a new cache.`
  case nixNotSaving
  /// cache-nix-action `Current store size in bytes: N.`
  case nixStoreSize(Int64)
  /// cache-nix-action `Maximum allowed store size in bytes: N (…).`
  case nixMaxStoreSize(Int64)
  /// cache-nix-action `Collecting garbage.`
  case nixCollectingGarbage
  /// cache-nix-action `Saving a new cache with the key "K".`
  case nixSaving(String)
  /// cache-nix-action `Saved the new cache.` (v6+) or `Saved a new cache.` (v5).
  case nixSaved
  /// cache-nix-action `Could not save the new cache.`
  case nixSaveFailed

  /// Swatinem/rust-cache `Restore Key:` followed by the key on the next line.
  case rustRestoreKey(String)
  /// Swatinem/rust-cache `Cache Key:` followed by the key on the next line.
  case rustCacheKey(String)
  /// Swatinem/rust-cache `Restored from cache key "K" full match: BOOL.`
  case rustRestored(String, fullMatch: Bool)
  /// Swatinem/rust-cache `No cache found.`
  case rustNoCacheFound
  /// Swatinem/rust-cache `Cache up-to-date.`
  case rustUpToDate
  /// Swatinem/rust-cache `... Saving cache ...`
  case rustSaving
}
