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
  package static func merge(_ jobs: [JobRun], with api: [APIJob]) -> [JobRun] {
    var remaining = jobs
    var merged: [JobRun] = []
    var seen = Set<String>()
    // Pages may overlap: a job listed twice (same id, else same name and start) counts once.
    let unique = api.filter { job in
      seen.insert(job.id.map { "id \($0)" } ?? "\(job.name) \(job.startedAt?.text ?? "")").inserted
    }
    for apiJob in unique {
      // By name; a log named only by its file `logs/<job id>.log` (what `runlens fetch`
      // writes) by the job's id.
      let byID =
        apiJob.id.map { id in
          remaining.firstIndex { $0.nameSource == .file && $0.name == String(id) }
        } ?? nil
      if let index = remaining.firstIndex(where: { $0.name == apiJob.name }) ?? byID {
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

  /// The job with the API's steps: its names, numbers and conclusions, and its grouping.
  ///
  /// The API lists the steps GitHub shows; a log can show more step headers (a composite
  /// action's inner steps print their own, and one post step can hold several
  /// `Post job cleanup.` lines). Each step that ran is matched to one of the log's steps, in
  /// order, by name where they agree and else by time (``align(_:_:)``); the log steps between
  /// two matched ones belong to the first of them, and become one step with it.
  func merging(_ api: APIJob) -> JobRun {
    var job = self
    job.conclusion = api.conclusion
    job.conclusionSource = api.conclusion == nil ? nil : .api
    job.nameSource = .api
    job.status = api.status
    job.url = api.url
    let ran = api.steps.filter { $0.conclusion != "skipped" }
    var pairs: [Int: APIJob.Step] = [:]
    let cells = (ran.count + 1).multipliedReportingOverflow(by: steps.count + 1)
    if cells.overflow || cells.partialValue > Self.maximumAlignmentCells {
      // The table would grow with the document: in order when the counts agree, else a forged
      // or broken list is not aligned.
      if ran.count == steps.count {
        pairs = Dictionary(uniqueKeysWithValues: ran.enumerated().map { ($0.offset, $0.element) })
      } else {
        job.diagnostics.append(
          Diagnostic(
            .warning,
            "the jobs API lists \(ran.count) steps that ran against the log's \(steps.count): too many steps to align; the log's steps are kept"
          ))
      }
    } else {
      pairs = Self.align(steps, ran)
    }
    if !pairs.isEmpty { job.stepsSource = .api }
    // Every log step takes the API step of the last matched step at or before it.
    var owner: [Int: APIJob.Step] = [:]
    var groups: [Int: Int] = [:]
    var current: (index: Int, step: APIJob.Step)?
    for index in steps.indices {
      if let matched = pairs[index] { current = (index, matched) }
      guard let current else { continue }
      owner[index] = current.step
      groups[index] = current.index
    }
    var renamed: [Int: String] = [:]
    for (index, apiStep) in owner {
      if job.steps[index].header == nil { job.steps[index].header = job.steps[index].name }
      job.steps[index].name = apiStep.name
      job.steps[index].number = apiStep.number
      if pairs[index] != nil || job.steps[index].conclusion == nil {
        job.steps[index].conclusion = apiStep.conclusion
        job.steps[index].conclusionSource = apiStep.conclusion == nil ? nil : .api
      }
      renamed[job.steps[index].line] = apiStep.name
    }
    for index in job.restores.indices {
      if let name = renamed[job.restores[index].line] { job.restores[index].step = name }
    }
    for index in job.saves.indices {
      if let name = renamed[job.saves[index].line] { job.saves[index].step = name }
    }
    job.steps = JobRunBuilder.grouped(job.steps, groups)
    // The API's conclusion of a grouped step wins over its inner steps' error lines.
    var ranByNumber: [Int: APIJob.Step] = [:]
    for step in ran where ranByNumber[step.number] == nil { ranByNumber[step.number] = step }
    for index in job.steps.indices {
      guard let number = job.steps[index].number,
        let apiStep = ranByNumber[number], let conclusion = apiStep.conclusion
      else { continue }
      job.steps[index].conclusion = conclusion
      job.steps[index].conclusionSource = .api
    }
    // The steps the log cannot show (skipped, or cancelled before they printed anything),
    // placed by number: each before the first step with a larger number (a step without one
    // counts as last), in one pass however many there are.
    let matched = Set(owner.values.map(\.number))
    let skipped = api.steps.enumerated()
      .filter {
        $0.element.conclusion == "skipped"
          || (!pairs.isEmpty && !matched.contains($0.element.number))
      }
      .sorted { ($0.element.number, $0.offset) < ($1.element.number, $1.offset) }.map(\.element)
    guard !skipped.isEmpty else { return job }
    var placed: [Step] = []
    placed.reserveCapacity(job.steps.count + skipped.count)
    var next = skipped.startIndex
    func skippedStep(_ api: APIJob.Step) -> Step {
      var step = Step(
        name: api.name, kind: .api, line: 0, number: api.number,
        conclusion: api.conclusion ?? "skipped")
      step.conclusionSource = .api
      return step
    }
    for step in job.steps {
      while next < skipped.endIndex, skipped[next].number < (step.number ?? Int.max) {
        placed.append(skippedStep(skipped[next]))
        next += 1
      }
      placed.append(step)
    }
    placed += skipped[next...].map(skippedStep)
    job.steps = placed
    return job
  }

  /// The most cells (API steps that ran + 1 times log steps + 1) of the alignment table of one
  /// job: 4 Mi cells, about 36 MiB; real jobs need a few thousand.
  static let maximumAlignmentCells = 1 << 22

  /// Matches the API's steps that ran to log steps, in order: each API step to at most one log
  /// step, a later API step never to an earlier log step.
  ///
  /// A dynamic program picks, for each API step, the log step whose name equals it or whose
  /// start is nearest the API step's start (the API gives whole seconds, so the middle of that
  /// second); log steps left over are inner steps of the matched step before them. Equal counts
  /// are aligned too: a composite action's inner header and an API step that printed no header
  /// (cancelled before it began) make the counts agree with every pair after them shifted.
  ///
  /// - Returns: For each matched log step's index, its API step.
  static func align(_ steps: [Step], _ ran: [APIJob.Step]) -> [Int: APIJob.Step] {
    guard !ran.isEmpty, !steps.isEmpty else { return [:] }
    func cost(_ api: APIJob.Step, _ step: Step) -> Double {
      if api.name == step.name { return -1000 }
      guard let time = step.startedAt?.nanosecondsSinceEpoch,
        let start = api.startedAt?.nanosecondsSinceEpoch
      else { return 30 }
      let seconds = abs(Double(time) - (Double(start) + 5e8)) / 1e9
      return min(seconds, 3600)
    }
    let skipCost = 100.0
    let n = ran.count
    let m = steps.count
    // best[i][j]: the least cost of the first i API steps within the first j log steps.
    var best = Array(repeating: Array(repeating: Double.infinity, count: m + 1), count: n + 1)
    var took = Array(repeating: Array(repeating: 0 as UInt8, count: m + 1), count: n + 1)
    for j in 0...m { best[0][j] = 0 }
    for i in 1...n {
      best[i][0] = best[i - 1][0] + skipCost
      took[i][0] = 2
      for j in 1...m {
        let leave = best[i][j - 1]
        let pair = best[i - 1][j - 1] + cost(ran[i - 1], steps[j - 1])
        let skip = best[i - 1][j] + skipCost
        if pair <= leave, pair <= skip {
          best[i][j] = pair
          took[i][j] = 1
        } else if leave <= skip {
          best[i][j] = leave
          took[i][j] = 0
        } else {
          best[i][j] = skip
          took[i][j] = 2
        }
      }
    }
    var pairs: [Int: APIJob.Step] = [:]
    var i = n
    var j = m
    while i > 0 {
      switch took[i][j] {
      case 1:
        pairs[j - 1] = ran[i - 1]
        i -= 1
        j -= 1
      case 0 where j > 0:
        j -= 1
      default:
        i -= 1
      }
    }
    return pairs
  }
}
