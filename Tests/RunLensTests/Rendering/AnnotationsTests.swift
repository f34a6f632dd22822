import Testing

@testable import RunLens

@Suite("Annotations")
struct AnnotationsTests {
  @Test("messages and properties are escaped as workflow commands require")
  func escaping() {
    #expect(Annotations.escapeData("50% done\r\nnext") == "50%25 done%0D%0Anext")
    #expect(Annotations.escapeProperty("a: b, c%") == "a%3A b%2C c%25")
  }

  @Test("at most 10 annotations of each kind")
  func limit() {
    let saves = (0..<25).map {
      CacheSave(
        step: "s\($0)", action: nil, key: "k\($0)", outcome: .failed, message: "boom", line: $0)
    }
    let conflicts = (0..<25).map {
      CacheSave(
        step: "c\($0)", action: nil, key: "k\($0)", outcome: .failed, reservationConflict: true,
        line: $0)
    }
    let lines = Annotations.render(RunReport(jobs: [JobRun(name: "j", saves: saves + conflicts)]))
    #expect(lines.filter { $0.hasPrefix("::warning") }.count == 10)
    #expect(lines.filter { $0.hasPrefix("::notice") }.count == 10)
  }
}

@Suite("Annotations of failing tests")
struct FailingTestAnnotationsTests {
  @Test("JUnit file/line first, else the text's location; escaped; 10 at most, then a notice")
  func fixture() throws {
    let report = try GoldenTests.report("junit-file-line-annotations")
    let lines = Annotations.render(report)
    // Written by hand from Fixtures/junit-file-line-annotations/junit.xml.
    let expected = [
      "::error file=tests/test_checkout.py,line=35,title=runlens%3A checkout test_total failed::assert 2 == 3",
      "::error file=tests/Unit/CartTest.php,line=29,title=runlens%3A checkout test_workspace_path failed::Failed asserting that 16.0 matches expected 19.0.",
      "::error file=src/cart/cart.test.ts,line=12,col=19,title=runlens%3A checkout adds items failed::Error: expect(received).toBe(expected)",
      "::error file=spec/models/order_spec.rb,title=runlens%3A checkout file only%2C other file in text failed::expected true",
      "::error file=tests/x.rs,line=42,col=5,title=runlens%3A checkout rust panic failed::thread 'rust panic' panicked at tests/x.rs:42:5",
      "::error title=runlens%3A checkout no location at all failed::connection refused",
      "::error file=tests/odd%2Cdir%3Ax/100%25.py,line=7,title=runlens%3A checkout pct%2C 100%25%3A rounds%0D%0A(param) failed::50%25 of 3:  expected 1,5",
      "::error file=tests/test_more.py,line=1,title=runlens%3A more m1 failed::m1",
      "::error file=tests/test_more.py,line=2,title=runlens%3A more m2 failed::m2",
      "::error file=tests/test_more.py,line=3,title=runlens%3A more m3 failed::m3",
      "::notice title=runlens%3A failing tests not annotated::2 more failing tests have no annotation: the runner keeps 10 annotations of a kind per step; the job summary lists the failures",
    ]
    #expect(lines == expected)
  }

  @Test("a file given with the workspace prefix is made relative to the repository")
  func workspaceRelative() {
    #expect(Annotations.workspaceRelative("/home/runner/work/shop/shop/src/a.php") == "src/a.php")
    #expect(Annotations.workspaceRelative("/Users/runner/work/r/r/t/x.swift") == "t/x.swift")
    #expect(Annotations.workspaceRelative(#"D:\a\r\r\tests\x.cs"#) == #"tests\x.cs"#)
    #expect(Annotations.workspaceRelative("/srv/work/a/b/c.py") == "/srv/work/a/b/c.py")
    #expect(Annotations.workspaceRelative("tests/x.py") == "tests/x.py")
  }

  @Test("pytest's 0-based line is made 1-based; the attributes are kept for failures only")
  func pytestLine() {
    let xml = """
      <testsuites><testsuite name="pytest"><testcase classname="t.m" name="a" file="t/m.py" line="9">\
      <failure message="x"/></testcase><testcase classname="t.m" name="b" file="t/m.py" line="20"/>\
      </testsuite></testsuites>
      """
    let (summary, _) = TestSummary.parsing(junit: [("junit.xml", Array(xml.utf8))])
    #expect(summary.failures.map(\.line) == [10])
    #expect(summary.failures.map(\.file) == ["t/m.py"])
    var parser = JUnitParser()
    let events = parser.feed(Array(xml.utf8)) + parser.finish()
    let results = events.compactMap { event -> TestCaseResult? in
      if case .testCase(let result) = event { return result }
      return nil
    }
    #expect(results.map(\.line) == [10, nil])
    #expect(results.map(\.file) == ["t/m.py", nil])
  }
}
