/// The chain of evidence of one job in one line: cache result → what the build did → the
/// time it cost, plus advice when the facts call for it.
///
/// `exact hit · 3 workspace crates compiled (cargo 1m 2s) · cache steps 8.1s (11% of the job)`.
public enum BuildVerdict {
  /// The time of the steps that restore or save a cache (post steps that only checked and
  /// skipped included): each restore's and each save's step duration, once per step.
  public static func cacheOverhead(_ job: JobRun) -> Duration? {
    var lines = Set<Int>()
    var total = Duration.zero
    var any = false
    for (line, duration) in job.restores.map({ ($0.line, $0.duration) })
      + job.saves.map({ ($0.line, $0.duration) })
    {
      guard let duration, lines.insert(line).inserted else { continue }
      total += duration
      any = true
    }
    return any ? total : nil
  }

  /// The cache half: `exact hit`, `fallback hit (level 2: segment 4 (a hash) changed)`,
  /// `miss (key-changed)`, or counts when a job restores several caches.
  public static func cachePart(_ job: JobRun) -> String? {
    let restores = job.restores
    guard !restores.isEmpty else { return nil }
    if restores.count == 1, let restore = restores.first { return describe(restore) }
    var counts: [(String, Int)] = []
    for restore in restores {
      let word = restore.outcome.words
      if let at = counts.firstIndex(where: { $0.0 == word }) {
        counts[at].1 += 1
      } else {
        counts.append((word, 1))
      }
    }
    let fallbacks = restores.filter { $0.outcome == .fallbackHit }.map(describe)
    var text = counts.map { word, count in
      count == 1 ? "1 \(word)" : "\(count) \(word == "miss" ? "misses" : word + "s")"
    }.joined(separator: ", ")
    if let first = fallbacks.first { text += " (" + first + ")" }
    let reasons = restores.compactMap(\.missReason)
    if !reasons.isEmpty { text += " (misses: " + reasons.joined(separator: ", ") + ")" }
    return text
  }

  private static func describe(_ restore: CacheRestore) -> String {
    switch restore.outcome {
    case .fallbackHit:
      let diff = restore.keyDiff
      var inner = restore.fallbackLevel.map { "level \($0)" } ?? ""
      if !diff.isEmpty {
        let segments = diff.map { "segment \($0.index)\($0.isHashLike ? " (a hash)" : "")" }
        inner += (inner.isEmpty ? "" : ": ") + segments.joined(separator: ", ") + " changed"
      }
      return inner.isEmpty ? "fallback hit" : "fallback hit (\(inner))"
    case .miss:
      return restore.missReason.map { "miss (\($0))" } ?? "miss"
    default:
      return restore.outcome.words
    }
  }

  /// The build half, one part per tool.
  public static func buildParts(_ build: BuildEvidence?) -> [String] {
    guard let build else { return [] }
    var parts: [String] = []
    if let cargo = build.cargo {
      var text: String
      if cargo.compiled == 0 {
        text = "0 crates compiled"
      } else if cargo.compiledDependencies == 0 {
        text =
          "\(cargo.compiledWorkspace) workspace crate\(cargo.compiledWorkspace == 1 ? "" : "s") compiled"
      } else {
        text = "\(cargo.compiled) crates compiled (\(cargo.compiledDependencies) dependencies)"
      }
      if let finished = cargo.finished { text += " (cargo \(Markdown.duration(finished)))" }
      parts.append(text)
    }
    if let nix = build.nix {
      var text =
        "\(nix.derivationsBuilt) derivation\(nix.derivationsBuilt == 1 ? "" : "s") built, \(nix.pathsFetched) fetched"
      if let longest = nix.longestBuilds.first, let duration = longest.duration {
        text += " (longest \(longest.name) \(Markdown.duration(duration)))"
      }
      parts.append(text)
    }
    if let docker = build.docker {
      parts.append(
        "\(docker.rebuilt) of \(docker.layers) layers rebuilt (\(Markdown.duration(docker.rebuiltDuration)))"
      )
    }
    for cache in build.compilerCaches {
      if let rate = cache.hitRate, let percent = Self.wholePercent(rate) {
        parts.append("\(cache.tool) \(percent) hits")
      }
    }
    return parts
  }

