/// What the build tools did and which cache keys moved, baseline against candidate: the
/// "across runs" part of the build evidence.
///
/// Per job, the crates cargo compiled, the derivations Nix built and the layers BuildKit
/// rebuilt, side by side ("candidate compiled 3 crates instead of 212"); per restore step, the
/// primary key of each side when they differ and the segments that changed; and the keys
/// some run saved that no run given restored.
public struct BuildChanges: Sendable, Hashable {
  /// The build work of one job: medians over the runs that show each figure.
  public struct Work: Sendable, Hashable {
    /// Crates cargo compiled (`Compiling`/`Checking` lines); `nil` when no run shows cargo.
    public var cratesCompiled: Int64?
    /// Derivations Nix built; `nil` when no run shows Nix.
    public var derivationsBuilt: Int64?
    /// Layers BuildKit rebuilt; `nil` when no run shows a BuildKit build.
    public var layersRebuilt: Int64?

    /// Creates a record.
    public init(
      cratesCompiled: Int64? = nil, derivationsBuilt: Int64? = nil, layersRebuilt: Int64? = nil
    ) {
      self.cratesCompiled = cratesCompiled
      self.derivationsBuilt = derivationsBuilt
      self.layersRebuilt = layersRebuilt
    }

    /// Whether no figure is known.
    public var isEmpty: Bool {
      cratesCompiled == nil && derivationsBuilt == nil && layersRebuilt == nil
    }

    /// The work of one job, from its build evidence.
    init(_ evidence: BuildEvidence?) {
      self.init(
        cratesCompiled: evidence?.cargo.map { Int64($0.compiled) },
        derivationsBuilt: evidence?.nix.map { Int64($0.derivationsBuilt) },
        layersRebuilt: evidence?.docker.map { Int64($0.rebuilt) })
    }
  }

  /// A step's primary key, as one run's restore had it.
  public struct KeyedStep: Sendable, Hashable {
    /// The restore step's name.
    public var step: String
    /// Its primary key.
    public var key: String

    /// Creates a record.
    public init(step: String, key: String) {
      self.step = step
      self.key = key
    }
  }

  /// One job's build work on each side.
  public struct Job: Sendable, Hashable {
    /// The job's name.
    public var name: String
    /// The baseline's work.
    public var baseline: Work
    /// The candidate's work.
    public var candidate: Work
  }

  /// A restore step whose primary key differs between the sides.
  public struct KeyChange: Sendable, Hashable {
    /// The job's name.
    public var job: String
    /// The restore step's name.
    public var step: String
    /// The key of the baseline's last run that has the step.
    public var baselineKey: String
    /// The key of the candidate's last run that has the step.
    public var candidateKey: String
    /// The segments that differ (``KeyAnatomy/diff(_:_:)``, baseline first).
    public var differences: [KeyAnatomy.Difference]
  }

  /// Jobs with build work on either side, in first-seen order.
  public var jobs: [Job]
  /// Restore steps whose primary key changed, in first-seen order.
  public var keyChanges: [KeyChange]
  /// Keys some run given saved that no run given restored (exactly or as a fallback), in
  /// first-seen order.
  public var neverRestored: [String]

  /// Compares the runs' build work and keys.
  ///
  /// - Parameters:
  ///   - baseline: The baseline runs.
  ///   - candidate: The candidate runs.
  public init(baseline: [RunSample], candidate: [RunSample]) {
    var names: [String] = []
    var work: [String: (baseline: [Work], candidate: [Work])] = [:]
    var keyed: [KeyedStepOfJob: (baseline: String?, candidate: String?)] = [:]
    var steps: [KeyedStepOfJob] = []
    var saved: [String] = []
    var savedSet: Set<String> = []
    var restored: Set<String> = []
    for (samples, isBaseline) in [(baseline, true), (candidate, false)] {
      for sample in samples {
        for job in sample.jobs {
          if work[job.name] == nil { names.append(job.name) }
          if isBaseline {
            work[job.name, default: ([], [])].baseline.append(job.build)
          } else {
            work[job.name, default: ([], [])].candidate.append(job.build)
          }
          for restore in job.restoreKeys {
            let id = KeyedStepOfJob(job: job.name, step: restore.step)
            if keyed[id] == nil { steps.append(id) }
            if isBaseline {
              keyed[id, default: (nil, nil)].baseline = restore.key
            } else {
              keyed[id, default: (nil, nil)].candidate = restore.key
            }
          }
          restored.formUnion(job.restoredKeys)
          for key in job.savedKeys where savedSet.insert(key).inserted { saved.append(key) }
        }
      }
    }
    jobs = names.compactMap { name in
      let sides = work[name] ?? ([], [])
      let job = Job(
        name: name, baseline: Self.median(sides.baseline), candidate: Self.median(sides.candidate))
      return job.baseline.isEmpty && job.candidate.isEmpty ? nil : job
    }
    keyChanges = steps.compactMap { id in
      guard let keys = keyed[id], let before = keys.baseline, let after = keys.candidate,
        before != after
      else { return nil }
      return KeyChange(
        job: id.job, step: id.step, baselineKey: before, candidateKey: after,
        differences: KeyAnatomy.diff(before, after))
    }
    neverRestored = saved.filter { !restored.contains($0) }
  }

  private struct KeyedStepOfJob: Hashable {
    var job: String
    var step: String
  }

  private static func median(_ works: [Work]) -> Work {
    func median(_ values: [Int64]) -> Int64? { Statistics.summary(values)?.median }
    return Work(
      cratesCompiled: median(works.compactMap(\.cratesCompiled)),
      derivationsBuilt: median(works.compactMap(\.derivationsBuilt)),
      layersRebuilt: median(works.compactMap(\.layersRebuilt)))
  }

  /// A sentence on one job's change, or `nil` when no figure changed.
  ///
  /// For example `candidate compiled 3 crates instead of 212`; only figures known on both
  /// sides count.
  public static func sentence(_ job: Job) -> String? {
    var parts: [String] = []
    func add(_ before: Int64?, _ after: Int64?, _ verb: String, _ noun: String) {
      guard let before, let after, before != after else { return }
      parts.append("\(verb) \(after) \(noun)\(after == 1 ? "" : "s") instead of \(before)")
    }
    add(job.baseline.cratesCompiled, job.candidate.cratesCompiled, "compiled", "crate")
    add(job.baseline.derivationsBuilt, job.candidate.derivationsBuilt, "built", "derivation")
    add(job.baseline.layersRebuilt, job.candidate.layersRebuilt, "rebuilt", "layer")
    guard !parts.isEmpty else { return nil }
    return "candidate " + parts.joined(separator: ", ")
  }
}
