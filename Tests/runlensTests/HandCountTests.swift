import Foundation
import Testing

/// The hand counts in each fixture's `SOURCE.md`, checked against what runlens reports.
///
/// A fixture's `SOURCE.md` may hold a fenced block whose info string is `hand-counts`. Its
/// first line is a `runlens` command line (paths relative to the fixture folder); every other
/// line is `PATH = VALUE`, where PATH walks the command's JSON output (`.key`, `[index]`, and
/// `.length` for an array's or string's length) and VALUE is a JSON literal. Lines starting
/// with `#` are comments. The counts are a person's, made from the inputs; a mismatch means
/// runlens or the person is wrong, and the test says which figure.
@Suite("Hand counts in SOURCE.md")
struct HandCountTests {
  /// One block of hand counts.
  struct Block: Sendable, CustomStringConvertible {
    var fixture: String
    var arguments: [String]
    var expectations: [(path: String, value: String, line: Int)]
    var description: String { fixture }
  }

  static let blocks: [Block] = {
    let root = ReportCommandTests.packageRoot.appendingPathComponent("Fixtures")
    let names = (try? FileManager.default.contentsOfDirectory(atPath: root.path)) ?? []
    return names.sorted().flatMap { name -> [Block] in
      let path = root.appendingPathComponent(name).appendingPathComponent("SOURCE.md")
      guard let text = try? String(contentsOf: path, encoding: .utf8) else { return [] }
      return parse(text, fixture: name)
    }
  }()

  /// The `hand-counts` blocks of a `SOURCE.md`.
  static func parse(_ text: String, fixture: String) -> [Block] {
    var blocks: [Block] = []
    var current: Block?
    for (index, raw) in text.split(separator: "\n", omittingEmptySubsequences: false).enumerated() {
      let line = raw.trimmingCharacters(in: .whitespaces)
      if current == nil {
        if line == "```hand-counts" {
          current = Block(fixture: fixture, arguments: [], expectations: [])
        }
        continue
      }
      if line == "```" {
        if let block = current { blocks.append(block) }
        current = nil
      } else if line.isEmpty || line.hasPrefix("#") {
        continue
      } else if current?.arguments.isEmpty ?? false {
        current?.arguments = splitArguments(line)
      } else if let equals = line.range(of: " = ") {
        current?.expectations.append(
          (String(line[..<equals.lowerBound]), String(line[equals.upperBound...]), index + 1))
      } else {
        current?.expectations.append((line, "<malformed line>", index + 1))
      }
    }
    return blocks
  }

  /// Splits a command line on spaces; double quotes group words.
  static func splitArguments(_ line: String) -> [String] {
    var arguments: [String] = []
    var word = ""
    var quoted = false
    var started = false
    for character in line {
      if character == "\"" {
        quoted.toggle()
        started = true
      } else if character == " ", !quoted {
        if started { arguments.append(word) }
        word = ""
        started = false
      } else {
        word.append(character)
        started = true
      }
    }
    if started { arguments.append(word) }
    return arguments
  }

  /// The value at `path` in a JSON document, as a JSON-comparable object (`NSNull` for null,
  /// `nil` when the path leads nowhere).
  static func value(at path: String, in document: Any) -> Any?? {
    var current: Any? = document
    var rest = Substring(path)
    while !rest.isEmpty {
      if rest.hasPrefix("[") {
        guard let close = rest.firstIndex(of: "]"),
          let index = Int(rest[rest.index(after: rest.startIndex)..<close]),
          let array = current as? [Any], array.indices.contains(index)
        else { return .none }
        current = array[index]
        rest = rest[rest.index(after: close)...]
        continue
      }
      if rest.hasPrefix(".") { rest = rest.dropFirst() }
      let end = rest.firstIndex { $0 == "." || $0 == "[" } ?? rest.endIndex
      let key = String(rest[..<end])
      rest = rest[end...]
      if key == "length", rest.isEmpty {
        if let array = current as? [Any] { return .some(array.count) }
        if let string = current as? String { return .some(string.count) }
      }
      guard let object = current as? [String: Any], let next = object[key] else { return .none }
      current = next
    }
    return .some(current)
  }

