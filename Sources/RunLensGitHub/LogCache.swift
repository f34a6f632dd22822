package import Foundation

/// Downloaded job logs kept by job id: a completed job's log never changes.
///
/// Files are written to a temporary name in the same folder and renamed, so an interrupted
/// download leaves nothing half-written.
package struct LogCache: Sendable {
  /// The cache's root folder.
  package var directory: URL

  /// Creates a cache rooted at `directory`.
  package init(directory: URL) {
    self.directory = directory
  }

  /// The default folder: `$XDG_CACHE_HOME/runlens`, else `~/.cache/runlens`.
  package static func defaultDirectory(environment: [String: String]) -> URL {
    if let xdg = environment["XDG_CACHE_HOME"], !xdg.isEmpty {
      return URL(fileURLWithPath: xdg).appendingPathComponent("runlens")
    }
    let home = environment["HOME"].flatMap { $0.isEmpty ? nil : $0 } ?? NSHomeDirectory()
    return URL(fileURLWithPath: home).appendingPathComponent(".cache/runlens")
  }

  /// Where the log of `jobID` on `host` is kept (job ids are per GitHub instance).
  package func path(host: String, jobID: Int64) -> URL {
    directory.appendingPathComponent("logs").appendingPathComponent(host)
      .appendingPathComponent("\(jobID).log")
  }

  /// The cached log, when present.
  package func log(host: String, jobID: Int64) -> Data? {
    FileManager.default.contents(atPath: path(host: host, jobID: jobID).path)
  }

  /// Keeps a log.
  ///
  /// - Throws: ``GitHubError`` with code ``GitHubError/Code/file``.
  package func store(_ data: Data, host: String, jobID: Int64) throws(GitHubError) {
    try AtomicFile.write(data, to: path(host: host, jobID: jobID))
  }
}

/// Writes a file under a temporary name and renames it into place.
package enum AtomicFile {
  /// Writes `data` to `url`, creating the folders.
  ///
  /// - Throws: ``GitHubError`` with code ``GitHubError/Code/file``.
  package static func write(_ data: Data, to url: URL) throws(GitHubError) {
    let folder = url.deletingLastPathComponent()
    let temporary = folder.appendingPathComponent(
      ".\(url.lastPathComponent).\(UUID().uuidString).tmp")
    do {
      try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
      try data.write(to: temporary)
      // rename(2) in one folder replaces the file in one step: a reader sees the old file or
      // the whole new one, never half of one, and two writers of one file do not collide.
      guard rename(temporary.path, url.path) == 0 else {
        let reason = String(cString: strerror(errno))
        try? FileManager.default.removeItem(at: temporary)
        throw GitHubError(.file, "\(url.path): cannot write: \(reason)")
      }
    } catch let error as GitHubError {
      throw error
    } catch {
      try? FileManager.default.removeItem(at: temporary)
      throw GitHubError(.file, "\(url.path): cannot write: \(error.localizedDescription)")
    }
  }
}
