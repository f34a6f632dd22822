/// Test failures rendered ahead, while the rest of the run is still being read.
///
/// The failures of a large test report (up to 500, each with its message, text and output)
/// are most of the work of both renderers, and each is a pure function of one
/// ``TestSummary/Failure``. A caller that reads JUnit files on one thread can render each
/// failure on another as soon as the summary lists it (``TestSummaryBuilder/listedFailures(from:)``),
/// then hand the pieces to ``MarkdownSummary/render(_:options:rendered:)`` and
/// ``MetricsJSON/render(_:rendered:)``, which use them for the first ``count`` failures and
/// render any others themselves. The output is the same byte for byte.
public struct RenderedFailures: Sendable {
  /// Each failure's Markdown block, with its text (``markdown(_:)``).
  public private(set) var markdown: [String] = []
  /// Each failure's JSON object as written in the metrics (``json(_:)``).
  public private(set) var json: [String] = []
  /// Whether Markdown blocks are rendered.
  public let includesMarkdown: Bool
  /// Whether JSON objects are rendered.
  public let includesJSON: Bool

  /// Creates an empty set.
  ///
  /// - Parameters:
  ///   - markdown: Whether to render Markdown blocks.
  ///   - json: Whether to render JSON objects.
  public init(markdown: Bool = true, json: Bool = true) {
    includesMarkdown = markdown
    includesJSON = json
  }

  /// No failure rendered ahead, and none to render.
  public static let none = RenderedFailures(markdown: false, json: false)

  /// The number of failures rendered, in the summary's order.
  public var count: Int { max(markdown.count, json.count) }

  /// The UTF-8 bytes of the Markdown blocks, and of the JSON objects: what a renderer
  /// reserves room for.
  private(set) var markdownBytes = 0
  private(set) var jsonBytes = 0

  /// Renders the next failure of the summary's list.
  ///
  /// - Parameter failure: The failure at index ``count`` of ``TestSummary/failures``.
  public mutating func append(_ failure: TestSummary.Failure) {
    if includesMarkdown {
      markdown.append(Self.markdown(failure))
      markdownBytes += markdown[markdown.count - 1].utf8.count
    }
    if includesJSON {
      json.append(Self.json(failure))
      jsonBytes += json[json.count - 1].utf8.count
    }
  }

  /// A failure's Markdown block with its text, as the full summary shows it.
  public static func markdown(_ failure: TestSummary.Failure) -> String {
    MarkdownSummary.failureBlock(failure, withText: true)
  }

  /// A failure's JSON object, written at the depth the metrics hold it
  /// (`tests.failures[i]`), without the indentation of its first line.
  public static func json(_ failure: TestSummary.Failure) -> String {
    MetricsJSON.failureText(failure)
  }
}
