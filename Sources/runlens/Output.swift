import ArgumentParser
import Foundation
import RunLens

/// Writes outputs.
enum OutputWriter {
  /// Writes `text` to a file, replacing it.
  static func write(_ text: String, to path: String) throws(IOFailure) {
    let descriptor = try Platform.openForWriting(path, append: false).get()
    defer { Platform.close(descriptor) }
    try writeAll(text, to: descriptor, path: path)
  }

  /// The size of the file at `path` in bytes; 0 when it does not exist.
  static func size(of path: String) -> Int {
    let attributes = try? FileManager.default.attributesOfItem(atPath: path)
    return (attributes?[.size] as? NSNumber)?.intValue ?? 0
  }

  /// Carries out one write of ``ReportOutputs``.
  static func perform(_ write: ReportOutputs.Write) throws(IOFailure) {
    let descriptor: Int32
    let path: String
    switch write.destination {
    case .standardOutput:
      (descriptor, path) = (Platform.standardOutput, "-")
    case .file(let file):
      (descriptor, path) = (try Platform.openForWriting(file, append: false).get(), file)
    case .append(let file):
      (descriptor, path) = (try Platform.openForWriting(file, append: true).get(), file)
    }
    defer { if descriptor != Platform.standardOutput { Platform.close(descriptor) } }
    for piece in write.pieces { try writeAll(piece, to: descriptor, path: path) }
  }

  /// Writes `text` to `path`, or to standard output when there is none; a failure is printed
  /// and exits 1.
  static func emit(_ text: String, to path: String?) throws {
    do {
      if let path { try write(text, to: path) } else { try writeStandardOutput(text) }
    } catch {
      Terminal.printError("error: \(error.path): cannot write: \(error.reason)")
      throw ExitCode.failure
    }
  }

  /// Writes `text` to standard output.
  static func writeStandardOutput(_ text: String) throws(IOFailure) {
    try writeAll(text, to: Platform.standardOutput, path: "-")
  }

  private static func writeAll(_ text: String, to descriptor: Int32, path: String)
    throws(IOFailure)
  {
    var text = text
    let reason = text.withUTF8 { Platform.writeAll(UnsafeRawBufferPointer($0), to: descriptor) }
    if let reason { throw IOFailure(path: path, reason: reason) }
  }

  private static func writeAll(_ bytes: [UInt8], to descriptor: Int32, path: String)
    throws(IOFailure)
  {
    let reason = bytes.withUnsafeBytes { Platform.writeAll($0, to: descriptor) }
    if let reason { throw IOFailure(path: path, reason: reason) }
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
    Platform.isTerminal(stream == .standardInput ? Platform.standardInput : Platform.standardError)
  }

  /// Prints a line on standard error.
  static func printError(_ line: String, newline: Bool = true) {
    var text = line + (newline ? "\n" : "")
    _ = text.withUTF8 { Platform.writeAll(UnsafeRawBufferPointer($0), to: Platform.standardError) }
  }
}

/// A progress line on standard error while reading large inputs (``ReadingProgress``), shown
/// only on a terminal; the threads that read files at once share one.
final class ProgressLine: @unchecked Sendable {
  private let enabled = Terminal.isInteractive(.standardError)
  private let lock = Lock()
  private var progress = ReadingProgress()

  /// Counts bytes read.
  func add(_ count: Int) {
    guard enabled else { return }
    lock.withLock { show(progress.add(count)) }
  }

  /// Counts a file read to its end.
  func fileDone() {
    guard enabled else { return }
    lock.withLock { show(progress.fileDone()) }
  }

  private func show(_ text: String?) {
    if let text { Terminal.printError(text, newline: false) }
  }

  /// Clears the line.
  func finish() {
    if enabled { show(lock.withLock { progress.clearing }) }
  }
}
