/// A `runlens budget` check: the cache listings read, or why one could not be, judged against
/// the limit and allocations of a configuration.
package struct CacheBudgetCheck: Sendable {
  /// The limit and allocations.
  package var configuration: Configuration
  /// When idle entries are judged.
  package var asOf: LogTime
  /// The cache entries of every listing read.
  package var entries: [CacheEntry] = []
  /// A diagnostic per listing that could not be read or is not a cache listing.
  package private(set) var unreadable: [Diagnostic] = []

  /// Creates a check with no listing read yet.
  package init(configuration: Configuration, asOf: LogTime) {
    self.configuration = configuration
    self.asOf = asOf
  }

  /// Adds a listing's entries (``CacheListing/parse(_:)``), or an error diagnostic when it is
  /// not a cache listing.
  ///
  /// - Parameters:
  ///   - bytes: The listing.
  ///   - source: Its file.
  package mutating func add(listing bytes: [UInt8], source: String) {
    do {
      entries += try CacheListing.parse(bytes)
    } catch {
      unreadable.append(Diagnostic(.error, error.message, source: source))
    }
  }

  /// Records a listing that could not be read.
  package mutating func addUnreadable(_ source: String, reason: String) {
    unreadable.append(Diagnostic(.error, "cannot read: \(reason)", source: source))
  }

  /// The report: of the unreadable listings when there are any, else of the budget and its
  /// advice.
  ///
  /// - Parameter json: Whether to render JSON (else Markdown).
  /// - Returns: The text, and whether the caches are over the limit.
  package func render(json: Bool) -> (text: String, overLimit: Bool) {
    guard unreadable.isEmpty else {
      let text =
        json
        ? CacheBudgetReport.json(unreadable: unreadable)
        : CacheBudgetReport.markdown(unreadable: unreadable)
      return (text, false)
    }
    let budget = CacheBudget(
      entries: entries, limitBytes: configuration.limitBytes, asOf: asOf,
      allocations: configuration.allocations)
    let advice = Advice.forBudget(budget)
    let text =
      json
      ? CacheBudgetReport.json(budget, advice: advice)
      : CacheBudgetReport.markdown(budget, advice: advice)
    return (text, budget.overLimit)
  }
}
