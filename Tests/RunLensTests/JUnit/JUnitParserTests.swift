import Testing

@testable import RunLens

@Suite("JUnitParser")
struct JUnitParserTests {
  @Test("a case counts once whatever its retries; flaky passes are passed and flaky")
  func retries() throws {
    let (tests, diagnostics) = Parsing.tests(
      """
      <?xml version="1.0" encoding="UTF-8"?>
      <testsuites name="nextest-run" tests="3" failures="1" errors="0" time="1.500">
          <testsuite name="core" tests="3" skipped="0" errors="0" failures="1">
              <testcase name="a" classname="core" time="0.010"/>
              <testcase name="b" classname="core" time="0.020">
                  <flakyFailure time="0.010" message="boom" type="test failure">first
                      <system-out>out</system-out>
                  </flakyFailure>
              </testcase>
              <testcase name="c" classname="core" time="0.030">
                  <failure message="still boom" type="test failure">panic text</failure>
                  <rerunFailure time="0.030" type="test failure"/>
                  <rerunFailure time="0.030" type="test failure"/>
              </testcase>
          </testsuite>
      </testsuites>
      """)
    #expect(diagnostics.isEmpty)
    #expect(
      [tests.total, tests.passed, tests.failed, tests.errors, tests.skipped, tests.flaky] == [
        3, 2, 1, 0, 0, 1,
      ])
    #expect(tests.failures.map(\.attempts) == [3])
    #expect(tests.failures.first?.message == "still boom")
    #expect(tests.failures.first?.details == "panic text")
    #expect(tests.flakyTests.map(\.attempts) == [2])
    #expect(tests.duration?.milliseconds == 1500)
    #expect(tests.testTime.milliseconds == 60)
  }

  @Test("entities in attributes and text are decoded exactly once")
  func entities() throws {
    let (tests, _) = Parsing.tests(
      """
      <testsuite name="s"><testcase name="x &amp;&#38;&amp;amp; &lt;y&gt; &apos;q&quot;">
      <failure message="a&amp;b">c &amp;&#x26;amp; &lt;d&gt;]]&gt;</failure></testcase></testsuite>
      """)
    let failure = try #require(tests.failures.first)
    #expect(failure.name == #"x &&&amp; <y> 'q""#)
    #expect(failure.message == "a&b")
    #expect(failure.details == "c &&amp; <d>]]>")
  }

  @Test(
    "times too large for a duration are unknown, not a crash or a wrapped number",
    arguments: ["9999999999", "99999999999", "1e300", "123456789012345678901234567890"])
  func hugeTimes(_ time: String) {
    #expect(JUnitTime.parse(time) == nil)
    let (tests, _) = Parsing.tests(
      "<testsuite name=\"s\"><testcase name=\"a\" time=\"\(time)\"/></testsuite>")
    #expect(tests.total == 1)
    #expect(tests.testTime == .zero)
  }

  @Test("nine-digit seconds and nanosecond fractions are read exactly")
  func largeTimes() {
    #expect(JUnitTime.parse("999999999.123456789") == .nanoseconds(999_999_999_123_456_789))
    #expect(JUnitTime.parse("0.0000000019") == .nanoseconds(1))
  }

  @Test("of attributes with the same local name, the last counts")
  func repeatedLocalNames() throws {
    let (tests, _) = Parsing.tests(
      """
      <testsuites xmlns:p="urn:x"><testsuite name="s">
      <testcase p:name="first" name="second" p:time="5" time="0.5"/></testsuite></testsuites>
      """)
    #expect(tests.slowest.first?.name == "second")
    #expect(tests.testTime.milliseconds == 500)
  }

  @Test("other dialects: bare testsuite root, nested suites, status attributes, CDATA, no counts")
  func dialects() {
    let (tests, diagnostics) = Parsing.tests(
      """
      <testsuites><testsuite name="outer"><testsuite name="inner" time="1,234.5">
      <testcase name="p" time="0,03"/><testcase name="d" status="disabled"/>
      <testcase name="f"><failure><![CDATA[boom <raw>]]></failure></testcase>
      <testcase name="s"><skipped/></testcase><testcase name="e"><error message="E"/></testcase>
      </testsuite></testsuite></testsuites>
      """)
    #expect(diagnostics.isEmpty)
    #expect(
      [tests.total, tests.passed, tests.failed, tests.errors, tests.skipped] == [5, 1, 1, 1, 2])
    #expect(tests.failures.map(\.suite) == ["inner", "inner"])
    #expect(tests.failures.first?.message == "boom <raw>")
    // The outer suite has no time, so the run's time is the sum of the cases'.
    #expect(tests.duration?.milliseconds == 30)
    #expect(tests.testTime.milliseconds == 30)
  }

  @Test(
    "JUnit times are read leniently",
    arguments: [
      ("0.004", 4), ("61.240", 61_240), ("1,234.5", 1_234_500), ("2,120.532", 2_120_532),
      ("0,03", 30),
      ("80.803us", 0), ("12ms", 12), ("3s", 3000), ("", nil), ("abc", nil), ("-1", nil),
    ] as [(String, Int64?)])
  func times(text: String, milliseconds: Int64?) {
    #expect(JUnitTime.parse(text)?.milliseconds == milliseconds)
  }

  @Test("a truncated file keeps the cases before the cut and names line and column")
  func truncated() throws {
    let xml =
      "<testsuites>\n<testsuite name=\"s\">\n<testcase name=\"a\"/>\n<testcase name=\"b\"/>\n<testcase na"
    let (tests, diagnostics) = Parsing.tests(xml)
    #expect(tests.total == 2)
    #expect(tests.isPartial)
    let diagnostic = try #require(diagnostics.first)
    #expect(diagnostic.severity == .error)
    #expect(diagnostic.line == 5)
    #expect(diagnostic.message.contains("ends before"))
  }

  @Test("external entities are never loaded and entity bombs never expand")
  func hostileEntities() throws {
    let xxe = """
      <?xml version="1.0"?>
      <!DOCTYPE testsuites [<!ENTITY xxe SYSTEM "file:///etc/passwd">]>
      <testsuites><testsuite name="s"><testcase name="ok"/>
      <testcase name="leak"><failure>&xxe;</failure></testcase></testsuite></testsuites>
      """
    let (leaked, leakDiagnostics) = Parsing.tests(xxe)
    #expect(leaked.total == 1)
    let details = leaked.failures.first?.details ?? ""
    #expect(details.contains("root:") == false)
    #expect(leakDiagnostics.first?.line == 4)
    var bomb = "<?xml version=\"1.0\"?>\n<!DOCTYPE lolz [\n<!ENTITY lol \"lol\">\n"
    bomb += "<!ENTITY lol1 \"&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;\">\n"
    for level in 2...9 {
      bomb +=
        "<!ENTITY lol\(level) \"" + String(repeating: "&lol\(level - 1);", count: 10) + "\">\n"
    }
    bomb +=
      "]>\n<testsuites><testsuite name=\"s\"><testcase name=\"t\"><failure message=\"&lol9;\"/></testcase></testsuite></testsuites>\n"
    let (exploded, bombDiagnostics) = Parsing.tests(bomb)
    #expect(exploded.total == 0)
    #expect(bombDiagnostics.count == 1)
  }

  @Test("text is kept up to the per-element limit with the cut counted")
  func textLimit() throws {
    let big = String(repeating: "x", count: 100_000)
    let (tests, _) = Parsing.tests(
      "<testsuite><testcase name=\"t\"><failure>\(big)</failure><system-out>\(big)</system-out></testcase></testsuite>"
    )
    let failure = try #require(tests.failures.first)
    #expect(failure.details?.utf8.count == 8192)
    #expect(failure.output?.utf8.count == 8192)
    #expect(failure.cutBytes == 2 * (100_000 - 8192))
  }

  @Test("200,000 generated test cases are read in bounded memory")
  func manyCases() {
    var parser = JUnitParser(source: "big.xml")
    var builder = TestSummaryBuilder()
    builder.apply(parser.feed(Array("<testsuites><testsuite name=\"big\">\n".utf8)))
    var chunk = ""
    for index in 0..<200_000 {
      if index % 100 == 7 {
        chunk +=
          "<testcase name=\"t\(index)\" time=\"0.001\"><failure message=\"m\">\(String(repeating: "y", count: 20_000))</failure></testcase>\n"
      } else {
        chunk += "<testcase name=\"t\(index)\" time=\"0.001\"/>\n"
      }
      if index % 2000 == 1999 {
        builder.apply(parser.feed(Array(chunk.utf8)))
        chunk = ""
      }
    }
    builder.apply(parser.feed(Array("</testsuite></testsuites>\n".utf8)))
    builder.apply(parser.finish())
    let tests = builder.build()
    #expect(tests.total == 200_000)
    #expect(tests.failed == 2000)
    #expect(tests.failures.count == TestSummaryBuilder.maximumListed)
    #expect(tests.unlistedFailures == 2000 - TestSummaryBuilder.maximumListed)
    let kept = tests.failures.reduce(0) { $0 + ($1.details?.utf8.count ?? 0) }
    #expect(kept <= TestSummaryBuilder.maximumKeptText)
    #expect(tests.slowest.count == 10)
  }
}
