import ArgumentParser
import Foundation
import RunLens

#if canImport(Glibc)
  import Glibc
#elseif canImport(Darwin)
  import Darwin
#endif

/// Reads inputs in 64 KiB chunks and feeds them to the library's parsers.
enum InputReader {
  /// An input or output that could not be used.
  struct Failure: Error, Sendable {
    var path: String
    var reason: String
  }

  /// The chunk size of every read.
  static let chunkSize = 64 * 1024

  /// Reads one JUnit file into `builder`.
  ///
  /// - Parameters:
  ///   - path: The file.
  ///   - builder: The summary its test cases go to.
  ///   - afterChunk: Called with the builder after each chunk.
  /// - Returns: The diagnostic of a cut or malformed file.
  /// - Throws: ``Failure`` when the file cannot be read.
  static func readJUnit(
    _ path: String, into builder: inout TestSummaryBuilder,
    afterChunk: (borrowing TestSummaryBuilder) -> Void = { _ in }
  ) throws(Failure) -> [Diagnostic] {
    var parser = JUnitParser(source: path)
    builder.beginFile(path)
    var diagnostics: [Diagnostic] = []
    let chunks = try ChunkReader(path: path)
    while let chunk = try chunks.next() {
      if let error = parser.feed(chunk, into: &builder) {
        diagnostics.append(error.diagnostic)
      }
      afterChunk(builder)
    }
    if let error = parser.finish(into: &builder) {
      diagnostics.append(error.diagnostic)
    }
    afterChunk(builder)
    return diagnostics
  }

  /// The JUnit files a path names: the file itself, or every `*.xml` in a directory, sorted.
  static func junitFiles(_ path: String) throws(Failure) -> [String] {
    var isDirectory: ObjCBool = false
    guard FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory) else {
      throw Failure(path: path, reason: "no such file or directory")
    }
    guard isDirectory.boolValue else { return [path] }
    guard let directory = opendir(path) else { throw Failure(path: path, reason: lastError()) }
    defer { closedir(directory) }
    var names: [String] = []
    while let entry = readdir(directory) {
      let name = withUnsafeBytes(of: entry.pointee.d_name) { raw in
        String(decoding: raw.prefix { $0 != 0 }, as: UTF8.self)
      }
      if name.hasSuffix(".xml"), !name.hasPrefix(".") { names.append(name) }
    }
    let base = path.hasSuffix("/") ? path : path + "/"
    return names.sorted { Array($0.utf8).lexicographicallyPrecedes(Array($1.utf8)) }.map {
      base + $0
    }
  }

  /// The job name a file name suggests: `3_unit (stable).txt` gives `unit (stable)`.
  static func jobName(fromPath path: String) -> String {
    guard path != "-" else { return "stdin" }
    var name = Substring(path.split(separator: "/").last ?? Substring(path))
    for suffix in [".txt", ".log"] where name.hasSuffix(suffix) {
      name = name.dropLast(suffix.count)
    }
    if let underscore = name.firstIndex(of: "_"), name[..<underscore].allSatisfy(\.isNumber),
      underscore != name.startIndex
    {
      name = name[name.index(after: underscore)...]
    }
    return name.isEmpty ? path : String(name)
  }

  static func lastError() -> String {
    String(cString: strerror(errno)).lowercased()
  }
}

/// Writes outputs.
enum OutputWriter {
  /// Writes `text` to a file, replacing it.
  static func write(_ text: String, to path: String) throws(InputReader.Failure) {
    let descriptor = try open(path, flags: O_TRUNC)
    defer { close(descriptor) }
    try writeAll(text, to: descriptor, path: path)
  }

  /// Opens `path` for writing, creating it when missing, with `flags` added (`O_TRUNC` or
  /// `O_APPEND`).
  private static func open(_ path: String, flags: Int32) throws(InputReader.Failure) -> Int32 {
    let descriptor = Glibc.open(path, O_WRONLY | O_CREAT | flags, 0o644)
    guard descriptor >= 0 else {
      throw InputReader.Failure(path: path, reason: InputReader.lastError())
    }
    return descriptor
  }

