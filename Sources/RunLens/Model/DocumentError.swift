/// A JSON document (jobs, cache listing, metrics, configuration) that cannot be used.
///
/// The message says what was expected and where, lowercase and without a trailing period.
public struct DocumentError: Error, Sendable, Hashable, CustomStringConvertible {
  /// What is wrong.
  public var message: String

  /// Creates an error.
  public init(message: String) {
    self.message = message
  }

  /// The message.
  public var description: String { message }
}
