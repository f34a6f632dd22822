/// `jobs[].build` of the metrics JSON: what the build tools did.
enum BuildEvidenceJSON {
  /// The `build` object; each tool is `null` when the log shows none of its lines.
  static func build(_ evidence: BuildEvidence) -> JSONValue {
    // Members in key order (``JSONValue/ordered(_:)``): every job of a run has one.
    .ordered([
      "cargo": .optional(evidence.cargo, cargo),
      "compilerCaches": evidence.compilerCaches.isEmpty
        ? .null
        : .array(
          evidence.compilerCaches.map {
            .ordered([
              "hitRate": .optional($0.hitRate, JSONValue.double),
              "hits": .int(Int64($0.hits)),
              "misses": .int(Int64($0.misses)),
              "requests": .int(Int64($0.requests)),
              "tool": .string($0.tool),
            ])
          }),
      "docker": .optional(evidence.docker) { docker in
        .ordered([
          "builds": .int(Int64(docker.builds)),
          "cacheExported": .bool(docker.cacheExported),
          "cacheImported": .bool(docker.cacheImported),
          "cached": .int(Int64(docker.cached)),
          "layers": .int(Int64(docker.layers)),
          "rebuilt": .int(Int64(docker.rebuilt)),
          "rebuiltMs": .int(docker.rebuiltDuration.milliseconds),
        ])
      },
      "nix": .optional(evidence.nix, nix),
    ])
  }

  /// `jobs[].cache.restores[].keyDiff`.
  static func keyDiff(_ differences: [KeyAnatomy.Difference]) -> JSONValue {
    .array(
      differences.map {
        .ordered([
          "hashLike": .bool($0.isHashLike),
          "index": .int(Int64($0.index)),
          "primary": MetricsJSON.string($0.primary),
          "restored": MetricsJSON.string($0.restored),
        ])
      })
  }

  static func nix(_ nix: NixBuild) -> JSONValue {
    .ordered([
      "derivationsBuilt": .int(Int64(nix.derivationsBuilt)),
      "derivationsToBuild": .int(Int64(nix.derivationsToBuild)),
      "downloadBytes": .optional(nix.downloadBytes, JSONValue.int),
      "longestBuilds": .array(
        nix.longestBuilds.map {
          .ordered(["durationMs": MetricsJSON.milliseconds($0.duration), "name": .string($0.name)])
        }),
      "pathsFetched": .int(Int64(nix.pathsFetched)),
      "pathsToFetch": .int(Int64(nix.pathsToFetch)),
      "substituters": .array(
        nix.substituters.map {
          .ordered(["paths": .int(Int64($0.paths)), "uri": .string($0.uri)])
        }),
      "throttled": .int(Int64(nix.throttled)),
      "unpackedBytes": .optional(nix.unpackedBytes, JSONValue.int),
    ])
  }

  static func cargo(_ cargo: CargoBuild) -> JSONValue {
    .ordered([
      "compiled": .int(Int64(cargo.compiled)),
      "compiledDependencies": .int(Int64(cargo.compiledDependencies)),
      "compiledWorkspace": .int(Int64(cargo.compiledWorkspace)),
      "dirty": .array(
        cargo.dirty.map {
          .ordered([
            "crate": .string($0.crate), "reason": .string($0.reason),
            "version": .string($0.version),
          ])
        }),
      "dirtyNotListed": .int(Int64(cargo.dirtyNotListed)),
      "downloaded": .int(Int64(cargo.downloaded)),
      "finishedMs": MetricsJSON.milliseconds(cargo.finished),
      "fresh": .int(Int64(cargo.fresh)),
      "profiles": .array(cargo.profiles.map(JSONValue.string)),
    ])
  }
}
