#if canImport(Glibc)
  import Glibc
#elseif canImport(Darwin)
  import Darwin
#endif

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
    segment(values, from: 0, to: values.count, options: options, into: &splits)
    splits.sort { $0.index < $1.index }
    let bounds = [0] + splits.map(\.index) + [values.count]
    return splits.enumerated().map { number, split in
      Change(
        index: split.index, before: mean(values[bounds[number]..<split.index]),
        after: mean(values[split.index..<bounds[number + 2]]), t: split.t)
    }
  }

  private static func segment(
    _ values: [Double], from start: Int, to end: Int, options: Options,
    into splits: inout [(index: Int, t: Double)]
  ) {
    let minimum = max(options.minimumRuns, 2)
    guard end - start >= 2 * minimum else { return }
    var best: (index: Int, t: Double, shift: Double)?
    for index in (start + minimum)...(end - minimum) {
      let left = values[start..<index]
      let right = values[index..<end]
      let shift = mean(right) - mean(left)
      let error = (variance(left) / Double(left.count) + variance(right) / Double(right.count))
        .squareRoot()
      let t: Double = error > 0 ? shift / error : (abs(shift) > 1e-12 ? .infinity : 0)
      if best == nil || abs(t) > abs(best?.t ?? 0) { best = (index, t, shift) }
    }
    guard let best, abs(best.t) >= options.minimumT, abs(best.shift) >= options.minimumShift
    else { return }
    splits.append((best.index, best.t))
    segment(values, from: start, to: best.index, options: options, into: &splits)
    segment(values, from: best.index, to: end, options: options, into: &splits)
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
