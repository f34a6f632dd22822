import Foundation
import Testing

@testable import RunLens

@Suite("MetricsJSON")
struct MetricsJSONTests {
  @Test("unknown values are written as null, never left out")
  func nulls() {
    let text = MetricsJSON.render(RunReport(jobs: [JobRun(name: "j")]))
    #expect(text.contains("\"hitRate\": null"))
    #expect(text.contains("\"wallMs\": null"))
    #expect(text.contains("\"durationMs\": null"))
    #expect(text.contains("\"schemaVersion\": 1"))
    #expect(text.hasSuffix("}\n"))
  }

  @Test("strings are escaped and numbers locale-free")
  func escaping() {
    #expect(JSONValue.string("a\"b\\c\n\u{1}/é").render() == "\"a\\\"b\\\\c\\n\\u0001/é\"\n")
    #expect(JSONValue.double(2.0 / 3.0).render() == "0.6667\n")
    #expect(JSONValue.double(1).render() == "1.0\n")
    #expect(
      JSONValue.object(["b": .int(1), "a": .null]).render() == "{\n  \"a\": null,\n  \"b\": 1\n}\n")
  }

  @Test("long strings escape every special byte wherever it falls in an eight-byte word")
  func escapingAtEveryOffset() throws {
    let specials: [Character] = ["\"", "\\", "\n", "\t", "\u{1}", "\u{7F}", "é", "🔑"]
    for special in specials {
      for offset in 0..<17 {
        let text = String(repeating: "x", count: offset) + String(special) + "tail of the line"
        let rendered = JSONValue.string(text).render()
        let decoded = try JSONDecoder().decode(String.self, from: Data(rendered.utf8))
        #expect(decoded == text, "special \(special.unicodeScalars.first!.value) at \(offset)")
      }
    }
  }

  /// Whether every line of pretty-printed JSON is indented two spaces per open bracket.
  static func indentationIsConsistent(_ text: String) -> Bool {
    var depth = 0
    for line in text.split(separator: "\n", omittingEmptySubsequences: false) {
      let bytes = Array(line.utf8)
      let leading = bytes.prefix { $0 == 0x20 }.count
      let closes = bytes.dropFirst(leading).first.map { $0 == 0x7D || $0 == 0x5D } ?? false
      if !bytes.isEmpty, leading != 2 * (depth - (closes ? 1 : 0)) { return false }
      var inString = false
      var escaped = false
      for byte in bytes {
        if inString {
          if escaped {
            escaped = false
          } else if byte == 0x5C {
            escaped = true
          } else if byte == 0x22 {
            inString = false
          }
        } else if byte == 0x22 {
          inString = true
        } else if byte == 0x7B || byte == 0x5B {
          depth += 1
        } else if byte == 0x7D || byte == 0x5D {
          depth -= 1
        }
      }
    }
    return depth == 0
  }

  @Test("tests lists are indented right in the report and inside a job")
  func testsIndentation() throws {
    let xml = try String(
      contentsOf: URL(fileURLWithPath: #filePath).deletingLastPathComponent()
        .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
        .appendingPathComponent("Fixtures/nextest-flaky-and-retries/junit.xml"), encoding: .utf8)
    let (summary, _) = TestSummary.parsing(junit: [("junit.xml", Array(xml.utf8))])
    #expect(!summary.failures.isEmpty && !summary.flakyTests.isEmpty && !summary.suites.isEmpty)
    let report = RunReport(jobs: [JobRun(name: "j", tests: summary)])
    let text = MetricsJSON.render(report)
    #expect(text.contains("\"jobs\": [\n    {"))
    #expect(Self.indentationIsConsistent(text))
    #expect(Self.indentationIsConsistent(MetricsJSON.render(RunReport(jobs: [], junit: summary))))
  }

  @Test("targets carry id, threshold, value and met")
  func targets() throws {
    let job = JobRun(
      name: "j",
      restores: [
        CacheRestore(step: "s", action: nil, outcome: .exactHit, duration: .seconds(400), line: 1),
        CacheRestore(step: "s", action: nil, outcome: .miss, duration: .seconds(2), line: 2),
      ])
    let targets = RunReport(jobs: [job]).targets
    #expect(targets.map(\.id) == ["cache-hit-rate", "exact-hit-rate", "restore-time"])
    #expect(targets[0].value == 0.5)
    #expect(targets[0].met == false)
    #expect(targets[1].value == 0.5)
    #expect(targets[1].met == false)
    #expect(targets[2].value == 400_000)
    #expect(targets[2].met == false)
  }
}

@Suite("JSONValue in pieces")
struct JSONValuePiecesTests {
  static let elements: [JSONValue] = [
    .int(1), .string("a\"b"), .object(["k": .array([.null, .bool(true)])]), .array([]),
  ]

  static func document(_ elements: [JSONValue]) -> JSONValue {
    .object(["aa": .int(7), "items": .array(elements), "zz": .object(["x": .double(0.5)])])
  }

  /// The elements' bytes, each written from its value.
  static func elements(_ values: ArraySlice<JSONValue>) -> [UInt8] {
    JSONValue.renderElements(count: values.count, indent: 4) { index, output in
      values[values.startIndex + index].write(to: &output, indent: 4)
    }
  }

