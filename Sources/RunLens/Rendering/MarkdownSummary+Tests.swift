extension MarkdownSummary {
  /// The tests part of the headline: `**Tests:** ✅ 17 passed · ❌ 1 failed · 🔁 2 flaky …`.
  static func testsHeadline(_ tests: TestSummary) -> String {
    var parts = ["✅ \(tests.passed) passed"]
    if tests.failed > 0 { parts.append("❌ \(tests.failed) failed") }
    if tests.errors > 0 { parts.append("⛔ \(tests.errors) errors") }
    if tests.flaky > 0 { parts.append("🔁 \(tests.flaky) flaky") }
    parts.append("⏭️ \(tests.skipped) skipped")
    if let duration = tests.duration { parts.append(Markdown.duration(duration)) }
    return "**Tests:** " + parts.joined(separator: " · ")
  }

  /// The tests section: failures with their message and output, flaky tests, the slowest
  /// tests and a per-suite table.
  static func testsSection(
    _ tests: TestSummary, detail: Detail
  ) -> String {
    let compact = detail != .full
    var out = "### Tests\n\n"
    var line = "**\(tests.total) tests** (\(tests.passed) passed, \(tests.failed) failed, "
    line += "\(tests.errors) errors, \(tests.skipped) skipped, \(tests.flaky) flaky)"
    if let duration = tests.duration { line += " in \(Markdown.duration(duration))" }
    switch tests.source {
    case .junit:
      line += ", from \(tests.files.count) JUnit file\(tests.files.count == 1 ? "" : "s")"
    case .nextestLog:
      line += ", from nextest's summary in the log"
    }
    out += line + ".\n\n"
    for file in tests.files where file.isPartial {
      out +=
        "> [!WARNING]\n> \(Markdown.code(file.path)) is cut or malformed: only its first \(file.tests) tests are counted.\n\n"
    }
    if !tests.failures.isEmpty {
      out += "#### Failures\n\n"
      let listed = compact ? Array(tests.failures.prefix(20)) : tests.failures
      for (index, failure) in listed.enumerated() {
        let withText = !compact || index < 5
        out += failureBlock(failure, withText: withText)
      }
      let more = tests.failures.count - listed.count + tests.unlistedFailures
      if more > 0 {
        out += "*\(more) more failures are not shown; the JSON metrics list up to 500.*\n\n"
      }
    }
    if !tests.flakyTests.isEmpty {
      out += "#### Flaky tests\n\n| Suite | Test | Attempts |\n| --- | --- | ---: |\n"
      let listed = compact ? Array(tests.flakyTests.prefix(20)) : tests.flakyTests
      for flaky in listed {
        out +=
          "| \(Markdown.code(flaky.suite)) | \(Markdown.code(flaky.name)) | \(flaky.attempts) |\n"
      }
      if listed.count < tests.flaky {
        out += "\n*\(tests.flaky - listed.count) more flaky tests are not shown.*\n"
      }
      out += "\n"
    }
    if !tests.slowest.isEmpty {
      out += "<details><summary>Slowest \(tests.slowest.count) tests</summary>\n\n"
      out += "| Suite | Test | Time |\n| --- | --- | ---: |\n"
      for test in tests.slowest {
        out +=
          "| \(Markdown.code(test.suite)) | \(Markdown.code(test.name)) | \(Markdown.duration(test.duration)) |\n"
      }
      out += "\n</details>\n\n"
    }
    if !tests.suites.isEmpty {
      let listed = compact ? Array(tests.suites.prefix(20)) : tests.suites
      out += "<details><summary>Suites (\(tests.suites.count))</summary>\n\n"
      out += "| Suite | Tests | Passed | Failed | Errors | Skipped | Flaky | Test time |\n"
      out += "| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: |\n"
      for suite in listed {
        out +=
          "| \(Markdown.code(suite.name)) | \(suite.total) | \(suite.passed) | \(suite.failed) | "
        out +=
          "\(suite.errors) | \(suite.skipped) | \(suite.flaky) | \(Markdown.duration(suite.testTime)) |\n"
      }
      if listed.count < tests.suites.count {
        out += "\n*\(tests.suites.count - listed.count) more suites are not shown.*\n"
      }
      out += "\n</details>\n\n"
    }
    return out
  }

  /// One failure as a collapsible block: name and message in the summary line, the failure
  /// text and the start of the output inside.
  ///
  /// It is built in one byte buffer (the failures of a large report are most of a summary).
  static func failureBlock(_ failure: TestSummary.Failure, withText: Bool) -> String {
    let details = withText ? failure.details : nil
    let output = withText ? failure.output.map(outputStart) : nil
    var out: [UInt8] = []
    out.reserveCapacity(
      (details?.utf8.count ?? 0) + (output?.0.utf8.count ?? 0) + failure.suite.utf8.count
        + failure.name.utf8.count + 600)
    func put(_ text: StaticString) {
      out.append(
        contentsOf: UnsafeBufferPointer(start: text.utf8Start, count: text.utf8CodeUnitCount))
    }
    func put(_ text: String) { out.append(contentsOf: text.utf8) }
    let hasBody = details != nil || output != nil
    put(hasBody ? "<details><summary>" : "- ")
    put(failure.outcome == .error ? "⛔ <code>" : "❌ <code>")
    Markdown.escape(failure.suite, mode: .code, into: &out)
    put("</code> <code>")
    Markdown.escape(failure.name, mode: .code, into: &out)
    put("</code>")
    if failure.attempts > 1 { put(" (\(failure.attempts) attempts)") }
    if let message = headline(failure) {
      put(": ")
      // At most 300 characters; a text of at most 300 bytes has no more.
      let shown = message.utf8.count <= 300 ? message : String(message.prefix(300))
      Markdown.escape(shown, mode: .text, into: &out)
    }
    guard hasBody else {
      put("\n\n")
      return String(decoding: out, as: UTF8.self)
    }
    put("</summary>\n\n")
    if let details {
      put("<pre>\n")
      Markdown.escape(details, mode: .pre, into: &out)
      put("\n</pre>\n\n")
    }
    if let (start, rest) = output {
      put("Output (start):\n\n<pre>\n")
      Markdown.escape(start, mode: .pre, into: &out)
      put("\n</pre>\n\n")
      if rest > 0 { put("*… \(rest) more bytes of output in the JSON metrics.*\n\n") }
    }
    if failure.cutBytes > 0 {
      put("*… \(failure.cutBytes) bytes cut.*\n\n")
    }
    put("</details>\n\n")
    return String(decoding: out, as: UTF8.self)
  }

  /// A failure's message for display: for a Rust panic, whose message is only its location,
  /// the location followed by the assertion (the second line of the failure text).
  static func headline(_ failure: TestSummary.Failure) -> String? {
    guard let message = failure.message else { return nil }
    guard message.hasPrefix("thread '"), ByteSearch.contains(message, " panicked at "),
      let details = failure.details
    else { return message }
    guard let assertion = secondLine(of: details) else { return message }
    var location = message
    if location.hasSuffix(":") { location.removeLast() }
    return location + ": " + assertion
  }

  /// The second non-empty line of a text (a line ends at LF, and a CR before it is dropped);
  /// only the bytes up to that line are looked at.
  static func secondLine(of text: String) -> String? {
    var text = text
    return text.withUTF8 { bytes -> String? in
      var start = 0
      var seen = 0
      while start < bytes.count {
        let rest = UnsafeBufferPointer(rebasing: bytes[start...])
        var end = start + (rest.firstIndex(of: 0x0A) ?? rest.count)
        let next = end + 1
        if end > start, bytes[end - 1] == 0x0D { end -= 1 }
        if end > start {
          seen += 1
          if seen == 2 { return String(decoding: bytes[start..<end], as: UTF8.self) }
        }
        start = next
      }
      return nil
    }
  }

  /// The first 40 lines (at most 4 KiB) of an output, without leading blank lines, and the
  /// number of bytes left out.
  static func outputStart(_ output: String) -> (String, Int) {
    var output = output
    return output.withUTF8 { bytes -> (String, Int) in
      func newline(from position: Int) -> Int? {
        UnsafeBufferPointer(rebasing: bytes[position...]).firstIndex(of: 0x0A).map {
          position + $0
        }
      }
      // Leading blank lines.
      var first = 0
      while let newline = newline(from: first),
        bytes[first..<newline].allSatisfy({ $0 == 0x20 || $0 == 0x0D || $0 == 0x09 })
      {
        first = newline + 1
      }
      var end = first
      var lines = 0
      var position = first
      while position < bytes.count, lines < 40 {
        let next = newline(from: position) ?? bytes.count
        if next - first > 4096 { break }
        end = next
        lines += 1
        position = next < bytes.count ? next + 1 : next
      }
      return (String(decoding: bytes[first..<end], as: UTF8.self), bytes.count - end)
    }
  }

  /// Text for a `<pre>` block: `&`, `<` and `>` as entities, so that nothing in it (a closing
  /// tag, a code fence, a mention) is more than text.
  static func html(_ text: String) -> String {
    Markdown.escape(text, mode: .pre)
  }

}
