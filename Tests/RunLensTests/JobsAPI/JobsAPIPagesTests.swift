import Testing

@testable import RunLens

@Suite("JobsAPI and WorkflowRuns")
struct JobsAPIPagesTests {
  static let page1 = """
    {"total_count": 3, "jobs": [
      {"id": 1, "name": "build", "status": "completed", "conclusion": "success", "steps": []},
      {"id": 2, "name": "test \\"}{", "status": "completed", "conclusion": "failure", "steps": []}
    ]}
    """
  static let page2 = """
    {"total_count": 3, "jobs": [
      {"id": 3, "name": "report", "status": "in_progress", "conclusion": null, "steps": []}
    ]}
    """

  @Test(
    "one page, gh api --paginate pages back to back, and --slurp's array of pages",
    arguments: [
      (page1, [1, 2]),
      (page1 + page2, [1, 2, 3]),
      (page1 + "\n" + page2 + "\n", [1, 2, 3]),
      ("[" + page1 + "," + page2 + "]", [1, 2, 3]),
    ] as [(String, [Int64])])
  func pages(_ text: String, ids: [Int64]) throws {
    let jobs = try JobsAPI.parse(Array(text.utf8))
    #expect(jobs.compactMap(\.id) == ids)
    #expect(jobs.first?.status == "completed")
  }

  @Test("a page that is not a jobs envelope is refused")
  func notJobs() {
    #expect(throws: JobsAPI.ParseError.self) {
      try JobsAPI.parse(Array((Self.page1 + #"{"total_count": 1}"#).utf8))
    }
    #expect(throws: JobsAPI.ParseError.self) { try JobsAPI.parse(Array("not json".utf8)) }
  }

  @Test("a log is expected for completed jobs only, and a cancelled one only if a step started")
  func downloadable() throws {
    let text = """
      {"jobs": [
        {"name": "a", "status": "completed", "conclusion": "success", "steps": []},
        {"name": "b", "status": "in_progress", "conclusion": null, "steps": []},
        {"name": "c", "status": "queued", "steps": []},
        {"name": "d", "status": "completed", "conclusion": "cancelled",
         "steps": [{"name": "s", "number": 1, "started_at": null}]},
        {"name": "e", "status": "completed", "conclusion": "cancelled",
         "steps": [{"name": "s", "number": 1, "started_at": "2025-01-01T00:00:00Z"}]},
        {"name": "f", "status": "completed", "conclusion": "skipped", "steps": []}
      ]}
      """
    let jobs = try JobsAPI.parse(Array(text.utf8))
    #expect(jobs.filter(\.hasDownloadableLog).map(\.name) == ["a", "e"])
  }

  @Test("the baseline is the newest successful completed runs, the candidate excluded")
  func baseline() throws {
    let text = """
      {"total_count": 5, "workflow_runs": [
        {"id": 10, "status": "completed", "conclusion": "success", "created_at": "2025-12-01T00:00:00Z"},
        {"id": 12, "status": "completed", "conclusion": "failure", "created_at": "2025-12-03T00:00:00Z"},
        {"id": 13, "status": "completed", "conclusion": "success", "created_at": "2025-12-04T00:00:00Z",
         "head_sha": "abc", "html_url": "https://github.com/o/r/actions/runs/13"},
        {"id": 11, "status": "completed", "conclusion": "success", "created_at": "2025-12-02T00:00:00Z"},
        {"id": 14, "status": "in_progress", "conclusion": null, "created_at": "2025-12-05T00:00:00Z"}
      ]}
      """
    let runs = try WorkflowRuns.parse(Array(text.utf8))
    #expect(runs.count == 5)
    let picked = WorkflowRuns.baseline(from: runs + runs, excluding: 11, count: 2)
    #expect(picked.map(\.id) == [13, 10])
    #expect(picked.first?.headSHA == "abc")
    #expect(WorkflowRuns.baseline(from: runs, excluding: 0, count: 0).isEmpty)
    let single = try WorkflowRuns.parse(Array(#"{"id": 7, "workflow_id": 3}"#.utf8))
    #expect(single.first?.workflowID == 3)
  }

  @Test("the splitter keeps strings with brackets and quotes whole")
  func splitter() {
    let parts = JSONPages.split(Array(#"{"a": "}{\"]"} [1,2]  {"b": {}}"#.utf8))
    #expect(
      parts.map { String(decoding: $0, as: UTF8.self) } == [
        #"{"a": "}{\"]"}"#, "[1,2]", #"{"b": {}}"#,
      ])
    #expect(JSONPages.split(Array("[1] x".utf8)).count == 1)
  }
}