  /// The Markdown summary to append to the step-summary file, rendered for the room the file
  /// has left under GitHub's 1 MiB limit (with less detail when needed); `nil`, with a
  /// warning, when there is no room.
  static func stepSummaryText(
    _ report: RunReport, for path: String,
    rendered: RenderedFailures = .none
  ) -> String? {
    let attributes = try? FileManager.default.attributesOfItem(atPath: path)
    let existing = (attributes?[.size] as? NSNumber)?.intValue ?? 0
    let room = MarkdownSummary.stepSummaryLimit - existing - 2
    guard room >= 1024 else {
      Terminal.printError(
        "warning: \(path): the step summary has \(existing) bytes already; no room for runlens")
      return nil
    }
    var options = MarkdownSummary.Options.default
    options.byteBudget = min(options.byteBudget, room)
    let summary = MarkdownSummary.render(report, options: options, rendered: rendered)
    return (existing > 0 ? "\n" : "") + summary
  }

  /// Appends `text` to the file at `path`, creating it when missing.
  static func append(_ text: String, to path: String) throws(InputReader.Failure) {
    let descriptor = try open(path, flags: O_APPEND)
    defer { close(descriptor) }
    try writeAll(text, to: descriptor, path: path)
  }

  /// Writes UTF-8 bytes to `path` (truncating it), or to standard output when `path` is `nil`.
  static func write(bytes: [UInt8], to path: String?) throws(InputReader.Failure) {
    guard let path else {
      try writeAll(bytes, to: STDOUT_FILENO, path: "-")
      return
    }
    let descriptor = try open(path, flags: O_TRUNC)
    defer { close(descriptor) }
    try writeAll(bytes, to: descriptor, path: path)
  }

  /// Writes `text` to `path`, or to standard output when there is none; a failure is printed
  /// and exits 1.
  static func emit(_ text: String, to path: String?) throws {
    do {
      if let path { try write(text, to: path) } else { try writeStandardOutput(text) }
    } catch {
      Terminal.printError("error: \(error.path): \(error.reason)")
      throw ExitCode.failure
    }
  }

  /// Writes `text` to standard output.
  static func writeStandardOutput(_ text: String) throws(InputReader.Failure) {
    try writeAll(text, to: STDOUT_FILENO, path: "-")
  }

  private static func writeAll(_ text: String, to descriptor: Int32, path: String)
    throws(InputReader.Failure)
  {
    var text = text
    let failure = text.withUTF8 { bytes in writeAll(bytes, to: descriptor, path: path) }
    if let failure { throw failure }
  }

  private static func writeAll(_ bytes: [UInt8], to descriptor: Int32, path: String)
    throws(InputReader.Failure)
  {
    let failure = bytes.withUnsafeBufferPointer { writeAll($0, to: descriptor, path: path) }
    if let failure { throw failure }
  }

  /// Writes every byte, retrying after interruptions; returns the failure, if any.
  private static func writeAll(
    _ bytes: UnsafeBufferPointer<UInt8>, to descriptor: Int32, path: String
  ) -> InputReader.Failure? {
    guard let base = bytes.baseAddress else { return nil }
    var offset = 0
    while offset < bytes.count {
      let written = Glibc.write(descriptor, base + offset, bytes.count - offset)
      if written < 0 {
        if errno == EINTR { continue }
        return InputReader.Failure(path: path, reason: InputReader.lastError())
      }
      offset += written
    }
    return nil
  }
}

/// Facts about the terminal.
enum Terminal {
  /// A standard stream.
  enum Stream {
    case standardInput
    case standardError
  }

  /// Whether the stream is a terminal.
  static func isInteractive(_ stream: Stream) -> Bool {
    isatty(stream == .standardInput ? STDIN_FILENO : STDERR_FILENO) != 0
  }

  /// Prints a line on standard error.
  static func printError(_ line: String, newline: Bool = true) {
    var text = line + (newline ? "\n" : "")
    text.withUTF8 { bytes in _ = Glibc.write(STDERR_FILENO, bytes.baseAddress, bytes.count) }
  }
}
