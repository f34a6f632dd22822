import ArgumentParser
import RunLens

/// Reads cache listing files (`gh cache list --json …` or REST pages) for `report --caches`,
/// the way `budget` reads them.
enum CacheListingFiles {
  /// The entries of every file; a file that cannot be read or parsed stops the command.
  ///
  /// - Throws: `ExitCode.failure` after a message on standard error.
  /// - Returns: The entries, pages added up.
  static func read(_ paths: [String]) throws -> [CacheEntry] {
    var entries: [CacheEntry] = []
    for path in paths {
      do {
        let chunks = try ChunkReader(path: path)
        var bytes: [UInt8] = []
        while let chunk = try chunks.next() { bytes.append(contentsOf: chunk) }
        entries += try CacheListing.parse(bytes)
      } catch let error as IOFailure {
        Terminal.printError("error: \(path): cannot read: \(error.reason)")
        throw ExitCode.failure
      } catch let error as DocumentError {
        Terminal.printError("error: \(path): \(error.message)")
        throw ExitCode.failure
      }
    }
    return entries
  }
}
