/// Folds the events of one job log into a ``JobRun``.
///
/// This is where lines get their meaning: `Cache hit for: K` is an exact hit in an actions/cache
/// step but only the download of an already-chosen key inside cache-nix-action; `Cache Size:` is
/// a restore's size in a main step and a save's in a post step. Problems that do not stop the
/// report (a cache step without an outcome, a log that stops early) become diagnostics.
package struct JobRunBuilder {
  private let source: String?
  private let fallbackName: String
  private let fallbackNameSource: JobRun.Origin
  private var name: String?
  private var labelSource: JobRun.Origin?
  private var steps: [StepRecord] = []
  private var reported = JobRun.ReportedCache()
  private var droppedKeys = 0
  private var stepLabels: [(line: Int, name: String)] = []
  private var markedPartial = false
  private var tests: TestSummary?
  private var nextestSeen: Set<String> = []
  private var diagnostics: [Diagnostic] = []
  private var end: LogEvent.EndOfLog?
  private var buildEvidence = BuildEvidenceBuilder()

  /// The most steps kept per job; later step starts are counted in the last step.
  static let maximumSteps = 5000
  private var ignoredSteps = 0

  /// The most echoed keys kept per job.
  static let maximumReportedKeys = 1000

  /// Creates a builder.
  ///
  /// - Parameters:
  ///   - source: The input the events come from, for diagnostics.
  ///   - fallbackName: The job's name when the log has no `Complete job name:` line.
  ///   - fallbackNameSource: Where `fallbackName` comes from (a file name, gh's job column).
  package init(
    source: String?, fallbackName: String, fallbackNameSource: JobRun.Origin = .file
  ) {
    self.source = source
    self.fallbackName = fallbackName
    self.fallbackNameSource = fallbackNameSource
  }

  /// Marks the job as read only in part (its input could not be read to the end).
  package mutating func markPartial(_ reason: String) {
    markedPartial = true
    diagnostics.append(Diagnostic(.warning, reason, source: source))
  }

  /// Names the step that starts at or after `line` (and before the next label's line).
  ///
  /// gh's step column and a run-logs zip's step files name steps as the workflow does
  /// (`Checkout code`), where the log only shows `Run actions/checkout@v4`; they also decide
  /// the steps: every step header up to the next label (a composite action's inner steps)
  /// belongs to the labelled step.
  ///
  /// - Parameters:
  ///   - name: The step's name.
  ///   - line: The 1-based line number where the step's lines begin.
  ///   - source: Where the label comes from (gh's step column, or a step file's name).
  package mutating func labelStep(
    _ name: String, atLine line: Int, from source: JobRun.Origin = .file
  ) {
    stepLabels.append((line, name))
    labelSource = source
  }

  /// Applies events in order.
  package mutating func apply(_ events: [LogEvent]) {
    for event in events { apply(event) }
  }

  /// Applies one event.
  package mutating func apply(_ event: LogEvent) {
    switch event {
    case .jobName(let value, _):
      if name == nil { name = value }
    case .stepStarted(let start):
      guard steps.count < Self.maximumSteps else {
        ignoredSteps += 1
        return
      }
      steps.append(StepRecord(start: start))
      buildEvidence.stepStarted(at: start.time)
    case .input(let inputName, let value, _):
      ensureStep(line: 1)
      steps[steps.count - 1].inputs[inputName] = value
    case .cache(let cacheLine, let line):
      ensureStep(line: line)
      steps[steps.count - 1].apply(cacheLine, line: line)
    case .reportedKey(let key, _):
      if reported.keys.count < Self.maximumReportedKeys {
        reported.keys.append(key)
      } else {
        droppedKeys += 1
      }
    case .reportedHit:
      reported.hits += 1
    case .reportedMiss:
      reported.misses += 1
    case .nextestSummary(let summary, _):
      var tests = self.tests ?? TestSummary(source: .nextestLog)
      tests.total += summary.run + summary.skipped
      tests.passed += summary.passed
      tests.failed += summary.failed
      tests.errors += summary.execFailed
      tests.skipped += summary.skipped
      tests.flaky += summary.flaky
      if let duration = summary.duration { tests.duration = (tests.duration ?? .zero) + duration }
      self.tests = tests
    case .nextestTest(let test, _):
      let key = test.binary + " " + test.name
      guard var tests = self.tests, !nextestSeen.contains(key) else { return }
      guard nextestSeen.count < TestSummaryBuilder.maximumListed else { return }
      nextestSeen.insert(key)
      switch test.status {
      case .flaky:
        tests.flakyTests.append(.init(suite: test.binary, name: test.name, attempts: test.attempts))
      case .failed, .execFailed, .flakyFailed:
        tests.failures.append(
          .init(
            suite: test.binary, name: test.name,
            outcome: test.status == .execFailed ? .error : .failed,
            message: test.word, failureType: nil, attempts: test.attempts,
            isFlaky: test.status == .flakyFailed, details: nil, output: nil, cutBytes: 0))
        if test.status == .flakyFailed {
          tests.flakyTests.append(
            .init(suite: test.binary, name: test.name, attempts: test.attempts))
        }
      }
      self.tests = tests
    case .stepEnded(let ending, let line):
      ensureStep(line: line)
      // A cancel after a failed script (the runner shutting down) decides.
      if steps[steps.count - 1].ending == nil || ending == .cancelled {
        steps[steps.count - 1].ending = ending
      }
    case .build(let buildLine, let line):
      buildEvidence.apply(buildLine, line: line)
    case .diagnostic(let diagnostic):
      diagnostics.append(diagnostic)
    case .end(let value):
      end = value
    }
  }

  private mutating func ensureStep(line: Int) {
    if steps.isEmpty {
      steps.append(
        StepRecord(start: LogEvent.StepStart(kind: .output, name: "Output", time: nil, line: line)))
    }
  }

  /// The job as the events describe it.
  package func build() -> JobRun {
    var diagnostics = self.diagnostics
    let lastTime = end?.lastTime
    var jobSteps: [Step] = steps.enumerated().map { index, record in
      let next = index + 1 < steps.count ? steps[index + 1].start.time : lastTime
      var duration: Duration?
      if let from = record.start.time, let to = next { duration = from.duration(to: to) }
      var step = Step(
        name: record.start.name, kind: record.start.kind, action: record.start.action,
        startedAt: record.start.time, duration: duration, line: record.start.line)
      if let ending = record.ending {
        step.conclusion = ending.conclusion
        step.conclusionSource = .log
      }
      return step
    }
    let mainOfPost = labelPostSteps(&jobSteps)
    let labelled = applyStepLabels(&jobSteps)

    var restores: [CacheRestore] = []
    var saves: [CacheSave] = []
    for (index, record) in steps.enumerated() {
      let step = jobSteps[index]
      if let restore = record.restore {
        let built = restore.build(step: step, inputs: record.inputs)
        if built.outcome == .unknown {
          diagnostics.append(
            Diagnostic(
              .warning, "the log does not show how the cache restore of step '\(step.name)' ended",
              source: source, line: step.line))
        }
        restores.append(built)
      } else if record.start.kind != .post, CacheActions.restores(step, inputs: record.inputs) {
        diagnostics.append(
          Diagnostic(
            .warning,
            "step '\(step.name)' runs \(step.action ?? "a cache action") but printed no cache outcome",
            source: source, line: step.line))
        restores.append(CacheActions.restoreWithoutOutcome(step, inputs: record.inputs))
      }
    }
    for (index, record) in steps.enumerated() {
      guard let save = record.save else { continue }
      var step = jobSteps[index]
      // A post step paired with its main step saves for that step's restore.
      let pairedRestore = mainOfPost[index].flatMap { main in
        restores.first { $0.line == jobSteps[main].line }
      }
      var built = save.build(step: step, restores: restores, pairedRestore: pairedRestore)
      if step.kind == .post, step.action == nil, let action = built.action {
        // No label from the step order: name the post step after the restore it saves for.
        if let match = restores.last(where: { $0.primaryKey != nil && $0.primaryKey == built.key })
        {
          step.name = "Post " + match.step
        }
        step.action = action
        jobSteps[index] = step
        built.step = step.name
      }
      if built.outcome == .unknown {
        diagnostics.append(
          Diagnostic(
            .note, "the log does not show how the cache save of step '\(step.name)' ended",
            source: source, line: step.line))
      }
      saves.append(built)
    }

    let reported = self.reported
    if droppedKeys > 0 {
      diagnostics.append(
        Diagnostic(
          .warning,
          "\(droppedKeys) more echoed cache keys were not kept (at most \(Self.maximumReportedKeys) per job)",
          source: source))
    }
    if ignoredSteps > 0 {
      diagnostics.append(
        Diagnostic(
          .warning,
          "\(ignoredSteps) more step starts were not kept (at most \(Self.maximumSteps) steps per job); their lines count in the last step",
          source: source))
    }
    let hasSetUp = steps.contains { $0.start.kind == .setup }
    let hasComplete = steps.contains { $0.start.kind == .complete }
    let hasSteps = steps.contains { [.action, .script, .post].contains($0.start.kind) }
    // A log with steps but without the runner's set-up block starts in the middle of a job
    // (`gh run view --log-failed`, one step's file); one without the closing block ends early.
    let isPartial = markedPartial || (hasSetUp && !hasComplete) || (!hasSetUp && hasSteps)
    if !hasSetUp, hasSteps {
      diagnostics.append(
        Diagnostic(
          .warning,
          "the log starts after the job's start (no runner set-up block): it holds only some steps, as `gh run view --log-failed` prints them; the job's time covers those steps",
          source: source))
    } else if isPartial, !markedPartial {
      diagnostics.append(
        Diagnostic(
          .warning,
          "the log ends before the job's end (no 'Cleaning up orphan processes'): the job was cancelled, is still running or the log is truncated; figures cover the lines read",
          source: source, line: end?.lineCount))
    }
    var job = JobRun(
      name: name ?? fallbackName, source: source,
      startedAt: end?.firstTime ?? steps.first?.start.time, completedAt: lastTime,
      steps: Self.grouped(jobSteps, labelled), restores: restores, saves: saves,
      reported: reported, tests: tests, isPartial: isPartial, diagnostics: diagnostics)
    job.nameSource = name == nil ? fallbackNameSource : .log
    if let labelSource, !labelled.isEmpty { job.stepsSource = labelSource }
    let endings = steps.compactMap(\.ending)
    if endings.contains(.cancelled) {
      job.conclusion = "cancelled"
      job.conclusionSource = .log
    } else if !endings.isEmpty {
      job.conclusion = "failure"
      job.conclusionSource = .log
    }
    job.build = buildEvidence.result(end: lastTime)
    return job
  }

  /// Names every step of each labelled range after its label; the log's own text stays in
  /// `header`.
  ///
  /// - Returns: For each step in a labelled range, the index of the range's first step.
  private func applyStepLabels(_ jobSteps: inout [Step]) -> [Int: Int] {
    let labels = stepLabels.sorted { $0.line < $1.line }
    var groups: [Int: Int] = [:]
    for (index, label) in labels.enumerated() {
      let end = index + 1 < labels.count ? labels[index + 1].line : Int.max
      let members = jobSteps.indices.filter {
        jobSteps[$0].line >= label.line && jobSteps[$0].line < end
      }
      guard let first = members.first else { continue }
      for member in members {
        if jobSteps[member].header == nil { jobSteps[member].header = jobSteps[member].name }
        jobSteps[member].name = label.name
        groups[member] = first
      }
    }
    return groups
  }

  /// The steps with each labelled range made one step.
  ///
  /// A composite action's inner step headers, or several `Post job cleanup.` lines of one post
  /// step, belong to the step that holds them. The step keeps its first header's line, action and start; its duration covers the range.
  static func grouped(_ segments: [Step], _ groups: [Int: Int]) -> [Step] {
    guard groups.contains(where: { $0.key != $0.value }) else { return segments }
    var result: [Step] = []
    var positions: [Int: Int] = [:]
    for (index, segment) in segments.enumerated() {
      guard let first = groups[index], first != index, let position = positions[first] else {
        positions[index] = result.count
        result.append(segment)
        continue
      }
      var step = result[position]
      if let duration = segment.duration {
        step.duration = (step.duration ?? .zero) + duration
      }
      // A failed inner step fails the step that holds it.
      if step.conclusion == nil || segment.conclusion == "cancelled" {
        if let conclusion = segment.conclusion {
          step.conclusion = conclusion
          step.conclusionSource = segment.conclusionSource
        }
      }
      result[position] = step
    }
    return result
  }

  /// Names post steps after their main steps.
  ///
  /// The runner runs post steps in the reverse order of the main steps whose actions have one,
  /// and prints only `Post job cleanup.`; after a failed or cancelled step only the actions
  /// whose post step runs always (not the cache actions, `post-if: success()`) have one. When
  /// the number of such main steps equals the number of post steps, they are paired in that
  /// order.
  ///
  /// - Returns: The index of the main step of each post step that was paired.
  private func labelPostSteps(_ jobSteps: inout [Step]) -> [Int: Int] {
    let posts = jobSteps.indices.filter { jobSteps[$0].kind == .post }
    guard !posts.isEmpty else { return [:] }
    let failedBefore =
      posts.first.map { first in
        steps[..<first].contains { $0.ending != nil }
      } ?? false
    let mains = jobSteps.indices.filter { index in
      jobSteps[index].kind == .action
        && CacheActions.hasPostStep(jobSteps[index])
        && (!failedBefore || CacheActions.postRunsAfterFailure(jobSteps[index]))
    }
    guard mains.count == posts.count else { return [:] }
    var pairs: [Int: Int] = [:]
    for (post, main) in zip(posts, mains.reversed()) {
      jobSteps[post].name = "Post " + jobSteps[main].name
      jobSteps[post].action = jobSteps[main].action
      pairs[post] = main
    }
    return pairs
  }
}

/// What the builder knows about one step while events arrive.
private struct StepRecord {
  var start: LogEvent.StepStart
  var inputs: [String: String] = [:]
  var restore: CacheActions.RestoreRecord?
  var save: CacheActions.SaveRecord?
  var ending: LogEvent.StepEnding?

  /// Sends a cache line to the step's restore or save, as its family says.
  mutating func apply(_ line: CacheLine, line number: Int) {
    let family = CacheActions.Family(owning: line)
    guard family.counts(in: start) else { return }
    let toSave: Bool
    switch family.side(of: line) {
    case .save:
      toSave = true
    case .saveInSaveContext:
      toSave = save != nil || start.kind == .post || CacheActions.isSaveSubAction(start.name)
    case .restoreUnlessPost:
      toSave = start.kind == .post
    }
    if toSave {
      if save == nil { save = CacheActions.SaveRecord() }
      save?.apply(line)
    } else {
      if restore == nil { restore = CacheActions.RestoreRecord() }
      restore?.apply(line)
    }
  }
}
