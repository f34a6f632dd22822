import Foundation
import Testing

@testable import RunLens

@Suite("Exports")
struct ExportTests {
  @Test("NDJSON has one flat object a row, every column present, identity first")
  func ndjson() throws {
    let runs = try [1, 2].map(HistoryRunTests.fixtureRun)
    for table in HistoryTable.allCases {
      let lines = NDJSONExport.render(runs, table: table).split(separator: "\n")
      #expect(lines.count == runs.reduce(0) { $0 + $1.rows(table, key: $1.key).count })
      for line in lines {
        let object = try #require(
          try JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: Any])
        #expect(Set(object.keys) == Set(table.columns.map(\.name)))
        #expect((object["runKey"] as? String)?.hasPrefix("acme/ledger#500") == true)
      }
      #expect(
        lines.first?.hasPrefix(#"{"runKey":"acme/ledger#5001#1","repository":"acme/ledger""#)
          == true)
    }
    #expect(NDJSONExport.quoted("a\"b\\c\n\u{1}") == #""a\"b\\c\n\u0001""#)
    // Without anything to escape (DEL and non-ASCII need none), the text as it is.
    // Compared as bytes: String's == holds canonically equivalent texts equal.
    #expect(
      NDJSONExport.quoted("unit e\u{301} – 日本\u{7F}").utf8.elementsEqual(
        "\"unit e\u{301} – 日本\u{7F}\"".utf8))
    #expect(NDJSONExport.quoted("") == #""""#)
    #expect(NDJSONExport.quoted("é\t\u{1F}") == #""é\t\u001f""#)
  }

  @Test("OTLP: a trace a run, a span a run, job and step, ids stable and distinct")
  func otlp() throws {
    let runs = try [1, 17].map(HistoryRunTests.fixtureRun)
    let text = OTLPExport.render(runs)
    #expect(text == OTLPExport.render(runs))
    let document = try #require(
      try JSONSerialization.jsonObject(with: Data(text.utf8)) as? [String: Any])
    let resources = try #require(document["resourceSpans"] as? [[String: Any]])
    #expect(resources.count == 2)
    var spans: [[String: Any]] = []
    for resource in resources {
      for scope in resource["scopeSpans"] as? [[String: Any]] ?? [] {
        spans += scope["spans"] as? [[String: Any]] ?? []
      }
    }
    #expect(spans.count == OTLPExport.spanCount(runs))
    #expect(spans.count == 2 * (1 + 2 + 16))
    let ids = spans.compactMap { $0["spanId"] as? String }
    #expect(Set(ids).count == ids.count)
    #expect(ids.allSatisfy { $0.count == 16 })
    #expect(OTLPExport.traceID(runs[0]).count == 32)
    #expect(OTLPExport.traceID(runs[0]) != OTLPExport.traceID(runs[1]))
    let root = try #require(spans.first { $0["parentSpanId"] == nil })
    #expect(root["startTimeUnixNano"] as? String == "1793599200000000000")
    #expect(OTLPExport.result("cancelled") == "cancellation")
  }
}
