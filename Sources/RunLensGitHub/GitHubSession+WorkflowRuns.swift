package import RunLens

extension GitHubSession {
  /// Every page of a workflow's runs: `GET /repos/{o}/{r}/actions/workflows/{workflow}/runs`.
  ///
  /// - Parameters:
  ///   - repository: `owner/name`.
  ///   - workflow: The workflow's file name (`ci.yml`) or id.
  ///   - query: The list's filters (`branch`, `status`, `created`, `per_page`).
  /// - Returns: The runs, in the API's order (newest first).
  /// - Throws: ``GitHubError``; a page that is not a runs list is
  ///   ``GitHubError/Code/badResponse`` with the workflow in its message.
  package func workflowRuns(
    _ repository: String, workflow: String, query: [(String, String)]
  ) throws(GitHubError) -> [WorkflowRun] {
    var runs: [WorkflowRun] = []
    for page in try client.pages(
      "/repos/\(repository)/actions/workflows/\(workflow)/runs", query: query,
      needs: .actionsRead)
    {
      do {
        runs += try WorkflowRuns.parse([UInt8](page))
      } catch {
        throw GitHubError(.badResponse, "workflow \(workflow) runs: \(error.message)")
      }
    }
    return runs
  }
}
