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
    /// Its author's login (`user.login`), `nil` when the list does not say.
    package var author: String?
    /// Whether its author is an app (`user.type` `Bot`, such as `github-actions[bot]`).
    package var byApp: Bool

    /// A comment.
    package init(
      id: Int64, body: String, url: String? = nil, author: String? = nil, byApp: Bool = false
    ) {
      self.id = id
      self.body = body
      self.url = url
      self.author = author
      self.byApp = byApp
    }
  }

  /// Whose comments runlens may take for its own: the token's.
  package enum Author: Sendable, Hashable {
    /// A user's token (a personal access token): comments by this login (`GET /user`'s).
    case user(String)
    /// An app's installation token, such as the workflow's `GITHUB_TOKEN` (which `GET /user`
    /// refuses): comments by an app (`github-actions[bot]` for the workflow's token), never a
    /// person's.
    case app

    /// Whether `comment` was written with such a token.
    package func wrote(_ comment: Existing) -> Bool {
      switch self {
      case .user(let login):
        // Logins are case-insensitive on GitHub.
        guard let author = comment.author else { return false }
        return author.lowercased() == login.lowercased()
      case .app: return comment.byApp
      }
    }
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
    return comments.map {
      Existing(
        id: $0.id, body: $0.body ?? "", url: $0.html_url, author: $0.user?.login,
        byApp: $0.user?.type == "Bot")
    }
  }

  /// The comment to update: the oldest by `author` whose text starts with `marker`.
  ///
  /// Another author's comment that starts with the marker (a person who copied it, or a
  /// comment made to take the updates over) is never taken: a token with write access may
  /// edit other people's comments, and would overwrite it.
  package static func existing(in comments: [Existing], marker: String, author: Author)
    -> Existing?
  {
    comments.filter { $0.body.hasPrefix(marker) && author.wrote($0) }.min { $0.id < $1.id }
  }

  /// The login of a `GET /user` answer, `nil` when it has none.
  package static func login(user bytes: [UInt8]) -> String? {
    guard let user = try? JSONDecoder().decode(User.self, from: Data(bytes)),
      let login = user.login, !login.isEmpty
    else { return nil }
    return login
  }

  /// A comment's author, as the API gives it.
  private struct User: Decodable {
    var login: String?
    var type: String?
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
