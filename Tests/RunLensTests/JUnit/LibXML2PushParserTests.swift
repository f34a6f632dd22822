import Testing

@testable import RunLens

/// Regressions from the fuzzing campaign (issue 13) in the libxml2 wrapper.
@Suite("LibXML2PushParser")
struct LibXML2PushParserTests {
  @Test("an entity declared in an internal DTD subset is not stored (nor leaked)")
  func declaredEntity() throws {
    let bytes = try Golden.bytes("Fixtures/fuzz-junit-dtd-entity/input.xml")
    for chunkSize in [1, 7, bytes.count] {
      let parser = LibXML2PushParser(textLimit: 8 << 10, fold: JUnitFold(source: nil))
      for chunk in Parsing.chunks(bytes, size: chunkSize) {
        chunk.withUnsafeBytes { parser.feed($0) }
        #expect(!parser.keepsDeclaredEntities)
      }
      parser.finish()
      #expect(!parser.keepsDeclaredEntities)
      #expect(parser.failure == nil)
    }
  }

  @Test("a reference to a declared entity is still an error, never an expansion")
  func referenceToDeclaredEntity() {
    let (summary, diagnostics) = Parsing.tests(
      """
      <!DOCTYPE testsuite [<!ENTITY x "expanded">]>
      <testsuite><testcase name="a"><failure>&x;</failure></testcase></testsuite>
      """)
    #expect(summary.failures.allSatisfy { !($0.message ?? "").contains("expanded") })
    #expect(!diagnostics.isEmpty)
  }

  /// Inputs whose libxml2 errors used to depend on where they were split.
  static let splitSensitive: [[UInt8]] = {
    var inputs = [
      (try? Golden.bytes("Fixtures/fuzz-junit-chunking/malformed-tag.xml")) ?? [],
      (try? Golden.bytes("Fixtures/fuzz-junit-chunking/tiny.xml")) ?? [],
      Array("<?xml".utf8), Array("<testsuite><testcase name=\"a\"".utf8),
    ]
    // The same malformed tag across the first block boundary.
    let padding = "<testsuite>" + String(repeating: " ", count: LibXML2PushParser.blockSize - 20)
    inputs.append(Array((padding + "<testcase name=\"b\" time=0.2/></testsuite>").utf8))
    return inputs
  }()

  @Test("errors are the same at every chunk size", arguments: splitSensitive)
  func chunkingInvariance(bytes: [UInt8]) {
    #expect(!bytes.isEmpty)
    let whole = Parsing.junitEvents(bytes, chunkSize: nil)
    #expect(whole.contains { if case .failed = $0 { true } else { false } })
    for chunkSize in [1, 2, 3, 7, 64, 4096, 65_535, 65_537] {
      #expect(Parsing.junitEvents(bytes, chunkSize: chunkSize) == whole, "chunk size \(chunkSize)")
    }
  }
}
