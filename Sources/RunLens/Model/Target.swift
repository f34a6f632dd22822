/// A goal a run is judged against, with the value measured and whether it was met.
public struct Target: Sendable, Hashable, Codable {
  /// How the value compares with the threshold.
  public enum Comparison: String, Sendable, Hashable, Codable {
    /// Met when the value is greater than the threshold.
    case above
    /// Met when the value is less than the threshold.
    case below
  }

  /// The unit of the threshold and value.
  public enum Unit: String, Sendable, Hashable, Codable {
    /// A fraction from 0 to 1.
    case ratio
    /// Milliseconds.
    case milliseconds
    /// Bytes.
    case bytes
  }

  /// A stable identifier, for example `cache-hit-rate`.
  public var id: String
  /// The threshold the value must pass.
  public var threshold: Double
  /// How the value compares with the threshold.
  public var comparison: Comparison
  /// The unit of the threshold and value.
  public var unit: Unit
  /// The value measured; `nil` when the run has nothing to measure.
  public var value: Double?
  /// Why the value, though measured, cannot be judged (a comparison with too few runs); the
  /// target is then neither met nor missed.
  public var notJudgedBecause: String?

  /// Creates a target.
  public init(id: String, threshold: Double, comparison: Comparison, unit: Unit, value: Double?) {
    self.id = id
    self.threshold = threshold
    self.comparison = comparison
    self.unit = unit
    self.value = value
  }

  /// Whether the value passes the threshold; `nil` when there is no value or it cannot be
  /// judged.
  public var met: Bool? {
    guard let value, notJudgedBecause == nil else { return nil }
    switch comparison {
    case .above: return value > threshold
    case .below: return value < threshold
    }
  }
}

/// The thresholds a run report is judged against.
///
/// The defaults are the reference CI's targets: a cache hit rate above 80% and every
/// dependency restore under 5 minutes.
public struct Targets: Sendable, Hashable, Codable {
  /// The hit rate (exact and fallback hits over restores) must be above this fraction.
  public var cacheHitRate: Double
  /// The exact-hit rate (hits of the primary key over restores: what the cache actions'
  /// `cache-hit` output counts) must be above this fraction.
  public var exactHitRate: Double
  /// Every restore must take less than this.
  public var restoreTime: Duration
  /// A comparison's median wall time must be at least this fraction below the baseline's.
  var prReduction: Double

  /// Creates thresholds.
  public init(
    cacheHitRate: Double, exactHitRate: Double = 0.8, restoreTime: Duration,
    prBuildTimeReduction: Double = 0.3
  ) {
    self.cacheHitRate = cacheHitRate
    self.exactHitRate = exactHitRate
    self.restoreTime = restoreTime
    self.prReduction = prBuildTimeReduction
  }

  /// Hit rate and exact-hit rate above 0.8, restores under 5 minutes, PR build time 30% below
  /// the baseline.
  public static let `default` = Targets(cacheHitRate: 0.8, restoreTime: .seconds(300))

  /// Judges `totals` against these thresholds.
  ///
  /// - Parameter totals: The run's sums.
  /// - Returns: One target per threshold, in a fixed order.
  public func evaluate(_ totals: RunReport.Totals) -> [Target] {
    [
      Target(
        id: "cache-hit-rate", threshold: cacheHitRate, comparison: .above, unit: .ratio,
        value: totals.hitRate),
      Target(
        id: "exact-hit-rate", threshold: exactHitRate, comparison: .above, unit: .ratio,
        value: totals.exactHitRate),
      Target(
        id: "restore-time", threshold: Double(restoreTime.milliseconds), comparison: .below,
        unit: .milliseconds, value: totals.restoreMax.map { Double($0.milliseconds) }),
    ]
  }
}

extension Duration {
  /// The duration in whole milliseconds, rounded half away from zero.
  public var milliseconds: Int64 {
    let (seconds, attoseconds) = components
    let fraction =
      (attoseconds + (attoseconds >= 0 ? 500_000_000_000_000 : -500_000_000_000_000))
      / 1_000_000_000_000_000
    return seconds * 1000 + fraction
  }
}
