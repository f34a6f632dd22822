import ArgumentParser
import Foundation
import RunLens
import RunLensGitHub

/// `runlens comment`: posts a file as a PR comment, or updates the comment it posted before.
struct CommentCommand: ParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "comment",
    abstract: "Post FILE as a pull-request comment, or update the one posted before.",
    discussion: """
      FILE's first line is its marker (an HTML comment such as `<!-- runlens:ci -->`, which
      `runlens compare` writes first); a comment that starts with it is updated instead of
      adding another. Prints the comment's URL. The token (GH_TOKEN, else GITHUB_TOKEN) needs
      pull-requests: write. On a pull request from a fork the token is read-only: that is a
      warning, not a failure, unless --strict.
      Exit codes: 0 posted, updated, or refused for a read-only token; 1 failed (or, with
      --strict, refused); 64 usage error.
      """
  )

  @Option(help: "The repository, OWNER/REPO.")
  var repo: String

  @Option(help: "The pull request's number.")
  var pr: Int

  @Argument(help: "The comment's Markdown; its first line is the marker.")
  var file: String

  @Flag(help: "Exit 1 when the token may not comment (a pull request from a fork).")
  var strict = false

  func validate() throws {
    try GitHubAccess.validate(repository: repo)
    if pr < 1 { throw ValidationError("--pr must be a pull request number") }
  }

  func run() throws {
    guard let data = FileManager.default.contents(atPath: file) else {
      Terminal.printError("error: \(file): cannot read the file")
      throw ExitCode.failure
    }
    let body = String(decoding: data, as: UTF8.self)
    guard let marker = PullRequestComment.marker(of: body) else {
      throw ValidationError(
        "\(file): the first line must be a marker such as <!-- runlens:ci --> (runlens compare "
          + "--format markdown writes one)")
    }
    let client = try GitHubAccess.client()
    let issue = "/repos/\(repo)/issues/\(pr)/comments"
    do {
      var comments: [PullRequestComment.Existing] = []
      for page in try client.pages(issue, query: [("per_page", "100")], needs: .pullRequestsWrite) {
        comments += try PullRequestComment.parse([UInt8](page))
      }
      let payload = try JSONSerialization.data(withJSONObject: ["body": body])
      let answer: Data
      let action: String
      if let existing = PullRequestComment.existing(in: comments, marker: marker) {
        answer = try client.sendJSON(
          "PATCH", "/repos/\(repo)/issues/comments/\(existing.id)", body: payload,
          needs: .pullRequestsWrite)
        action = "updated"
      } else {
        answer = try client.sendJSON("POST", issue, body: payload, needs: .pullRequestsWrite)
        action = "posted"
      }
      let url = PullRequestComment.parse(created: [UInt8](answer)) ?? "(no URL in the answer)"
      Terminal.printError("runlens: \(action) the comment on #\(pr)")
      try OutputWriter.writeStandardOutput(url + "\n")
    } catch let error as GitHubError where error.code == .forbidden {
      Terminal.printError(
        "warning: cannot comment on #\(pr): the token is read-only here. A pull request from a "
          + "fork gets a read-only GITHUB_TOKEN, so no comment is posted (the step summary still "
          + "has the report); otherwise grant `permissions: pull-requests: write`. (\(error.message))"
      )
      if strict { throw ExitCode.failure }
    } catch let error as DocumentError {
      Terminal.printError("error: \(repo)#\(pr): \(error.message)")
      throw ExitCode.failure
    } catch let error as IOFailure {
      Terminal.printError("error: \(error.path): \(error.reason)")
      throw ExitCode.failure
    } catch {
      throw GitHubAccess.fail(error)
    }
  }
}
