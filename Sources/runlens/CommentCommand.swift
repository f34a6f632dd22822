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
      `runlens compare` writes first); the oldest comment that starts with it and was written
      by the token's login (GraphQL's viewer: the token's user, or github-actions[bot] for
      the workflow's token) is updated instead of adding another. Another author's comment
      with the marker is never edited. Prints the comment's URL. The token (GH_TOKEN, else
      GITHUB_TOKEN) needs pull-requests: write. On a pull request from a fork the token is
      read-only: that is a warning, not a failure, unless --strict.
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
    let commenter = PullRequestCommenter(
      client: try GitHubAccess.session().client, repository: repo, pullRequest: pr)
    let outcome: PullRequestCommenter.Outcome
    do {
      outcome = try commenter.upsert(body, marker: marker)
    } catch {
      throw GitHubAccess.fail(error)
    }
    switch outcome {
    case .posted(let url), .updated(let url):
      let action = outcome == .posted(url: url) ? "posted" : "updated"
      Terminal.printError("runlens: \(action) the comment on #\(pr)")
      do {
        try OutputWriter.writeStandardOutput((url ?? "(no URL in the answer)") + "\n")
      } catch {
        Terminal.printError("error: \(error.path): \(error.reason)")
        throw ExitCode.failure
      }
    case .readOnly(let warning):
      Terminal.printError("warning: \(warning)")
      if strict { throw ExitCode.failure }
    }
  }
}
