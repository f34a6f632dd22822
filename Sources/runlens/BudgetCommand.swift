import ArgumentParser
import Foundation
import RunLens
import RunLensGitHub

/// `runlens budget`: the repository's caches against the limit and the planned allocations.
struct BudgetCommand: ParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "budget",
    abstract: "Check a repository's caches against GitHub's limit and the planned allocations.",
    discussion: """
      Each CACHES file is `gh cache list --limit 1000 --json createdAt,id,key,lastAccessedAt,ref,sizeInBytes,version` \
      output or a page of the REST `GET /repos/{o}/{r}/actions/caches` answer; pages add up. \
      Exit codes: 0 written; 1 an input could not be read; 2 with --fail-on-limit, over the \
      limit; 64 usage error.
      """
  )

  @Argument(help: "Cache listings (gh cache list --json …, or REST caches pages).")
  var listings: [String] = []

  @Option(help: "The repository limit: 10GB (default), 10GiB, or bytes.")
  var limit: String?

  @Option(help: "Judge idle entries at this ISO 8601 time (default: now).")
  var asOf: String?

  @Option(help: "The output format.")
  var format: ReportCommand.Format = .markdown

  @Option(name: .shortAndLong, help: "Write to this file instead of standard output.")
  var output: String?

  @Option(
    help: "A runlens.json with the limit and allocations (default: ./runlens.json when present).")
  var config: String?

  @Flag(help: "Exit 2 when the caches are over the limit.")
  var failOnLimit = false

  @Option(help: "Read the caches from the GitHub API for OWNER/REPO (every page).")
  var repo: String?

  func validate() throws {
    // A bad configuration is a usage error of this command, with its usage line.
    _ = try ConfigurationFile.load(config)
    try GitHubAccess.validate(repository: repo)
    if listings.isEmpty && repo == nil {
      throw ValidationError("budget needs at least one cache listing, or --repo OWNER/REPO")
    }
    if let limit, ByteSize.parse(limit) == nil {
      throw ValidationError(
        "--limit is not a size: \(limit) (try 10GB, 10GiB or a number of bytes)")
    }
    if let asOf, LogTime(parsingISO8601: asOf) == nil {
      throw ValidationError("--as-of is not an ISO 8601 time: \(asOf) (try 2025-10-04T12:00:00Z)")
    }
  }

  func run() throws {
    var configuration = try ConfigurationFile.load(config)
    if let limit, let bytes = ByteSize.parse(limit) { configuration.limitBytes = bytes }
    var check = CacheBudgetCheck(
      configuration: configuration, asOf: asOf.flatMap(LogTime.init(parsingISO8601:)) ?? Self.now())
    if let repo {
      let session = try GitHubAccess.session()
      do { check.entries = try session.caches(repo) } catch { throw GitHubAccess.fail(error) }
    }
    for path in listings {
      do throws(IOFailure) {
        let chunks = try ChunkReader(path: path)
        var bytes: [UInt8] = []
        while let chunk = try chunks.next() { bytes.append(contentsOf: chunk) }
        check.add(listing: bytes, source: path)
      } catch {
        check.addUnreadable(error.path, reason: error.reason)
      }
    }
    for diagnostic in check.unreadable {
      Terminal.printError("error: \(diagnostic.location): \(diagnostic.message)")
    }
    let (text, overLimit) = check.render(json: format == .json)
    try OutputWriter.emit(text, to: output)
    if !check.unreadable.isEmpty { throw ExitCode.failure }
    if failOnLimit, overLimit { throw ExitCode(2) }
  }

  /// The current time, the CLI's to read; the library never looks at the clock.
  static func now() -> LogTime {
    let seconds = Date().timeIntervalSince1970.rounded(.down)
    let text = ISO8601DateFormatter().string(from: Date(timeIntervalSince1970: seconds))
    return LogTime(text: text, nanosecondsSinceEpoch: Int64(seconds) * 1_000_000_000)
  }
}
