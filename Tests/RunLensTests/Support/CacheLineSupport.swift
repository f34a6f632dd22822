@testable import RunLens

/// Helpers for the family tests: one message through the matcher, a short job through the
/// whole reader.
enum CacheLineSupport {
  /// The match of one message (without timestamp), decoded without repair diagnostics.
  static func match(_ message: String, annotated: Bool = false) -> CacheLineMatcher.Match? {
    Array(message.utf8).withUnsafeBufferPointer { bytes in
      CacheLineMatcher.match(
        bytes, annotated: annotated, decode: { String(decoding: $0, as: UTF8.self) })
    }
  }

  /// The cache line of one message, if it is one by itself.
  static func line(_ message: String) -> CacheLine? { match(message)?.line }

  /// A job of one step whose header is `header` (without `##[endgroup]`) and whose output is
  /// `body`, then the lines of `post` in a post step when given; timestamps are added.
  static func job(_ header: String, _ body: String, post: String? = nil) -> JobRun {
    var text = header + "\n##[endgroup]\n" + body
    if let post { text += "\nPost job cleanup.\n" + post }
    return Parsing.job(Parsing.timestamped(text))
  }
}
