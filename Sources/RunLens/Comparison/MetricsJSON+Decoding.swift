internal import FoundationEssentials

extension MetricsJSON {
  /// Decodes `bytes` as runlens metrics of this ``schemaVersion``, read as `T` (each reader
  /// declares the part of the document it needs).
  ///
  /// - Parameters:
  ///   - type: The reader's view of the document.
  ///   - bytes: The UTF-8 JSON text.
  ///   - version: Where `T` holds the document's `schemaVersion`.
  /// - Returns: The document as `T`.
  /// - Throws: ``DocumentError`` when the text is not runlens metrics of this schema version.
  static func decode<T: Decodable>(
    _ type: T.Type, from bytes: [UInt8], version: KeyPath<T, Int>
  ) throws(DocumentError) -> T {
    let metrics: T
    do {
      metrics = try JSONDecoder().decode(T.self, from: Data(bytes))
    } catch {
      throw DocumentError(message: "not runlens metrics JSON (\(error))")
    }
    guard metrics[keyPath: version] == schemaVersion else {
      throw DocumentError(
        message: "metrics schemaVersion \(metrics[keyPath: version]) is not \(schemaVersion)")
    }
    return metrics
  }
}
