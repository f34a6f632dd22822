import Foundation
import Testing

/// Golden-file assertions over the package's `Fixtures/` and `Reports/` folders.
///
/// A mismatch fails with the first differing lines. With `RECORD_GOLDENS=1` in the
/// environment, or when the expected file does not exist, the file is written and the test
/// fails, so that a re-record is always deliberate and shows up in `git diff`.
enum Golden {
  /// The package root, found from this file's path (Tests/RunLensTests/Support/Golden.swift).
  static let packageRoot: URL = URL(fileURLWithPath: #filePath)
    .deletingLastPathComponent().deletingLastPathComponent()
    .deletingLastPathComponent().deletingLastPathComponent()

  /// The `Fixtures/` folder.
  static var fixtures: URL { packageRoot.appendingPathComponent("Fixtures") }

  static var isRecording: Bool { ProcessInfo.processInfo.environment["RECORD_GOLDENS"] == "1" }

  /// The folders of `Fixtures/` that hold a file named `input`, sorted by name.
  static func cases(containing input: String) -> [String] {
    let names = (try? FileManager.default.contentsOfDirectory(atPath: fixtures.path)) ?? []
    return names.filter {
      FileManager.default.fileExists(
        atPath: fixtures.appendingPathComponent($0).appendingPathComponent(input).path)
    }.sorted()
  }

  /// The bytes of a file below the package root.
  static func bytes(_ relativePath: String) throws -> [UInt8] {
    [UInt8](try Data(contentsOf: packageRoot.appendingPathComponent(relativePath)))
  }

  /// Compares `actual` with the file at `relativePath` below the package root.
  static func expect(
    _ actual: String, matches relativePath: String,
    sourceLocation: SourceLocation = #_sourceLocation
  ) {
    let url = packageRoot.appendingPathComponent(relativePath)
    let expected = try? String(contentsOf: url, encoding: .utf8)
    if isRecording || expected == nil {
      try? FileManager.default.createDirectory(
        at: url.deletingLastPathComponent(), withIntermediateDirectories: true)
      try? actual.write(to: url, atomically: true, encoding: .utf8)
      Issue.record(
        "recorded \(relativePath); check the diff and run the tests again without RECORD_GOLDENS",
        sourceLocation: sourceLocation)
      return
    }
    guard let expected, expected != actual else { return }
    Issue.record(
      "\(relativePath) differs (RECORD_GOLDENS=1 swift test re-records):\n\(diff(expected, actual))",
      sourceLocation: sourceLocation)
  }

  /// The first differing lines of two texts, with a little context.
  static func diff(_ expected: String, _ actual: String) -> String {
    let old = expected.split(separator: "\n", omittingEmptySubsequences: false)
    let new = actual.split(separator: "\n", omittingEmptySubsequences: false)
    var first = 0
    while first < min(old.count, new.count), old[first] == new[first] { first += 1 }
    let from = max(0, first - 2)
    var lines: [String] = ["first difference at line \(first + 1)"]
    for index in from..<min(old.count, first + 4) { lines.append("- \(old[index])") }
    for index in from..<min(new.count, first + 4) { lines.append("+ \(new[index])") }
    return lines.joined(separator: "\n")
  }
}
