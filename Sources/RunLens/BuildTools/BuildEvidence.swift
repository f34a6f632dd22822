/// A line a build tool printed in step output, as ``GitHubLogParser`` recognised it.
public enum BuildLine: Sendable, Hashable {
  /// A cargo status line.
  case cargo(Cargo.Line)
  /// A line of Nix's.
  case nix(Nix.Line)
  /// A line of BuildKit's plain progress output.
  case buildKit(BuildKit.Line)
  /// A row of a compiler cache's statistics.
  case compilerCache(CompilerCaches.Line)
}

/// What the build tools of one job did, read from their output: the "what did this job rebuild
/// and what did it cost" half of the chain from cache result to minutes.
public struct BuildEvidence: Sendable, Hashable, Codable {
  /// cargo's status lines, or `nil` when the log shows none.
  public var cargo: CargoBuild?
  /// Nix's lines, or `nil` when the log shows none.
  public var nix: NixBuild?
  /// BuildKit's layers, or `nil` when the log shows no build.
  public var docker: DockerBuild?
  /// The compiler caches' last statistics, one per tool, in log order.
  public var compilerCaches: [CompilerCacheStats]

  /// Creates a record.
  public init(
    cargo: CargoBuild? = nil, nix: NixBuild? = nil, docker: DockerBuild? = nil,
    compilerCaches: [CompilerCacheStats] = []
  ) {
    self.cargo = cargo
    self.nix = nix
    self.docker = docker
    self.compilerCaches = compilerCaches
  }

  /// Whether no tool left a trace.
  public var isEmpty: Bool { cargo == nil && nix == nil && docker == nil && compilerCaches.isEmpty }
}

/// Folds ``BuildLine``s of one job into ``BuildEvidence``; ``JobRunBuilder`` calls it.
struct BuildEvidenceBuilder {
  private var cargo = CargoBuilder()
  private var nix = NixBuilder()
  private var buildKit = BuildKitBuilder()
  private var compilerCaches = CompilerCachesBuilder()

  /// Applies one line.
  mutating func apply(_ line: BuildLine, line number: Int) {
    switch line {
    case .cargo(let cargoLine): cargo.apply(cargoLine)
    case .nix(let nixLine): nix.apply(nixLine)
    case .buildKit(let buildKitLine): buildKit.apply(buildKitLine)
    case .compilerCache(let row): compilerCaches.apply(row)
    }
  }

  /// A step started: a running Nix build ends.
  mutating func stepStarted(at time: LogTime?) {
    nix.close(at: time)
    buildKit.endBuild()
  }

  /// The evidence, or `nil` when no tool left a trace.
  ///
  /// - Parameter end: The time of the job's last line.
  /// - Returns: What the tools did.
  func result(end: LogTime?) -> BuildEvidence? {
    let evidence = BuildEvidence(
      cargo: cargo.result(), nix: nix.result(end: end), docker: buildKit.result(),
      compilerCaches: compilerCaches.result())
    return evidence.isEmpty ? nil : evidence
  }
}
