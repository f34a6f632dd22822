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
    /// Its author's login (`user.login`: `github-actions[bot]` for the workflow's token),
    /// `nil` when the list does not say.
    package var author: String?

    /// A comment.
    package init(id: Int64, body: String, url: String? = nil, author: String? = nil) {
      self.id = id
      self.body = body
      self.url = url
      self.author = author
    }

    /// Whether `login` wrote it: the same bytes but for the case of ASCII letters (logins are
    /// ASCII and case-insensitive on GitHub; a Unicode case fold would make `K`, the Kelvin
    /// sign, a `k`).
    package func isBy(_ login: String) -> Bool {
      guard let author else { return false }
      func folded(_ byte: UInt8) -> UInt8 { (0x41...0x5A).contains(byte) ? byte | 0x20 : byte }
      return author.utf8.elementsEqual(login.utf8) { folded($0) == folded($1) }
    }
  }

  /// A document that is not what it should be: a comments list, a GraphQL answer.
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
    return comments.map {
      Existing(id: $0.id, body: $0.body ?? "", url: $0.html_url, author: $0.user?.login)
    }
  }

  /// The comment to update: the oldest by `author` (the token's login) whose text starts
  /// with `marker`.
  ///
  /// Another author's comment that starts with the marker (a person who copied it, another
  /// app's, or one made to take the updates over) is never taken: a token with write access
  /// may edit other people's comments, and would overwrite it.
  package static func existing(in comments: [Existing], marker: String, author: String)
    -> Existing?
  {
    comments.filter { $0.body.hasPrefix(marker) && $0.isBy(author) }.min { $0.id < $1.id }
  }

  /// The GraphQL query for the token's login: a user's, or an app's such as
  /// `github-actions[bot]` (the REST `GET /user` refuses an app's installation token).
  package static let viewerQuery = #"{"query":"query { viewer { login } }"}"#

  /// The login of an answer to ``viewerQuery``.
  ///
  /// - Throws: ``ParseError`` with GraphQL's first error message, or when there is no login.
  package static func viewerLogin(_ bytes: [UInt8]) throws(ParseError) -> String {
    struct Answer: Decodable {
      struct Data: Decodable {
        struct Viewer: Decodable { var login: String? }
        var viewer: Viewer?
      }
      struct Failure: Decodable { var message: String? }
      var data: Data?
      var errors: [Failure]?
    }
    guard let answer = try? JSONDecoder().decode(Answer.self, from: Data(bytes)) else {
      throw ParseError(message: "not a GraphQL answer")
    }
    if let login = answer.data?.viewer?.login, !login.isEmpty { return login }
    if let errors = answer.errors, !errors.isEmpty {
      throw ParseError(message: "GraphQL error: \(errors[0].message ?? "(no message)")")
    }
    throw ParseError(message: "the answer has no viewer login")
  }

  /// A comment's author, as the API gives it.
  private struct User: Decodable {
    var login: String?
  }

  // swift-format-ignore: AlwaysUseLowerCamelCase
  private struct Raw: Decodable {
    var id: Int64
    var body: String?
    var html_url: String?
    var user: User?
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