  /// A share as a whole percentage (`41%`); `nil` when it is not a finite number in range.
  static func wholePercent(_ share: Double) -> String? {
    let value = (share * 100).rounded()
    guard value.isFinite, abs(value) < 1e15 else { return nil }
    return "\(Int64(value))%"
  }

  /// The whole line, or `nil` for a job with neither a cache nor a build tool's trace.
  public static func line(_ job: JobRun) -> String? {
    var parts: [String] = []
    if let cache = cachePart(job) { parts.append(cache) }
    parts += buildParts(job.build)
    guard !parts.isEmpty else { return nil }
    if let overhead = cacheOverhead(job), overhead > .zero {
      var text = "cache steps \(Markdown.duration(overhead))"
      if let total = job.duration, total.milliseconds > 0,
        let percent = Self.wholePercent(Double(overhead.milliseconds) / Double(total.milliseconds))
      {
        text += " (\(percent) of the job)"
      }
      parts.append(text)
    }
    return parts.joined(separator: " · ")
  }

  /// Advice the facts call for.
  public static func advice(_ job: JobRun) -> [String] {
    var out: [String] = []
    let exactHit = job.restores.contains { $0.outcome == .exactHit }
    let imported = job.restores.contains { $0.outcome.isHit }
    if let cargo = job.build?.cargo, imported {
      let fileChanges = cargo.dirty.filter { Self.says($0.reason, "has changed") }
      if exactHit, cargo.compiledDependencies > 0 {
        out.append(
          "\(cargo.compiledDependencies) dependencies were compiled despite an exact cache hit: the cache probably does not hold `target/`, or its fingerprints do not match (toolchain, features, flags)."
        )
      }
      if !fileChanges.isEmpty {
        let names = fileChanges.prefix(3).map(\.crate).joined(separator: ", ")
        out.append(
          "cargo rebuilt \(names) because their files' times changed (checkout gives sources new mtimes), not their content: the restored `target/` cannot spare these crates."
        )
      }
    }
    if let nix = job.build?.nix, nix.derivationsBuilt > 0, nix.throttled > 0 {
      out.append(
        "\(nix.derivationsBuilt) derivations were built while the binary cache was throttled (\(nix.throttled) throttled responses): a substituter could have served them."
      )
    }
    if let docker = job.build?.docker, docker.cacheImported, docker.rebuilt > 0 {
      out.append(
        "\(docker.rebuilt) image layers were rebuilt although a layer cache was imported: an early `COPY` or changed build argument invalidates the layers after it."
      )
    }
    for cache in job.build?.compilerCaches ?? [] {
      if let rate = cache.hitRate, rate < 0.5 {
        out.append(
          "\(cache.tool) hit only \(Self.wholePercent(rate) ?? "—") of its cacheable calls (below 50%): check that its cache directory is restored and its key is stable."
        )
      }
    }
    return out
  }

  /// Whether `text` contains `phrase` (ASCII): a byte search for ASCII text, which is what
  /// `String.contains` gives there at a fraction of its cost (tens of thousands of
  /// instructions a call); other text goes through `String.contains`.
  static func says(_ text: String, _ phrase: StaticString) -> Bool {
    var copy = text
    let ascii: Bool? = copy.withUTF8 { bytes in
      DecimalBytes.isASCII(bytes) ? ByteSearch.firstIndex(of: phrase, in: bytes) != nil : nil
    }
    return ascii ?? text.contains(phrase.description)
  }

  /// The Markdown block of a job: the verdict line and the advice bullets; empty when there is
  /// no verdict.
  static func markdown(_ job: JobRun) -> String {
    guard let line = line(job) else { return "" }
    var out = "**Verdict:** \(Markdown.text(line))\n\n"
    let advice = advice(job)
    if !advice.isEmpty {
      out += advice.map { "- \($0)" }.joined(separator: "\n") + "\n\n"
    }
    return out
  }
}

extension CacheRestore.Outcome {
  /// The outcome in words (`exact hit`, `fallback hit`, `miss`).
  fileprivate var words: String {
    String(rawValue.map { $0 == "-" ? " " : $0 })
  }
}
