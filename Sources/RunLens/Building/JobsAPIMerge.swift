extension RunReport {
  /// Adds what the jobs API knows to jobs read from logs.
  ///
  /// Jobs are matched by name. A matched job's steps take the API's names, numbers and
  /// conclusions (matched in order when the counts agree, else by time), and the steps the log
  /// cannot show (skipped ones) are added; durations stay the log's. A job the API lists but no
  /// log has is added with the API's times (whole seconds).
  ///
  /// - Parameters:
  ///   - jobs: The jobs read from logs.
  ///   - api: The jobs of the API document(s).
  /// - Returns: The jobs, in the API's order, then log jobs it does not list.
  public static func merge(_ jobs: [JobRun], with api: [APIJob]) -> [JobRun] {
    var remaining = jobs
    var merged: [JobRun] = []
    var seen = Set<String>()
    // Pages may overlap: a job listed twice (same id, else same name and start) counts once.
    let unique = api.filter { job in
      seen.insert(job.id.map { "id \($0)" } ?? "\(job.name) \(job.startedAt?.text ?? "")").inserted
    }
    for apiJob in unique {
      if let index = remaining.firstIndex(where: { $0.name == apiJob.name }) {
        merged.append(remaining.remove(at: index).merging(apiJob))
      } else {
        merged.append(JobRun(api: apiJob))
      }
    }
    return merged + remaining
  }
}

extension JobRun {
  /// A job known only from the jobs API.
  init(api: APIJob) {
    self.init(name: api.name, startedAt: api.startedAt, completedAt: api.completedAt)
    conclusion = api.conclusion
    status = api.status
    url = api.url
    hasLog = false
    steps = api.steps.map { step in
      var duration: Duration?
      if let start = step.startedAt, let end = step.completedAt {
        duration = start.duration(to: end)
      }
      return Step(
        name: step.name, kind: .api, startedAt: step.startedAt, duration: duration, line: 0,
        number: step.number,
        conclusion: step.conclusion)
    }
  }

  /// The job with the API's names, numbers and conclusions for its steps.
  func merging(_ api: APIJob) -> JobRun {
    var job = self
    job.conclusion = api.conclusion
    job.status = api.status
    job.url = api.url
    let ran = api.steps.filter { $0.conclusion != "skipped" }
    var pairs: [Int: APIJob.Step] = [:]
    if ran.count == steps.count {
      for (index, step) in ran.enumerated() { pairs[index] = step }
    } else {
      // First by name: gh and step files name steps as the API does, and the log's own
      // "Set up job" and "Complete job" are the API's names too.
      var used = Set<Int>()
      for (index, step) in steps.enumerated() {
        if let match = ran.first(where: { !used.contains($0.number) && $0.name == step.name }) {
          used.insert(match.number)
          pairs[index] = match
        }
      }
      // Then in order by time, never past a step already matched: the API's times are whole
      // seconds, so a window alone would also take a neighbour.
      var cursor = 0
      for (index, step) in steps.enumerated() {
        if let matched = pairs[index], let position = ran.firstIndex(of: matched) {
          cursor = position + 1
          continue
        }
        guard let start = step.startedAt?.nanosecondsSinceEpoch else { continue }
        var position = cursor
        while position < ran.count {
          let candidate = ran[position]
          if used.contains(candidate.number) { break }
          if let from = candidate.startedAt?.nanosecondsSinceEpoch,
            let to = candidate.completedAt?.nanosecondsSinceEpoch,
            start >= from - 1_000_000_000, start <= to + 1_000_000_000
          {
            used.insert(candidate.number)
            pairs[index] = candidate
            cursor = position + 1
            break
          }
          position += 1
        }
      }
    }
    var renamed: [Int: String] = [:]
    for (index, apiStep) in pairs {
      if job.steps[index].header == nil { job.steps[index].header = job.steps[index].name }
      job.steps[index].name = apiStep.name
      job.steps[index].number = apiStep.number
      job.steps[index].conclusion = apiStep.conclusion
      renamed[job.steps[index].line] = apiStep.name
    }
    for index in job.restores.indices {
      if let name = renamed[job.restores[index].line] { job.restores[index].step = name }
    }
    for index in job.saves.indices {
      if let name = renamed[job.saves[index].line] { job.saves[index].step = name }
    }
    // The steps the log cannot show, placed by number.
    for skipped in api.steps where skipped.conclusion == "skipped" {
      let step = Step(
        name: skipped.name, kind: .api, line: 0, number: skipped.number, conclusion: "skipped")
      let position =
        job.steps.firstIndex { ($0.number ?? Int.max) > skipped.number } ?? job.steps.count
      job.steps.insert(step, at: position)
    }
    return job
  }
}
