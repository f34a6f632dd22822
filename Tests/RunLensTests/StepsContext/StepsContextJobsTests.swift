import Testing

@testable import RunLens

@Suite("StepsContext applied to a run's jobs")
struct StepsContextJobsTests {
  static func steps() throws -> [StepsContext.Step] {
    try StepsContext.parse(
      Array(
        """
        {
          "restore": {
            "outputs": {"cache-hit": "true", "cache-primary-key": "deps-abc",
                        "cache-matched-key": "deps-abc"},
            "outcome": "success", "conclusion": "success"
          },
          "build": {"outputs": {}, "outcome": "failure", "conclusion": "success"}
        }
        """.utf8))
  }

  static func running(_ name: String) -> JobRun {
    var job = JobRun(name: name)
    job.status = "in_progress"
    return job
  }

  @Test("the job named $GITHUB_JOB (a matrix job's name starts with it) gets the restores")
  func byJobKey() throws {
    let jobs = [Self.running("lint"), JobRun(name: "build (ubuntu)"), Self.running("test")]
    let result = StepsContext.apply(try Self.steps(), to: jobs, jobKey: "build", source: "s.json")
    #expect(result.count == 3)
    #expect(result[1].restores.map(\.primaryKey) == ["deps-abc"])
    #expect(result[1].steps.map(\.name).sorted() == ["build", "restore"])
    // The conclusion (after continue-on-error) wins over the outcome.
    #expect(result[1].steps.first { $0.name == "build" }?.conclusion == "success")
    #expect(result[0].restores.isEmpty && result[2].restores.isEmpty)
  }

  @Test("without a match, the one job in progress; with none, a new job named after the key")
  func fallbacks() throws {
    let steps = try Self.steps()
    let one = StepsContext.apply(
      steps, to: [JobRun(name: "a"), Self.running("b")], jobKey: "", source: "s.json")
    #expect(one.map(\.restores.count) == [0, 1])
    let two = [Self.running("a"), Self.running("b")]
    let added = StepsContext.apply(steps, to: two, jobKey: "deploy", source: "s.json")
    #expect(added.map(\.name) == ["a", "b", "deploy"])
    #expect(added[2].hasLog == false)
    #expect(added[2].status == "in_progress")
    #expect(added[2].source == "s.json")
    let unnamed = StepsContext.apply(steps, to: two, jobKey: nil, source: "s.json")
    #expect(unnamed.last?.name == "this job")
  }

  @Test("the API's steps are kept and give the restore its duration")
  func apiSteps() throws {
    var job = Self.running("build")
    job.steps = [Step(name: "restore", kind: .action, duration: .seconds(7), line: 0)]
    let result = StepsContext.apply(try Self.steps(), to: [job], jobKey: "build", source: "s")
    #expect(result[0].steps.count == 1)
    #expect(result[0].restores.first?.duration == .seconds(7))
  }

  @Test("a report with a job no longer says that no job log was found")
  func report() throws {
    let empty = RunReport(
      jobs: [], diagnostics: [Diagnostic(.warning, RunAssembly.nothingFound, source: nil)])
    let result = StepsContext.apply(try Self.steps(), to: empty, jobKey: "build", source: "s")
    #expect(result.jobs.map(\.name) == ["build"])
    #expect(!result.diagnostics.contains { $0.message == RunAssembly.nothingFound })
  }
}
