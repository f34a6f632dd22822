// The C library (memcmp, the math functions) through Foundation.
import Foundation

/// Order statistics and the Mann-Whitney U test, written out so that results are exact and
/// the same on every platform.
public enum Statistics {
  /// Median, 90th percentile, minimum and maximum of a sample.
  public struct Summary: Sendable, Hashable {
    /// The median (the mean of the two middle values for an even count), rounded.
    public var median: Int64
    /// The 90th percentile by the nearest-rank method.
    public var p90: Int64
    /// The smallest value.
    public var min: Int64
    /// The largest value.
    public var max: Int64
  }

  /// The summary of `values`, or `nil` for none.
  public static func summary(_ values: [Int64]) -> Summary? {
    guard !values.isEmpty else { return nil }
    let sorted = values.sorted()
    let middle = sorted.count / 2
    let median =
      sorted.count % 2 == 1
      ? sorted[middle] : Int64((Int128(sorted[middle - 1]) + Int128(sorted[middle]) + 1) / 2)
    let rank = Int((0.9 * Double(sorted.count)).rounded(.up))
    return Summary(
      median: median, p90: sorted[Swift.max(0, rank - 1)], min: sorted[0],
      max: sorted[sorted.count - 1])
  }

  /// The result of a Mann-Whitney U test.
  public struct MannWhitney: Sendable, Hashable {
    /// U of the first sample (the number of pairs in which its value is the larger, ties half).
    public var u: Double
    /// The one-sided p-value for "the second sample tends to be smaller".
    public var pSecondSmaller: Double
    /// The one-sided p-value for "the second sample tends to be larger".
    public var pSecondLarger: Double
    /// The two-sided p-value.
    public var pTwoSided: Double
    /// Whether the p-values are exact (every split enumerated) or from the normal approximation.
    public var isExact: Bool
  }

  /// Mann-Whitney U test of `first` against `second`.
  ///
  /// Exact (all splits of the pooled values enumerated, ties as mid-ranks) when the samples
  /// hold 20 values or fewer together; otherwise the normal approximation with tie and
  /// continuity corrections.
  public static func mannWhitney(_ first: [Int64], _ second: [Int64]) -> MannWhitney? {
    let n1 = first.count
    let n2 = second.count
    guard n1 > 0, n2 > 0 else { return nil }
    let pooled = first + second
    let ranks = midRanks(pooled)
    let observed = u(ranks: Array(ranks.prefix(n1)), n1: n1)
    let mean = Double(n1 * n2) / 2
    if n1 + n2 <= 20 {
      var atLeast = 0
      var atMost = 0
      var beyond = 0
      var total = 0
      var chosen: [Double] = []
      func choose(_ start: Int) {
        if chosen.count == n1 {
          let value = u(ranks: chosen, n1: n1)
          total += 1
          if value >= observed - 1e-9 { atLeast += 1 }
          if value <= observed + 1e-9 { atMost += 1 }
          if abs(value - mean) >= abs(observed - mean) - 1e-9 { beyond += 1 }
          return
        }
        guard start < ranks.count, ranks.count - start >= n1 - chosen.count else { return }
        for index in start..<ranks.count {
          guard ranks.count - index >= n1 - chosen.count else { break }
          chosen.append(ranks[index])
          choose(index + 1)
          chosen.removeLast()
        }
      }
      choose(0)
      return MannWhitney(
        u: observed, pSecondSmaller: Double(atLeast) / Double(total),
        pSecondLarger: Double(atMost) / Double(total), pTwoSided: Double(beyond) / Double(total),
        isExact: true)
    }
    var ties = 0.0
    var index = 0
    let sorted = pooled.sorted()
    while index < sorted.count {
      var end = index
      while end + 1 < sorted.count, sorted[end + 1] == sorted[index] { end += 1 }
      let t = Double(end - index + 1)
      ties += t * t * t - t
      index = end + 1
    }
    let n = Double(n1 + n2)
    let variance = Double(n1 * n2) / 12 * ((n + 1) - ties / (n * (n - 1)))
    guard variance > 0 else {
      return MannWhitney(
        u: observed, pSecondSmaller: 1, pSecondLarger: 1, pTwoSided: 1, isExact: false)
    }
    let deviation = variance.squareRoot()
    let zLarger = (observed - mean - 0.5) / deviation
    let zSmaller = (observed - mean + 0.5) / deviation
    let pSecondSmaller = 1 - normalCDF(zLarger)
    let pSecondLarger = normalCDF(zSmaller)
    return MannWhitney(
      u: observed, pSecondSmaller: pSecondSmaller, pSecondLarger: pSecondLarger,
      pTwoSided: min(1, 2 * min(pSecondSmaller, pSecondLarger)), isExact: false)
  }

  private static func u(ranks: [Double], n1: Int) -> Double {
    ranks.reduce(0, +) - Double(n1 * (n1 + 1)) / 2
  }

  private static func midRanks(_ values: [Int64]) -> [Double] {
    let order = values.indices.sorted { values[$0] < values[$1] }
    var ranks = [Double](repeating: 0, count: values.count)
    var index = 0
    while index < order.count {
      var end = index
      while end + 1 < order.count, values[order[end + 1]] == values[order[index]] { end += 1 }
      let rank = Double(index + end + 2) / 2
      for position in index...end { ranks[order[position]] = rank }
      index = end + 1
    }
    return ranks
  }

  /// The standard normal distribution function (Abramowitz and Stegun 7.1.26 through erf).
  static func normalCDF(_ z: Double) -> Double {
    let x = abs(z) / 2.0.squareRoot()
    let t = 1 / (1 + 0.327_591_1 * x)
    let polynomial =
      t
      * (0.254_829_592 + t
        * (-0.284_496_736 + t * (1.421_413_741 + t * (-1.453_152_027 + t * 1.061_405_429))))
    let erf = 1 - polynomial * exp(-x * x)
    return z >= 0 ? (1 + erf) / 2 : (1 - erf) / 2
  }
}
