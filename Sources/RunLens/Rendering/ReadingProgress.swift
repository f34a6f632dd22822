/// The progress of reading large inputs, as the text of a terminal's last line: shown once 64 MB
/// were read, then after each further 64 MB and each input done, and cleared at the end.
///
/// - Important: Not thread-safe; threads that read at once share one behind a lock.
package struct ReadingProgress: Sendable, Hashable {
  /// The bytes read between two updates of the line.
  package static let step: Int64 = 64_000_000

  /// The bytes read so far.
  package private(set) var bytes: Int64 = 0
  /// The inputs read to their end so far.
  package private(set) var files = 0
  private var shownAt: Int64 = 0

  /// An empty count.
  package init() {}

  /// Counts bytes read.
  ///
  /// - Returns: The line to show (starting with a carriage return), or `nil` when it is not due.
  package mutating func add(_ count: Int) -> String? {
    bytes = bytes.saturatingAdding(Int64(count))
    guard bytes - shownAt >= Self.step else { return nil }
    shownAt = bytes
    return line
  }

  /// Counts an input read to its end.
  ///
  /// - Returns: The line to show once the line is shown at all, else `nil`.
  package mutating func fileDone() -> String? {
    files += 1
    return shownAt > 0 ? line : nil
  }

  /// The text that clears the line, or `nil` when it was never shown.
  package var clearing: String? { shownAt > 0 ? "\r\u{1B}[K" : nil }

  private var line: String {
    "\rrunlens: \(files) file\(files == 1 ? "" : "s") done, \(bytes / 1_000_000) MB read"
  }
}
