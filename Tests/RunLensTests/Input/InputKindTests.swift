import Testing

@testable import RunLens

@Suite("InputKind")
struct InputKindTests {
  @Test(
    "a log whose first line starts with < but is no XML tag is a log",
    arguments: [
      "<frozen importlib._bootstrap>:241: RuntimeWarning: numpy.ndarray size changed\nCache Key: k\n",
      "<3 starting the build\nCache Key: k\n",
      "<stdin>:1: warning: something\n",
    ])
  func angleBracketLog(text: String) {
    #expect(InputKind.detect(Array(text.utf8)) == .jobLog)
  }

  @Test(
    "XML is XML: a declaration, a comment, a doctype or a start tag",
    arguments: [
      #"<?xml version="1.0"?><testsuites/>"#,
      "<!-- made by pytest --><testsuite/>",
      "<testsuites>\n<testsuite name=\"s\"/>\n</testsuites>",
      "<testsuite name=\"s\" tests=\"1\">",
      "<testsuite\n  name='s'>",
      "<report/>",
      "<ns:report xmlns:ns=\"urn:x\">",
    ])
  func xml(text: String) {
    #expect(InputKind.detect(Array(text.utf8)) == .junit)
  }
}