  /// Whether two JSON values are equal (numbers by value).
  static func equal(_ lhs: Any?, _ rhs: Any?) -> Bool {
    switch (lhs, rhs) {
    case (nil, nil), (is NSNull, is NSNull), (nil, is NSNull), (is NSNull, nil): return true
    case (let l as Bool, let r as Bool): return l == r
    case (let l as NSNumber, let r as NSNumber):
      return l == r
    case (let l as String, let r as String): return l == r
    case (let l as [Any], let r as [Any]):
      return l.count == r.count && zip(l, r).allSatisfy { equal($0, $1) }
    case (let l as [String: Any], let r as [String: Any]):
      return l.count == r.count
        && l.allSatisfy { key, value in r[key].map { equal(value, $0) } ?? false }
    case (let l as Int, let r as NSNumber): return NSNumber(value: l) == r
    default: return false
    }
  }

  @Test("every fixture with hand counts has a block that parses")
  func blocksParse() {
    #expect(!Self.blocks.isEmpty)
    for block in Self.blocks {
      #expect(!block.arguments.isEmpty, "\(block.fixture): no command line")
      #expect(!block.expectations.isEmpty, "\(block.fixture): no counts")
    }
  }

  @Test("runlens reports what a person counted", arguments: blocks)
  func handCounts(_ block: Block) throws {
    let folder = "Fixtures/\(block.fixture)"
    // Arguments that name a file of the fixture get its folder; options and values stay.
    let root = ReportCommandTests.packageRoot.appendingPathComponent(folder)
    var arguments = block.arguments.map { argument -> String in
      FileManager.default.fileExists(atPath: root.appendingPathComponent(argument).path)
        ? "\(folder)/\(argument)" : argument
    }
    if !arguments.contains("--format") { arguments += ["--format", "json"] }
    let result = try ReportCommandTests.run(arguments)
    let document = try JSONSerialization.jsonObject(
      with: Data(result.stdout.utf8), options: [.fragmentsAllowed])
    for expectation in block.expectations {
      let expected = try? JSONSerialization.jsonObject(
        with: Data(expectation.value.utf8), options: [.fragmentsAllowed])
      guard expectation.value != "<malformed line>", let expected else {
        Issue.record("\(folder)/SOURCE.md:\(expectation.line): not PATH = JSON-VALUE")
        continue
      }
      guard case .some(let actual) = Self.value(at: expectation.path, in: document) else {
        Issue.record(
          "\(folder)/SOURCE.md:\(expectation.line): \(expectation.path) is not in the output")
        continue
      }
      #expect(
        Self.equal(actual, expected),
        "\(folder)/SOURCE.md:\(expectation.line): \(expectation.path) is \(String(describing: actual ?? "null")), counted \(expectation.value)"
      )
    }
  }

  @Test("the path reader finds keys, indices and lengths")
  func pathReader() throws {
    let document = try JSONSerialization.jsonObject(
      with: Data(#"{"jobs":[{"name":"a","steps":[1,2,3]}],"x":null}"#.utf8))
    #expect(Self.equal(Self.value(at: "jobs.length", in: document) ?? nil, 1))
    #expect(Self.equal(Self.value(at: "jobs[0].steps.length", in: document) ?? nil, 3))
    #expect(Self.equal(Self.value(at: "jobs[0].name", in: document) ?? nil, "a"))
    #expect(Self.equal(Self.value(at: "x", in: document) ?? nil, NSNull()))
    #expect(Self.value(at: "jobs[1].name", in: document) == nil)
    #expect(!Self.equal(Self.value(at: "jobs[0].name", in: document) ?? nil, "b"))
    #expect(
      Self.splitArguments(#"report "a b.log" --jobs j.json"#) == [
        "report", "a b.log", "--jobs", "j.json",
      ])
  }
}
