/// A problem found in an input that did not stop the report.
///
/// Diagnostics are values kept beside the facts, like swift-format's findings: an empty
/// input, a line cut at the length cap, a log that ends in the middle of a step.
public struct Diagnostic: Sendable, Hashable, Codable {
  /// How much a diagnostic matters.
  public enum Severity: String, Sendable, Hashable, Codable, Comparable {
    /// Information about how the input was read.
    case note
    /// Something in the input that may make a figure incomplete.
    case warning
    /// Input that could not be read as what it claims to be.
    case error

    private var rank: Int {
      switch self {
      case .note: 0
      case .warning: 1
      case .error: 2
      }
    }

    /// Orders severities from `note` to `error`.
    public static func < (lhs: Severity, rhs: Severity) -> Bool { lhs.rank < rhs.rank }
  }

  /// How much it matters.
  public var severity: Severity
  /// What was found, lowercase and without a trailing period.
  public var message: String
  /// The input it concerns (a file name, or `-` for standard input), when known.
  public var source: String?
  /// The 1-based line number in `source`, when the problem has one.
  public var line: Int?
  /// The 1-based column, when known.
  public var column: Int?

  /// Creates a diagnostic.
  ///
  /// - Parameters:
  ///   - severity: How much it matters.
  ///   - message: What was found.
  ///   - source: The input it concerns.
  ///   - line: The 1-based line number.
  ///   - column: The 1-based column.
  public init(
    _ severity: Severity, _ message: String, source: String? = nil, line: Int? = nil,
    column: Int? = nil
  ) {
    self.severity = severity
    self.message = message
    self.source = source
    self.line = line
    self.column = column
  }

  /// `source:line:column: message`, as compilers print it.
  public var location: String {
    var text = source ?? ""
    if let line { text += text.isEmpty ? "line \(line)" : ":\(line)" }
    if let column, line != nil { text += ":\(column)" }
    return text
  }
}
