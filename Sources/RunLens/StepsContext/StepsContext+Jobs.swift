extension StepsContext {
  /// Adds the steps context to the report's current job (as the overload on its jobs does);
  /// once the report has a job, "no job log was found" is no longer said.
  ///
  /// - Returns: The report with the current job completed.
  package static func apply(
    _ steps: [Step], to report: RunReport, jobKey: String?, source: String
  ) -> RunReport {
    var report = report
    report.jobs = apply(steps, to: report.jobs, jobKey: jobKey, source: source)
    if !report.jobs.isEmpty {
      report.diagnostics.removeAll { $0.message == RunAssembly.nothingFound }
    }
    return report
  }

  /// Adds the steps context's cache restores (and, for a job without steps from the jobs API,
  /// its steps) to the current job, for the in-job mode: the job's own cache outcome while its
  /// log does not exist yet.
  ///
  /// The current job is the job named `jobKey` (`$GITHUB_JOB`; a matrix job's name starts
  /// with it and ` (`), else the one job still in progress, else a new job named after
  /// `jobKey` (or "this job").
  ///
  /// - Parameters:
  ///   - steps: The parsed `${{ toJSON(steps) }}`.
  ///   - jobs: The run's jobs.
  ///   - jobKey: `$GITHUB_JOB`, `nil` or empty when unknown.
  ///   - source: The steps context's file, the source of a new job.
  /// - Returns: The jobs with the current one completed.
  package static func apply(
    _ steps: [Step], to jobs: [JobRun], jobKey: String?, source: String
  ) -> [JobRun] {
    let jobKey = jobKey.flatMap { $0.isEmpty ? nil : $0 }
    var jobs = jobs
    let running = jobs.indices.filter { jobs[$0].status == "in_progress" }
    var index: Int?
    if let jobKey {
      index = jobs.firstIndex { $0.name == jobKey || $0.name.hasPrefix(jobKey + " (") }
    }
    if index == nil, running.count == 1 { index = running[0] }
    if index == nil {
      var job = JobRun(name: jobKey ?? "this job", source: source)
      job.hasLog = false
      job.status = "in_progress"
      jobs.append(job)
      index = jobs.count - 1
    }
    guard let index else { return jobs }
    var restores = restores(steps)
    // The API's steps carry names and times; the context only ids.
    let stepTimes = jobs[index].steps
    for position in restores.indices {
      restores[position].duration =
        stepTimes.first { $0.name == restores[position].step }?
        .duration
    }
    jobs[index].restores += restores
    if jobs[index].steps.isEmpty {
      jobs[index].steps = steps.map { step in
        RunLens.Step(
          name: step.id, kind: .action, line: 0, conclusion: step.conclusion ?? step.outcome)
      }
    }
    return jobs
  }
}
