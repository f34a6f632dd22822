/// A line a build tool printed in step output, as ``GitHubLogParser`` recognised it.
public enum BuildLine: Sendable, Hashable {
  /// A cargo status line.
  case cargo(Cargo.Line)
  /// A line of Nix's.
  case nix(Nix.Line)
}

/// What the build tools of one job did, read from their output: the "what did this job rebuild
/// and what did it cost" half of the chain from cache result to minutes.
public struct BuildEvidence: Sendable, Hashable, Codable {
  /// cargo's status lines, or `nil` when the log shows none.
  public var cargo: CargoBuild?
  /// Nix's lines, or `nil` when the log shows none.
  public var nix: NixBuild?

  /// Creates a record.
  public init(cargo: CargoBuild? = nil, nix: NixBuild? = nil) {
    self.cargo = cargo
    self.nix = nix
  }

  /// Whether no tool left a trace.
  public var isEmpty: Bool { cargo == nil && nix == nil }
}

/// Folds ``BuildLine``s of one job into ``BuildEvidence``; ``JobRunBuilder`` calls it.
struct BuildEvidenceBuilder {
  private var cargo = CargoBuilder()
  private var nix = NixBuilder()

  /// Applies one line.
  mutating func apply(_ line: BuildLine, line number: Int) {
    switch line {
    case .cargo(let cargoLine): cargo.apply(cargoLine)
    case .nix(let nixLine): nix.apply(nixLine)
    }
  }

  /// A step started: a running Nix build ends.
  mutating func stepStarted(at time: LogTime?) {
    nix.close(at: time)
  }

  /// The evidence, or `nil` when no tool left a trace.
  ///
  /// - Parameter end: The time of the job's last line.
  /// - Returns: What the tools did.
  func result(end: LogTime?) -> BuildEvidence? {
    let evidence = BuildEvidence(cargo: cargo.result(), nix: nix.result(end: end))
    return evidence.isEmpty ? nil : evidence
  }
}
