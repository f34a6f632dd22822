import Testing

@testable import RunLens

@Suite("Nix")
struct NixTests {
  static func read(_ message: String) -> Nix.Line? {
    Array(message.utf8).withUnsafeBufferPointer { bytes in
      Nix.read(bytes, time: nil) { String(decoding: $0, as: UTF8.self) }
    }
  }

  @Test(
    "Nix's lines are read with their counts, sizes and names",
    arguments: [
      ("these 3 derivations will be built:", Nix.Line.willBuild(count: 3)),
      ("this derivation will be built:", .willBuild(count: 1)),
      ("these derivations will be built:", .willBuild(count: nil)),
      (
        "these 12 paths will be fetched (45.2 MiB download, 210.7 MiB unpacked):",
        .willFetch(count: 12, downloadBytes: 47_395_635, unpackedBytes: 220_934_963)
      ),
      (
        "this path will be fetched (0.1 KiB download, 1.2 GiB unpacked):",
        .willFetch(count: 1, downloadBytes: 102, unpackedBytes: 1_288_490_189)
      ),
      (
        "these paths will be fetched (12.34 MiB download, 56.78 MiB unpacked):",
        .willFetch(count: nil, downloadBytes: 12_939_428, unpackedBytes: 59_538_145)
      ),
      ("  /nix/store/bk3zmcg6gh0gy6b0ywh5pqd6yxj02bvm-ferrox-deps.drv", .listEntry),
      (
        "building '/nix/store/bk3zmcg6gh0gy6b0ywh5pqd6yxj02bvm-ferrox-deps.drv'...",
        .building(name: "ferrox-deps", time: nil)
      ),
      (
        "building '/nix/store/bk3zmcg6gh0gy6b0ywh5pqd6yxj02bvm-hello-2.12.drv' on 'ssh://b'...",
        .building(name: "hello-2.12", time: nil)
      ),
      (
        "copying path '/nix/store/2xdf6r514b1sh5b0h34s7gkmapwpghhl-zlib-1.3.1' from 'https://cache.nixos.org'...",
        .copying(from: "https://cache.nixos.org")
      ),
      (
        "warning: error: unable to download 'http://127.0.0.1:37515/x.narinfo': HTTP error 418; retrying in 283 ms",
        .throttledResponse
      ),
      (
        "warning: unable to download 'http://127.0.0.1:37515/x.narinfo': HTTP error 429; retrying in 1 ms (attempt 2/5)",
        .throttledResponse
      ),
      (
        "GitHub Actions Cache throttled Magic Nix Cache. Not trying to use it again on this run.",
        .throttledDaemon
      ),
    ])
  func lines(message: String, expected: Nix.Line) {
    #expect(Self.read(message) == expected)
  }

  @Test(
    "other lines are not Nix's",
    arguments: [
      "these are not the droids",
      "building the docs",
      "copying path '/nix/store/x' to 'https://cache.example'...",
      "warning: error: unable to download 'https://x': HTTP error 503; retrying in 276 ms",
      "       response body:",
      "error: something else",
    ])
  func otherLines(message: String) {
    #expect(Self.read(message) == nil)
  }

  @Test("the heads are the words of their texts")
  func heads() {
    #expect(Nix.Head.these == ByteSearch.word("these "))
    #expect(Nix.Head.this == ByteSearch.word("this "))
    #expect(Nix.Head.building == ByteSearch.word("building"))
    #expect(Nix.Head.copying == ByteSearch.word("copying "))
    #expect(Nix.Head.warning == ByteSearch.word("warning:"))
    #expect(Nix.Head.error == ByteSearch.word("error: u"))
    #expect(Nix.Head.gitHub == ByteSearch.word("GitHub A"))
    #expect(Nix.Head.sixBytes == 0xFFFF_FFFF_FFFF)
    #expect(Nix.Head.fiveBytes == 0xFF_FFFF_FFFF)
  }

  @Test(
    "every line Nix.read reads (but list entries) passes the cheap test first",
    arguments: [
      "these 3 derivations will be built:", "this derivation will be built:",
      "these derivations will be built:", "this path will be fetched (1 KiB download):",
      "building '/nix/store/bk3zmcg6gh0gy6b0ywh5pqd6yxj02bvm-ferrox-deps.drv'...",
      "copying path '/nix/store/2xdf6r514b1sh5b0h34s7gkmapwpghhl-z' from 'https://c.org'...",
      "warning: error: unable to download 'http://x/x.narinfo': HTTP error 418; retrying",
      "warning: unable to download 'http://x/x.narinfo': HTTP error 429; retrying",
      "error: unable to download 'http://x/x.narinfo': HTTP error 429",
      "GitHub Actions Cache throttled Magic Nix Cache. Not trying to use it again on this run.",
    ])
  func candidates(message: String) {
    #expect(Self.read(message) != nil)
    #expect(Array(message.utf8).withUnsafeBufferPointer { Nix.isCandidate($0) })
  }

