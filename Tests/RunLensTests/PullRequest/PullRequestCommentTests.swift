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
    let found = PullRequestComment.existing(
      in: comments.map { .init(id: $0.id, body: $0.body, url: $0.url, author: "app[bot]") },
      marker: "<!-- runlens:ci -->", author: "app[bot]")
    #expect(found?.id == 7)
    #expect(
      PullRequestComment.existing(in: comments, marker: "<!-- runlens:other -->", author: "a")
        == nil)
    #expect(PullRequestComment.parse(created: Array(#"{"id": 1, "html_url": "u"}"#.utf8)) == "u")
  }

  @Test("only the token's own marked comment is updated, never a person's with the marker")
  func author() throws {
    let page = """
      [{"id": 3, "body": "<!-- runlens:ci -->\\ncopied", "user": {"login": "mallory", "type": "User"}},
       {"id": 5, "body": "<!-- runlens:ci -->\\nreport", "user": {"login": "github-actions[bot]", "type": "Bot"}},
       {"id": 6, "body": "<!-- runlens:ci -->\\nby hand", "user": {"login": "Alice", "type": "User"}},
       {"id": 7, "body": "<!-- runlens:ci -->\\nno user"}]
      """
    let comments = try PullRequestComment.parse(Array(page.utf8))
    #expect(comments.map(\.author) == ["mallory", "github-actions[bot]", "Alice", nil])
    let marker = "<!-- runlens:ci -->"
    #expect(
      PullRequestComment.existing(in: comments, marker: marker, author: "github-actions[bot]")?.id
        == 5)
    // Logins are case-insensitive.
    #expect(PullRequestComment.existing(in: comments, marker: marker, author: "alice")?.id == 6)
    #expect(PullRequestComment.existing(in: comments, marker: marker, author: "bob") == nil)
    #expect(PullRequestComment.existing(in: comments, marker: marker, author: "") == nil)
    // ASCII letters only: the Kelvin sign (U+212A) is not a K.
    let kate = PullRequestComment.Existing(id: 1, body: "", author: "Kate")
    #expect(kate.isBy("kATE") && !kate.isBy("\u{212A}ate") && !kate.isBy("Kat"))
  }

  @Test("the token's login is GraphQL's viewer; an error answer says why there is none")
  func viewer() throws {
    let answer = #"{"data": {"viewer": {"login": "github-actions[bot]"}}}"#
    #expect(try PullRequestComment.viewerLogin(Array(answer.utf8)) == "github-actions[bot]")
    let failures = [
      (#"{"errors": [{"message": "Bad"}]}"#, "GraphQL error: Bad"),
      (#"{"data": {"viewer": {"login": ""}}}"#, "the answer has no viewer login"),
      (#"{"data": null}"#, "the answer has no viewer login"),
      ("<html>", "not a GraphQL answer"),
    ]
    for (text, message) in failures {
      #expect(throws: PullRequestComment.ParseError(message: message)) {
        try PullRequestComment.viewerLogin(Array(text.utf8))
      }
    }
  }
}
