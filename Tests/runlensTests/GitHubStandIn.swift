import Foundation
import Testing

/// The local stand-in for the GitHub API (`Tests/GitHubStandIn/server.py`), one per test: an
/// API server and a log-storage server on 127.0.0.1 ephemeral ports.
final class GitHubStandIn {
  /// The API server's port.
  let apiPort: Int
  /// The storage server's port.
  let storagePort: Int
  /// A scratch folder for the test (requests log, outputs, cache).
  let folder: URL
  private let process: Process

  /// Starts the servers.
  init() throws {
    folder = FileManager.default.temporaryDirectory.appendingPathComponent(
      "runlens-standin-\(UUID().uuidString)")
    try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
    let root = ReportCommandTests.packageRoot
    process = Process()
    process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
    process.arguments = [
      "python3", root.appendingPathComponent("Tests/GitHubStandIn/server.py").path,
      "--fixtures", root.appendingPathComponent("Fixtures/github-api").path,
      "--requests", folder.appendingPathComponent("requests.jsonl").path,
    ]
    let portsFile = folder.appendingPathComponent("ports.json")
    process.arguments? += ["--ports", portsFile.path]
    process.standardOutput = FileHandle.nullDevice
    process.standardError = FileHandle.nullDevice
    try process.run()
    var line: Data?
    for _ in 0..<200 {
      line = FileManager.default.contents(atPath: portsFile.path)
      if line != nil { break }
      Thread.sleep(forTimeInterval: 0.05)
    }
    let ports = try JSONSerialization.jsonObject(with: try #require(line)) as? [String: Int]
    apiPort = try #require(ports?["api"])
    storagePort = try #require(ports?["storage"])
  }

  deinit {
    process.terminate()
    process.waitUntilExit()
    try? FileManager.default.removeItem(at: folder)
  }

  /// The environment of a runlens process talking to this stand-in.
  func environment(token: String? = "test-token-SECRET", extra: [String: String] = [:])
    -> [String: String]
  {
    var environment = [
      "GITHUB_API_URL": "http://127.0.0.1:\(apiPort)",
      "PATH": ProcessInfo.processInfo.environment["PATH"] ?? "/usr/bin:/bin",
      "HOME": folder.path,
      "RUNLENS_RETRY_DELAY": "0.05",
    ]
    if let token { environment["GH_TOKEN"] = token }
    for (name, value) in extra { environment[name] = value }
    return environment
  }

  /// One request the servers saw.
  struct Request: Decodable {
    var host: String
    var method: String
    var path: String
    var authorization: Bool
    var accept: String?
    var version: String?
    var agent: String?
  }

  /// The requests so far, in order.
  func requests() throws -> [Request] {
    let url = folder.appendingPathComponent("requests.jsonl")
    guard let data = FileManager.default.contents(atPath: url.path) else { return [] }
    return try data.split(separator: UInt8(ascii: "\n")).map {
      try JSONDecoder().decode(Request.self, from: Data($0))
    }
  }

  /// A path in the scratch folder.
  func path(_ name: String) -> String {
    folder.appendingPathComponent(name).path
  }
}
