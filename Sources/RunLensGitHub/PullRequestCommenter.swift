import Foundation
package import RunLens

/// Posts a pull-request comment, or updates the one the same token posted with the same marker.
package struct PullRequestCommenter: Sendable {
  /// What became of the comment.
  package enum Outcome: Sendable, Hashable {
    /// A new comment was posted; its URL, when the answer had one.
    case posted(url: String?)
    /// The comment with the marker was updated; its URL, when the answer had one.
    case updated(url: String?)
    /// The token may not comment (a pull request from a fork gets a read-only token); the
    /// warning to show.
    case readOnly(warning: String)
  }

  /// The request that puts a comment in place: a method and an API path.
  package struct Request: Sendable, Hashable {
    /// `POST` or `PATCH`.
    package var method: String
    /// The API path.
    package var path: String
  }

  /// The client.
  package var client: GitHubClient
  /// `owner/name`.
  package var repository: String
  /// The pull request's number.
  package var pullRequest: Int

  /// Creates a commenter on pull request `pullRequest` of `repository`.
  package init(client: GitHubClient, repository: String, pullRequest: Int) {
    self.client = client
    self.repository = repository
    self.pullRequest = pullRequest
  }

  /// The pull request's comments path (`GET` lists them, `POST` adds one).
  package var commentsPath: String { "/repos/\(repository)/issues/\(pullRequest)/comments" }

  /// The request for a comment with `marker`: `PATCH` of the oldest comment by `author` that
  /// starts with it, else (also without an author) `POST` of a new one.
  package func request(
    marker: String, existing comments: [PullRequestComment.Existing], author: String?
  ) -> Request {
    if let author,
      let existing = PullRequestComment.existing(in: comments, marker: marker, author: author)
    {
      return Request(method: "PATCH", path: "/repos/\(repository)/issues/comments/\(existing.id)")
    }
    return Request(method: "POST", path: commentsPath)
  }

  /// The warning for a token refused with 403 (`message` is the API's error message).
  package func readOnlyWarning(_ message: String) -> String {
    "cannot comment on #\(pullRequest): the token is read-only here. A pull request from a "
      + "fork gets a read-only GITHUB_TOKEN, so no comment is posted (the step summary still "
      + "has the report); otherwise grant `permissions: pull-requests: write`. (\(message))"
  }

  /// The token's login, as its comments give it.
  ///
  /// A user's, or an app's such as `github-actions[bot]` for the workflow's token. Asked of
  /// GraphQL's `viewer`, which answers every kind of token; the REST `GET /user` refuses an
  /// app's installation token.
  ///
  /// - Throws: ``GitHubError`` when the token is rejected, or the answer has no login: never
  ///   ``GitHubError/Code/forbidden``, which would read as a read-only token.
  package func viewer() throws(GitHubError) -> String {
    let url = client.connection.graphQLURL
    let answer = try client.send("POST", url, body: Data(PullRequestComment.viewerQuery.utf8))
    if answer.status == 401 { try client.check(answer, "POST", url, needs: .pullRequestsWrite) }
    guard (200..<300).contains(answer.status) else {
      throw GitHubError(
        .badResponse,
        "POST \(GitHubClient.shown(url)): cannot tell whose comments are the token's: GitHub "
          + "answered \(answer.status)" + GitHubClient.detail(answer.body), status: answer.status)
    }
    do {
      return try PullRequestComment.viewerLogin([UInt8](answer.body))
    } catch {
      throw GitHubError(
        .badResponse,
        "POST \(GitHubClient.shown(url)): cannot tell whose comments are the token's: "
          + error.message)
    }
  }

  /// Posts `body`, or updates the comment by the token's login (``viewer()``) that starts
  /// with `marker`.
  ///
  /// - Parameters:
  ///   - body: The comment's Markdown.
  ///   - marker: Its first line (``PullRequestComment/marker(of:)``).
  /// - Returns: What became of the comment; a 403 is ``Outcome/readOnly(warning:)``. A marked
  ///   comment that cannot be updated (404: deleted since it was listed; 403: refused) gives
  ///   way to a new one. Another author's comment with the marker is left alone.
  /// - Throws: ``GitHubError``; a comments page that is not a list of comments is
  ///   ``GitHubError/Code/badResponse``.
  package func upsert(_ body: String, marker: String) throws(GitHubError) -> Outcome {
    do throws(GitHubError) {
      var comments: [PullRequestComment.Existing] = []
      for page in try client.pages(
        commentsPath, query: [("per_page", "100")], needs: .pullRequestsWrite)
      {
        do {
          comments += try PullRequestComment.parse([UInt8](page))
        } catch {
          throw GitHubError(.badResponse, "\(repository)#\(pullRequest): \(error.message)")
        }
      }
      let payload: Data
      do {
        payload = try JSONSerialization.data(withJSONObject: ["body": body])
      } catch {
        throw GitHubError(.badResponse, "cannot encode the comment: \(error)")
      }
      // Whose comments are the token's matters only when one has the marker.
      var author: String?
      if comments.contains(where: { $0.body.hasPrefix(marker) }) { author = try viewer() }
      let request = request(marker: marker, existing: comments, author: author)
      if request.method == "PATCH" {
        do throws(GitHubError) {
          let answer = try client.sendJSON(
            "PATCH", request.path, body: payload, needs: .pullRequestsWrite)
          return .updated(url: PullRequestComment.parse(created: [UInt8](answer)))
        } catch  where error.code == .forbidden || error.code == .notFound {
          // Deleted since it was listed, or refused: a new comment, which a read-only token is
          // refused in turn.
        }
      }
      let answer = try client.sendJSON(
        "POST", commentsPath, body: payload, needs: .pullRequestsWrite)
      return .posted(url: PullRequestComment.parse(created: [UInt8](answer)))
    } catch  where error.code == .forbidden {
      return .readOnly(warning: readOnlyWarning(error.message))
    }
  }
}
