package import RunLens

extension HistorySync {
  /// What a sync did.
  package struct Counts: Sendable, Hashable {
    /// Runs added.
    package var added = 0
    /// Listed runs that were stored already.
    package var stored = 0
    /// Runs that could not be fetched or assembled.
    package var failed = 0

    /// The command's last line.
    ///
    /// - Parameter path: The store's path.
    /// - Returns: `N added, M already stored, K failed (PATH)`.
    package func summary(_ path: String) -> String {
      "\(added) added, \(stored) already stored, \(failed) failed (\(path))"
    }
  }

  /// Fetches and adds the pending runs one by one, each in its own transaction.
  ///
  /// - Parameters:
  ///   - pending: The runs to fetch (``pending(_:repository:stored:)``).
  ///   - stored: How many listed runs were stored already.
  ///   - store: The store.
  ///   - repository: `owner/name`.
  ///   - fetch: Fetches and assembles a run (numbered from 0), or reports why not and returns
  ///     `nil`; the others go on.
  /// - Returns: The counts.
  /// - Throws: The store's error; runs added before it stay.
  package static func add(
    _ pending: [WorkflowRun], stored: Int, to store: HistoryStore, repository: String,
    fetch: (Int, WorkflowRun) -> HistoryRun?
  ) throws -> Counts {
    var counts = Counts(stored: stored)
    for (number, listed) in pending.enumerated() {
      guard let run = fetch(number, listed) else {
        counts.failed += 1
        continue
      }
      switch try store.add(identified(run, as: listed, repository: repository)) {
      case .added: counts.added += 1
      case .alreadyStored: counts.stored += 1
      }
    }
    return counts
  }
}
