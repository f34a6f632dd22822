import Testing

@testable import RunLens

@Suite("PullRequestComment")
struct PullRequestCommentTests {
  @Test("the marker is the first line when it is an HTML comment")
  func marker() {
    #expect(PullRequestComment.marker(of: "<!-- runlens:ci -->\r\nbody") == "<!-- runlens:ci -->")
    #expect(PullRequestComment.marker(of: "## report\n<!-- runlens -->") == nil)
    #expect(PullRequestComment.marker(of: "<!---->") == nil)
  }

  @Test("the oldest comment that starts with the marker is the one to update, across pages")
  func existing() throws {
    let pages = """
      [{"id": 5, "body": "hello"}, {"id": 9, "body": "<!-- runlens:ci -->\\nnew"}]
      [{"id": 7, "body": "<!-- runlens:ci -->\\nold", "html_url": "u7"},
       {"id": 8, "body": "quote <!-- runlens:ci -->"}]
      """
    let comments = try PullRequestComment.parse(Array(pages.utf8))
    #expect(comments.count == 4)
    let found = PullRequestComment.existing(in: comments, marker: "<!-- runlens:ci -->")
    #expect(found?.id == 7)
    #expect(PullRequestComment.existing(in: comments, marker: "<!-- runlens:other -->") == nil)
    #expect(PullRequestComment.parse(created: Array(#"{"id": 1, "html_url": "u"}"#.utf8)) == "u")
  }
}
