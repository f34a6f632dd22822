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

  /// The cached log's file, when present.
  package func cached(host: String, jobID: Int64) -> URL? {
    let url = path(host: host, jobID: jobID)
    return FileManager.default.fileExists(atPath: url.path) ? url : nil
  }

  /// Keeps a copy of the log at `file`.
  ///
  /// - Throws: ``GitHubError`` with code ``GitHubError/Code/file``.
  package func store(copyOf file: URL, host: String, jobID: Int64) throws(GitHubError) {
    try AtomicFile.copy(file, to: path(host: host, jobID: jobID))
  }
}

/// Writes a file under a temporary name and renames it into place.
package enum AtomicFile {
  /// A temporary name beside `url`, in the same folder (so that the rename is one step).
  package static func temporary(for url: URL) -> URL {
    url.deletingLastPathComponent().appendingPathComponent(
      ".\(url.lastPathComponent).\(UUID().uuidString).tmp")
  }

  /// Writes `data` to `url`, creating the folders.
  ///
  /// - Throws: ``GitHubError`` with code ``GitHubError/Code/file``.
  package static func write(_ data: Data, to url: URL) throws(GitHubError) {
    try put(url) { try data.write(to: $0) }
  }

  /// Copies `source` to `url`, creating the folders.
  ///
  /// - Throws: ``GitHubError`` with code ``GitHubError/Code/file``.
  package static func copy(_ source: URL, to url: URL) throws(GitHubError) {
    try put(url) { try FileManager.default.copyItem(at: source, to: $0) }
  }

  /// Creates the folders of `url`, has `make` write a temporary file beside it, and renames
  /// that into place; the temporary file is removed when any step fails.
  private static func put(_ url: URL, _ make: (URL) throws -> Void) throws(GitHubError) {
    let temporary = temporary(for: url)
    do {
      try FileManager.default.createDirectory(
        at: url.deletingLastPathComponent(), withIntermediateDirectories: true)
      try make(temporary)
    } catch {
      try? FileManager.default.removeItem(at: temporary)
      throw GitHubError(.file, "\(url.path): cannot write: \(error.localizedDescription)")
    }
    try replace(url, with: temporary)
  }

  /// Puts `temporary` (in the same folder) in the place of `url`.
  ///
  /// rename(2) replaces the file in one step: a reader sees the old file or the whole new one,
  /// never half of one, and two writers of one file do not collide.
  ///
  /// - Throws: ``GitHubError`` with code ``GitHubError/Code/file``; `temporary` is removed.
  package static func replace(_ url: URL, with temporary: URL) throws(GitHubError) {
    guard rename(temporary.path, url.path) == 0 else {
      let reason = String(cString: strerror(errno))
      try? FileManager.default.removeItem(at: temporary)
      throw GitHubError(.file, "\(url.path): cannot write: \(reason)")
    }
  }
}
