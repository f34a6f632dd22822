internal import FoundationEssentials

/// The comment runlens keeps up to date on a pull request: found again by its first line, a
/// `<!-- runlens:… -->` marker.
package enum PullRequestComment {
  /// A comment of `GET /repos/{o}/{r}/issues/{n}/comments`.
  package struct Existing: Sendable, Hashable {
    /// The comment's id.
    package var id: Int64
    /// The comment's text.
    package var body: String
    /// The comment's page.
    package var url: String?
  }

  /// A document that is not a comments list.
  package typealias ParseError = DocumentError

  /// The marker of a comment text: its first line, when it is an HTML comment (`<!-- … -->`).
  package static func marker(of body: String) -> String? {
    guard
      let first = body.split(omittingEmptySubsequences: false, whereSeparator: \.isNewline).first
    else { return nil }
    let line = String(first)
    let trimmed = line.trimmedWhitespace()
    guard trimmed.hasPrefix("<!--"), trimmed.hasSuffix("-->"), trimmed.count > 7 else {
      return nil
    }
    return line
  }

  /// The comments of a list: one page (a JSON array), pages back to back, or an array of pages.
  ///
  /// - Throws: ``ParseError`` when the text is not a comments list.
  package static func parse(_ bytes: [UInt8]) throws(ParseError) -> [Existing] {
    var comments: [Raw] = []
    let decoder = JSONDecoder()
    for document in JSONPages.split(bytes) {
      let data = Data(document)
      if let list = try? decoder.decode([Raw].self, from: data) {
        comments += list
      } else if let pages = try? decoder.decode([[Raw]].self, from: data) {
        comments += pages.flatMap { $0 }
      } else {
        throw ParseError(message: "not a list of issue comments")
      }
    }
    return comments.map { Existing(id: $0.id, body: $0.body ?? "", url: $0.html_url) }
  }

  /// The comment to update: the oldest whose text starts with `marker`.
  package static func existing(in comments: [Existing], marker: String) -> Existing? {
    comments.filter { $0.body.hasPrefix(marker) }.min { $0.id < $1.id }
  }

  // swift-format-ignore: AlwaysUseLowerCamelCase
  private struct Raw: Decodable {
    var id: Int64
    var body: String?
    var html_url: String?
  }
}

extension PullRequestComment {
  /// The `html_url` of a created or updated comment, `nil` when the answer has none.
  package static func parse(created bytes: [UInt8]) -> String? {
    struct Answer: Decodable {
      // swift-format-ignore: AlwaysUseLowerCamelCase
      var html_url: String?
    }
    return (try? JSONDecoder().decode(Answer.self, from: Data(bytes)))?.html_url
  }
}
