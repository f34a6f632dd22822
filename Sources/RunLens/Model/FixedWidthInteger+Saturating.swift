/// Arithmetic on numbers read from the input (sizes, times, counts), which never traps.
///
/// A number in a log line, a cache listing or a JSON document is untrusted: a sum, a product
/// or a conversion that does not fit stops at the nearest bound instead of ending the process.
extension FixedWidthInteger where Self: SignedInteger {
  /// `self + other`, or the nearest bound when the sum does not fit.
  @inlinable
  package func saturatingAdding(_ other: Self) -> Self {
    let (sum, overflow) = addingReportingOverflow(other)
    guard overflow else { return sum }
    return other > 0 ? .max : .min
  }

  /// `self - other`, or the nearest bound when the difference does not fit.
  @inlinable
  package func saturatingSubtracting(_ other: Self) -> Self {
    let (difference, overflow) = subtractingReportingOverflow(other)
    guard overflow else { return difference }
    return other < 0 ? .max : .min
  }

  /// `self × other`, or the nearest bound when the product does not fit.
  @inlinable
  package func saturatingMultiplying(by other: Self) -> Self {
    let (product, overflow) = multipliedReportingOverflow(by: other)
    guard overflow else { return product }
    return (self < 0) == (other < 0) ? .max : .min
  }
}

extension Int64 {
  /// The integer nearest to `value` (rounded towards zero), clamped to `Int64`'s range; `0`
  /// for NaN.
  ///
  /// - Parameter value: Any double, including infinities and NaN.
  @inlinable
  package init(clamping value: Double) {
    if value.isNaN {
      self = 0
    } else if value >= 9_223_372_036_854_775_807.0 {
      self = .max
    } else if value <= -9_223_372_036_854_775_808.0 {
      self = .min
    } else {
      self = Int64(value)
    }
  }
}

extension Sequence where Element: FixedWidthInteger & SignedInteger {
  /// The sum of the elements, stopping at the type's bounds instead of trapping.
  package func saturatingSum() -> Element {
    reduce(0) { $0.saturatingAdding($1) }
  }
}