  @Test(
    "an array's elements rendered in parts and given as pieces join to the whole document",
    arguments: [[0, 0], [4, 0], [0, 4], [1, 3], [2, 2], [4]])
  func joined(_ split: [Int]) {
    var parts: [[UInt8]] = []
    var start = 0
    for count in split {
      parts.append(
        Self.elements(Self.elements[start..<(start + count)]))
      start += count
    }
    let whole = Self.document(Array(Self.elements[..<start])).renderUTF8()
    let pieces = Self.document([]).renderPieces(member: "items", elements: parts)
    #expect(Array(pieces.joined()) == whole)
  }

  @Test("the member may be the first or the last, and the elements many")
  func ends() {
    let many = (0..<100).map { JSONValue.int(Int64($0)) }
    for key in ["a", "m", "z"] {
      let whole = JSONValue.object([key: .array(many), "m0": .null]).renderUTF8()
      let parts = [
        JSONValuePiecesTests.elements(many[..<37]),
        JSONValuePiecesTests.elements(many[37...]),
      ]
      let pieces = JSONValue.object([key: .array([]), "m0": .null]).renderPieces(
        member: key, elements: parts)
      #expect(Array(pieces.joined()) == whole, "\(key)")
    }
  }
}

@Suite("JSONValue written member by member")
struct JSONObjectWriterTests {
  /// The same members as a value, for ``JSONValue/write(to:indent:)`` to render.
  static func value(_ names: [String], _ note: String?) -> JSONValue {
    .ordered([
      "a": .string("x\"y\\z\n\u{1}é"),
      "b": .optional(note, JSONValue.string),
      "c": .int(-42),
      "d": .null,
      "e": .bool(false),
      "f": .array(names.map(JSONValue.string)),
      "g": .array(names.map { .ordered(["n": .string($0)]) }),
      "h": .ordered([:]),
      "i": .object(["k": .double(0.25)]),
    ])
  }

  static func written(_ names: [String], _ note: String?, indent: Int) -> [UInt8] {
    var output = JSONValue.Output()
    var object = JSONValue.ObjectWriter(indent: indent)
    object.string("a", "x\"y\\z\n\u{1}é", &output)
    object.string("b", note, &output)
    object.int("c", -42, &output)
    object.int("d", nil, &output)
    object.bool("e", false, &output)
    object.strings("f", names, &output)
    object.key("g", &output)
    JSONValue.writeArray(count: names.count, indent: object.valueIndent, &output) {
      var element = JSONValue.ObjectWriter(indent: object.valueIndent + 2)
      element.string("n", names[$0], &$1)
      element.end(&$1)
    }
    object.key("h", &output)
    JSONValue.ObjectWriter(indent: object.valueIndent).end(&output)
    object.value("i", .object(["k": .double(0.25)]), &output)
    object.end(&output)
    return output.bytes()
  }

  @Test(
    "an object written member by member is the value's rendering, at any indentation",
    arguments: [0, 2, 6])
  func sameBytes(indent: Int) {
    let cases: [([String], String?)] = [([], nil), (["one"], "n"), (["one", "t\"wo", ""], "")]
    for (names, note) in cases {
      var output = JSONValue.Output()
      Self.value(names, note).write(to: &output, indent: indent)
      let rendered = output.bytes()
      #expect(Self.written(names, note, indent: indent) == rendered, "\(names) \(indent)")
    }
  }

  @Test(
    "the output keeps every byte in order across its staging buffer's edges",
    arguments: [0, 1 << 20])
  func outputAcrossStaging(reserved: Int) {
    let size = JSONValue.Output.stagingSize
    // Runs that end just before, at and after the buffer's edge, larger than it, and bytes
    // one at a time between them; a reserve in the middle.
    let lengths = [
      size - 1, 1, 0, size, 1, size + 1, 3 * size, 7, size - 7, 2, size / 2, size / 2, 1,
    ]
    var output = JSONValue.Output()
    output.reserve(reserved)
    var expected: [UInt8] = []
    var next: UInt8 = 0
    for (step, length) in lengths.enumerated() {
      let run = (0..<length).map { UInt8(truncatingIfNeeded: $0 &* 31 &+ step) }
      run.withUnsafeBufferPointer { output.append($0) }
      expected += run
      output.append(next)
      expected.append(next)
      next &+= 1
      if step == 5 { output.reserve(expected.count * 2) }
      #expect(output.count == expected.count)
    }
    #expect(output.bytes() == expected)
  }

  @Test("elements written by index are indented, separated and each followed by a comma")
  func elements() {
    let values: [JSONValue] = [.int(1), .ordered(["a": .array([])]), .string("s")]
    let written = JSONValue.renderElements(count: values.count, indent: 4) { index, output in
      values[index].write(to: &output, indent: 4)
    }
    let expected = "    1,\n    {\n      \"a\": []\n    },\n    \"s\",\n"
    #expect(String(decoding: written, as: UTF8.self) == expected)
    #expect(JSONValue.renderElements(count: 0, indent: 4) { _, _ in }.isEmpty)
  }
}

/// Regressions from the fuzzing campaign (issue 13): target values come from the input.
@Suite("MetricsJSON targets at the limits")
struct MetricsJSONTargetLimitTests {
  @Test(
    "a size or time target that a Double rounds past Int64 renders clamped",
    arguments: [Double(Int64.max), 1e300, -1e300, .infinity, .nan])
  func clamped(value: Double) {
    let target = Target(
      id: "restore-time", threshold: value, comparison: .below, unit: .milliseconds, value: value)
    #expect(!MetricsJSON.target(target).render().isEmpty)
  }
}
