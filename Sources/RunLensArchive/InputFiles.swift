/// An input that could not be opened or read: the path and why, in lowercase words.
package struct InputFailure: Error, Sendable, Hashable {
  /// The file (`-` for standard input).
  package var path: String
  /// Why.
  package var reason: String

  /// Creates a failure.
  package init(path: String, reason: String) {
    self.path = path
    self.reason = reason
  }
}

/// A file or stream read in chunks, each valid until the next call.
package protocol InputChunks: AnyObject {
  /// The next chunk, valid until the next call; `nil` at the end.
  ///
  /// - Throws: ``InputFailure`` when a read fails.
  func next() throws(InputFailure) -> UnsafeBufferPointer<UInt8>?
  /// The offsets of the LF bytes of the chunk last returned, when they were found ahead (a
  /// file opened with `findsLineFeeds`), else `nil`.
  var lineFeeds: UnsafeBufferPointer<UInt32>? { get }
  /// Closes the input; further reads return `nil`.
  func close()
}

/// What reading a run's inputs (``RunInputReader``) needs from the program around it: opening
/// files and standard input, listing folders, a temporary file, threads, and progress.
///
/// The command line implements it with its platform calls; the reader decides everything else.
package protocol InputFiles: Sendable {
  /// The chunks of an opened input.
  associatedtype Chunks: InputChunks

  /// Opens a file, or standard input for `-`.
  ///
  /// - Parameters:
  ///   - path: The file.
  ///   - findsLineFeeds: Whether a file read ahead also finds each chunk's LF bytes.
  ///   - readsAhead: Whether a large file may be read ahead on another thread (`false` when only
  ///     its first chunk is wanted).
  /// - Returns: The input's chunks.
  /// - Throws: ``InputFailure`` when it cannot be opened.
  func open(_ path: String, findsLineFeeds: Bool, readsAhead: Bool) throws(InputFailure) -> Chunks

  /// Whether `path` is a directory.
  func isDirectory(_ path: String) -> Bool

  /// The names in a directory, or `nil` when it cannot be listed.
  func contents(ofDirectory path: String) -> [String]?

  /// Writes `head` and then the rest of `rest` to a temporary file, calls `body` with its path,
  /// and removes it: a zip arriving on standard input, which a zip reader needs as a file.
  ///
  /// - Throws: ``InputFailure`` naming the temporary file when it cannot be written.
  func spool(_ head: [UInt8], then rest: Chunks, _ body: (String) -> Void) throws(InputFailure)

  /// Runs `body` on `workers` threads at once and returns when every one has ended; each call
  /// of the `take` function it is given hands out one of the indices `0..<count`, each once,
  /// then `nil`.
  func parallel(workers: Int, count: Int, _ body: @escaping @Sendable (_ take: () -> Int?) -> Void)

  /// Counts bytes read, for a progress line.
  func bytesRead(_ count: Int)

  /// Counts an input (a file, or a job of a folder or zip) read to its end.
  func inputDone()
}
