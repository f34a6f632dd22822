/// A GitHub API call that failed, with a message that says what to do about it.
///
/// The message never contains the token.
package struct GitHubError: Error, Sendable, Hashable, CustomStringConvertible {
  /// What kind of failure this is.
  package struct Code: Sendable, Hashable, CustomStringConvertible {
    private enum Kind: String, Sendable, Hashable {
      case noToken = "no token"
      case unauthorized
      case forbidden
      case notFound = "not found"
      case rateLimited = "rate limited"
      case server = "server error"
      case transport = "connection failed"
      case timeout = "timed out"
      case badResponse = "unexpected response"
      case file = "file error"
    }
    private let kind: Kind

    /// Neither `GH_TOKEN` nor `GITHUB_TOKEN` is set (a usage error).
    package static let noToken = Code(kind: .noToken)
    /// 401: the token was rejected.
    package static let unauthorized = Code(kind: .unauthorized)
    /// 403 without a rate limit: a permission is likely missing.
    package static let forbidden = Code(kind: .forbidden)
    /// 404: the resource does not exist or the token cannot see it.
    package static let notFound = Code(kind: .notFound)
    /// A primary or secondary rate limit that lasts longer than the wait bound.
    package static let rateLimited = Code(kind: .rateLimited)
    /// 5xx after every retry.
    package static let server = Code(kind: .server)
    /// The connection failed after every retry.
    package static let transport = Code(kind: .transport)
    /// No answer within the request timeout, after every retry.
    package static let timeout = Code(kind: .timeout)
    /// An answer of a shape GitHub does not give.
    package static let badResponse = Code(kind: .badResponse)
    /// A local file (cache, output) could not be written.
    package static let file = Code(kind: .file)

    /// The kind's name.
    package var description: String { kind.rawValue }
  }

  /// The kind of failure.
  package var code: Code
  /// What failed and what to do, lowercase, without a trailing period.
  package var message: String
  /// The HTTP status, when the server answered.
  package var status: Int?

  /// Creates an error.
  package init(_ code: Code, _ message: String, status: Int? = nil) {
    self.code = code
    self.message = message
    self.status = status
  }

  /// The message.
  package var description: String { message }
}
