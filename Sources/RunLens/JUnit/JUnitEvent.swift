/// What the JUnit reader saw: finished test cases and suites, and the end of a file.
package enum JUnitEvent: Sendable, Hashable {
  /// A `<testcase>` ended.
  case testCase(TestCaseResult)
  /// A `<testsuite>` ended; `depth` is 0 for a suite directly under the root (or the root).
  case suiteEnded(name: String, time: Duration?, depth: Int)
  /// The root `<testsuites>` ended, with its `time` (nextest: the run's wall time).
  case reportEnded(time: Duration?)
  /// The file is malformed or cut here; nothing after it is read.
  case failed(JUnitParseError)
}

/// Why a JUnit file could not be read to its end.
package struct JUnitParseError: Error, Sendable, Hashable, CustomStringConvertible {
  /// What kind of problem it is.
  package struct Code: Sendable, Hashable, CustomStringConvertible {
    fileprivate enum Kind: Hashable {
      case malformed(Int32)
      case truncated
      case empty
      case entity
    }

    fileprivate let kind: Kind

    /// The XML is not well formed.
    package static func malformed(libxml2Code: Int32) -> Code {
      Code(kind: .malformed(libxml2Code))
    }
    /// The file ends before its root element closes.
    package static let truncated = Code(kind: .truncated)
    /// The file has no content.
    package static let empty = Code(kind: .empty)
    /// The file refers to an entity, which is never expanded.
    package static let entity = Code(kind: .entity)

    /// A short name of the code.
    package var description: String {
      switch kind {
      case .malformed(let code): "malformed (libxml2 error \(code))"
      case .truncated: "truncated"
      case .empty: "empty"
      case .entity: "entity"
      }
    }
  }

  /// What kind of problem it is.
  package var code: Code
  /// The file, when known.
  package var source: String?
  /// The 1-based line of the problem.
  package var line: Int
  /// The 1-based column of the problem.
  package var column: Int
  /// What is wrong, lowercase and without a trailing period.
  package var message: String

  /// `file:line:column: message`.
  package var description: String {
    "\(source ?? "junit"):\(line):\(column): \(message)"
  }
}
