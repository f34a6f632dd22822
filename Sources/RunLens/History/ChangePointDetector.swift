// memchr, memcmp and the math functions, from the platform's C library through Foundation.
import Foundation

/// Finds where a series of per-run values shifted: binary segmentation with Welch's t test.
///
/// For a segment, every split that leaves at least ``Options/minimumRuns`` runs on each side is
/// tried; the split whose two windows differ most by Welch's t statistic
/// (`(mean₂ − mean₁) / √(s₁²/n₁ + s₂²/n₂)`, sample variances) is kept when `|t|` reaches
/// ``Options/minimumT`` and the means differ by at least ``Options/minimumShift``. The search
/// then repeats on each side. When both windows are constant and differ, `t` is infinite.
/// Ties go to the earliest split, so the result does not depend on anything but the values.
public enum ChangePointDetector {
  /// The method's name, as the report states it.
  public static let method = "binary segmentation, Welch t >= 6 between windows of >= 5 runs"

  /// The thresholds.
  public struct Options: Sendable, Hashable {
    /// The fewest runs on each side of a split.
    public var minimumRuns: Int
    /// The smallest `|t|` that counts as a change.
    public var minimumT: Double
    /// The smallest difference of the means that counts, in the values' unit.
    public var minimumShift: Double

    /// Creates thresholds.
    public init(minimumRuns: Int = 5, minimumT: Double = 6, minimumShift: Double) {
      self.minimumRuns = minimumRuns
      self.minimumT = minimumT
      self.minimumShift = minimumShift
    }
  }

  /// A change: the index of the first value after it, and the means either side.
  public struct Change: Sendable, Hashable {
    /// The index of the first value of the new level.
    public var index: Int
    /// The mean of the window before (from the previous change or the start).
    public var before: Double
    /// The mean of the window after (up to the next change or the end).
    public var after: Double
    /// Welch's t statistic of the split in its segment (infinite for two constant windows).
    public var t: Double
  }

  /// The changes in `values`, in order.
  ///
  /// - Parameters:
  ///   - values: Per-run values, oldest first.
  ///   - options: The thresholds.
  /// - Returns: The changes, with the means of the windows between consecutive changes.
  public static func changes(in values: [Double], options: Options) -> [Change] {
    var splits: [(index: Int, t: Double)] = []
    // Prefix sums of the values less the first (which keeps the sums of squares small), so
    // that each split costs O(1) and a segment O(n).
    let origin = values.first ?? 0
    var sums = [0.0]
    var squares = [0.0]
    sums.reserveCapacity(values.count + 1)
    squares.reserveCapacity(values.count + 1)
    for value in values {
      let shifted = value - origin
      sums.append((sums.last ?? 0) + shifted)
      squares.append((squares.last ?? 0) + shifted * shifted)
    }
    sums.withUnsafeBufferPointer { sums in
      squares.withUnsafeBufferPointer { squares in
        let prefix = Prefix(sums: sums, squares: squares)
        segment(prefix, from: 0, to: values.count, options: options, into: &splits)
      }
    }
    splits.sort { $0.index < $1.index }
    let bounds = [0] + splits.map(\.index) + [values.count]
    return splits.enumerated().map { number, split in
      Change(
        index: split.index, before: mean(values[bounds[number]..<split.index]),
        after: mean(values[split.index..<bounds[number + 2]]), t: split.t)
    }
  }

  /// Prefix sums of shifted values and of their squares (borrowed buffers: the split search
  /// reads them O(n) times a segment, without bounds checks or reference counting).
  private struct Prefix {
    var sums: UnsafeBufferPointer<Double>
    var squares: UnsafeBufferPointer<Double>

    /// The mean (shifted) and sample variance of values `from..<to`.
    func moments(_ from: Int, _ to: Int) -> (mean: Double, variance: Double) {
      let count = Double(to - from)
      let sum = sums[to] - sums[from]
      let mean = sum / count
      let spread = max(0, squares[to] - squares[from] - sum * mean)
      // Rounding leaves a trace of spread in a constant window: call it none.
      let scale = max(1, abs(squares[to] - squares[from]))
      return (mean, spread <= 1e-9 * scale ? 0 : spread / (count - 1))
    }
  }

  private static func segment(
    _ prefix: Prefix, from start: Int, to end: Int, options: Options,
    into splits: inout [(index: Int, t: Double)]
  ) {
    let minimum = max(options.minimumRuns, 2)
    guard end - start >= 2 * minimum else { return }
    var best: (index: Int, t: Double, shift: Double)?
    for index in (start + minimum)...(end - minimum) {
      let left = prefix.moments(start, index)
      let right = prefix.moments(index, end)
      let shift = right.mean - left.mean
      let error = (left.variance / Double(index - start) + right.variance / Double(end - index))
        .squareRoot()
      let t: Double = error > 0 ? shift / error : (abs(shift) > 1e-12 ? .infinity : 0)
      if best == nil || abs(t) > abs(best?.t ?? 0) { best = (index, t, shift) }
    }
    guard let best, abs(best.t) >= options.minimumT, abs(best.shift) >= options.minimumShift
    else { return }
    splits.append((best.index, best.t))
    segment(prefix, from: start, to: best.index, options: options, into: &splits)
    segment(prefix, from: best.index, to: end, options: options, into: &splits)
  }

  /// The mean, or 0 for no values.
  static func mean(_ values: ArraySlice<Double>) -> Double {
    values.isEmpty ? 0 : values.reduce(0, +) / Double(values.count)
  }

  /// The sample variance (n − 1), or 0 for fewer than two values.
  static func variance(_ values: ArraySlice<Double>) -> Double {
    guard values.count > 1 else { return 0 }
    let center = mean(values)
    return values.reduce(0) { $0 + ($1 - center) * ($1 - center) } / Double(values.count - 1)
  }
}
