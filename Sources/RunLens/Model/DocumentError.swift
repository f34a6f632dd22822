internal import FoundationEssentials

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

/// Decodes the two shapes GitHub's lists come in: an envelope object holding the list (REST)
/// or the bare list (gh's `--json`).
enum JSONList {
  /// The items, or `nil` when the document is neither shape.
  static func decode<Envelope: Decodable, Item: Decodable>(
    _ bytes: [UInt8], envelope: Envelope.Type, items: (Envelope) -> [Item]?
  ) -> [Item]? {
    let decoder = JSONDecoder()
    let data = Data(bytes)
    if let wrapped = try? decoder.decode(Envelope.self, from: data), let list = items(wrapped) {
      return list
    }
    return try? decoder.decode([Item].self, from: data)
  }
}
