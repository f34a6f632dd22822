/// `jobs[].build` of the metrics JSON: what the build tools did.
enum BuildEvidenceJSON {
  /// The `build` object; each tool is `null` when the log shows none of its lines.
  static func build(_ evidence: BuildEvidence) -> JSONValue {
    .object([
      "cargo": .optional(evidence.cargo, cargo),
      "nix": .optional(evidence.nix, nix),
      "docker": .optional(evidence.docker) { docker in
        .object([
          "layers": .int(Int64(docker.layers)),
          "cached": .int(Int64(docker.cached)),
          "rebuilt": .int(Int64(docker.rebuilt)),
          "rebuiltMs": .int(docker.rebuiltDuration.milliseconds),
          "cacheImported": .bool(docker.cacheImported),
          "cacheExported": .bool(docker.cacheExported),
          "builds": .int(Int64(docker.builds)),
        ])
      },
      "compilerCaches": evidence.compilerCaches.isEmpty
        ? .null
        : .array(
          evidence.compilerCaches.map {
            .object([
              "tool": .string($0.tool), "requests": .int(Int64($0.requests)),
              "hits": .int(Int64($0.hits)), "misses": .int(Int64($0.misses)),
              "hitRate": .optional($0.hitRate, JSONValue.double),
            ])
          }),
    ])
  }

  /// `jobs[].cache.restores[].keyDiff`.
  static func keyDiff(_ differences: [KeyAnatomy.Difference]) -> JSONValue {
    .array(
      differences.map {
        .object([
          "index": .int(Int64($0.index)),
          "primary": MetricsJSON.string($0.primary),
          "restored": MetricsJSON.string($0.restored),
          "hashLike": .bool($0.isHashLike),
        ])
      })
  }

  static func nix(_ nix: NixBuild) -> JSONValue {
    .object([
      "derivationsToBuild": .int(Int64(nix.derivationsToBuild)),
      "derivationsBuilt": .int(Int64(nix.derivationsBuilt)),
      "pathsToFetch": .int(Int64(nix.pathsToFetch)),
      "pathsFetched": .int(Int64(nix.pathsFetched)),
      "downloadBytes": .optional(nix.downloadBytes, JSONValue.int),
      "unpackedBytes": .optional(nix.unpackedBytes, JSONValue.int),
      "longestBuilds": .array(
        nix.longestBuilds.map {
          .object(["name": .string($0.name), "durationMs": MetricsJSON.milliseconds($0.duration)])
        }),
      "substituters": .array(
        nix.substituters.map {
          .object(["uri": .string($0.uri), "paths": .int(Int64($0.paths))])
        }),
      "throttled": .int(Int64(nix.throttled)),
    ])
  }

  static func cargo(_ cargo: CargoBuild) -> JSONValue {
    .object([
      "compiled": .int(Int64(cargo.compiled)),
      "compiledWorkspace": .int(Int64(cargo.compiledWorkspace)),
      "compiledDependencies": .int(Int64(cargo.compiledDependencies)),
      "fresh": .int(Int64(cargo.fresh)),
      "dirty": .array(
        cargo.dirty.map {
          .object([
            "crate": .string($0.crate), "version": .string($0.version),
            "reason": .string($0.reason),
          ])
        }),
      "dirtyNotListed": .int(Int64(cargo.dirtyNotListed)),
      "downloaded": .int(Int64(cargo.downloaded)),
      "finishedMs": MetricsJSON.milliseconds(cargo.finished),
      "profiles": .array(cargo.profiles.map(JSONValue.string)),
    ])
  }
}