  @Test(
    "ordinary lines that start with Nix's first bytes fail the cheap test",
    arguments: [
      "test cache::tests::restore ... ok", "cache restore_keys 4", "thread 'main' panicked",
      "build finished", "checking for gcc... gcc", "warn: deprecated", "Get:1 http://x",
      "error[E0308]: mismatched types", "these", "building",
    ])
  func ordinaryLines(message: String) {
    #expect(!Array(message.utf8).withUnsafeBufferPointer { Nix.isCandidate($0) })
  }

  static let log = Parsing.timestamped(
    """
    ##[group]Run nix-build
    \u{1B}[36;1mnix-build\u{1B}[0m
    shell: /usr/bin/bash -e {0}
    ##[endgroup]
    these derivations will be built:
      /nix/store/bk3zmcg6gh0gy6b0ywh5pqd6yxj02bvm-a.drv
      /nix/store/78hy1kqwjgvklbvk93h0yvhximyhlk58-b.drv
    these 1 paths will be fetched (1.0 MiB download, 2.0 MiB unpacked):
      /nix/store/gvhkpghgz6p6vk2k3ans8dy33zmmd8kn-c
    copying path '/nix/store/gvhkpghgz6p6vk2k3ans8dy33zmmd8kn-c' from 'https://cache.nixos.org'...
    building '/nix/store/bk3zmcg6gh0gy6b0ywh5pqd6yxj02bvm-a.drv'...
    a> output
    a> more output
    building '/nix/store/78hy1kqwjgvklbvk93h0yvhximyhlk58-b.drv'...
    ##[group]Run echo done
    \u{1B}[36;1mecho done\u{1B}[0m
    shell: /usr/bin/bash -e {0}
    ##[endgroup]
    done
    """)

  @Test("a job's Nix work, with old-style lists and build times", arguments: [1, 7, 4096])
  func job(chunkSize: Int) throws {
    var builder = JobRunBuilder(source: nil, fallbackName: "job")
    builder.apply(Parsing.events(Array(Self.log.utf8), chunkSize: chunkSize))
    let nix = try #require(builder.build().build?.nix)
    #expect(nix.derivationsToBuild == 2)
    #expect(nix.derivationsBuilt == 2)
    #expect(nix.pathsToFetch == 1)
    #expect(nix.pathsFetched == 1)
    #expect(nix.downloadBytes == 1_048_576)
    #expect(nix.longestBuilds.map(\.name) == ["a", "b"])
    #expect(nix.longestBuilds.map(\.duration) == [.seconds(3), .seconds(1)])
    #expect(nix.substituters.map(\.paths) == [1])
    #expect(nix.throttled == 0)
  }

  @Test("a job whose steps never name Nix does not read Nix's lines")
  func gated() {
    let log = Parsing.timestamped(
      "##[group]Run make\n\u{1B}[36;1mmake\u{1B}[0m\nshell: sh\n##[endgroup]\nbuilding '/nix/store/bk3zmcg6gh0gy6b0ywh5pqd6yxj02bvm-a.drv'..."
    )
    #expect(Parsing.job(log).build == nil)
  }

  @Test(
    "copying lines count per substituter in runs, and builds beyond five keep the longest",
    arguments: [1, 7, 4096])
  func copiesAndLongest(chunkSize: Int) throws {
    var lines = ["##[group]Run nix build", "\u{1B}[36;1mnix build\u{1B}[0m", "##[endgroup]"]
    let uris = ["https://a.example", "https://a.example", "https://b.example", "https://a.example"]
    for (index, uri) in uris.enumerated() {
      lines.append("copying path '/nix/store/\(index)-p' from '\(uri)'...")
    }
    // Seven builds, one line apart in time by Parsing.timestamped; equal durations keep order.
    for name in ["a", "b", "c", "d", "e", "f", "g"] {
      lines.append("building '/nix/store/bk3zmcg6gh0gy6b0ywh5pqd6yxj02bvm-\(name).drv'...")
    }
    lines.append("  /nix/store/bk3zmcg6gh0gy6b0ywh5pqd6yxj02bvm-not-in-a-list")
    var builder = JobRunBuilder(source: nil, fallbackName: "job")
    builder.apply(
      Parsing.events(
        Array(Parsing.timestamped(lines.joined(separator: "\n")).utf8), chunkSize: chunkSize))
    let nix = try #require(builder.build().build?.nix)
    #expect(nix.pathsFetched == 4)
    #expect(nix.substituters.map(\.uri) == ["https://a.example", "https://b.example"])
    #expect(nix.substituters.map(\.paths) == [3, 1])
    #expect(nix.derivationsBuilt == 7)
    #expect(nix.derivationsToBuild == 0)
    #expect(nix.longestBuilds.map(\.name) == ["a", "b", "c", "d", "e"])
  }
}
