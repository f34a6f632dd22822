import Testing

@testable import RunLens

@Suite("Cargo")
struct CargoTests {
  /// Reads one message (without timestamp) as the parser would.
  static func read(_ message: String) -> Cargo.Line? {
    Array(message.utf8).withUnsafeBufferPointer { bytes in
      Cargo.read(bytes) { String(decoding: $0, as: UTF8.self) }
    }
  }

  static func package(_ name: String, _ version: String, _ source: String? = nil) -> Cargo.Package {
    Cargo.Package(name: name, version: version, source: source)
  }

  @Test(
    "status lines are read with their package, source and reason",
    arguments: [
      ("   Compiling serde v1.0.219", Cargo.Line.compiling(path: false)),
      (
        "   Compiling core v0.9.3 (/home/runner/work/r/r/crates/core)",
        .compiling(path: true)
      ),
      (
        "   Compiling tinyjson v2.5.1 (https://github.com/acme/tinyjson?branch=main#5e1c0a9f)",
        .compiling(path: false)
      ),
      ("    Checking anyhow v1.0.100", .compiling(path: false)),
      ("   Compiling app v0.1.0 (D:\\a\\r\\r)", .compiling(path: true)),
      ("       Fresh ryu v1.0.20", .fresh),
      (
        "       Dirty cli v0.9.3 (/w/crates/cli): the dependency `core` was rebuilt",
        .dirty(
          package("cli", "0.9.3", "/w/crates/cli"), reason: "the dependency `core` was rebuilt")
      ),
      (
        "       Dirty serde v1.0.1: the list of features changed",
        .dirty(package("serde", "1.0.1"), reason: "the list of features changed")
      ),
      ("  Downloaded memchr v2.7.6", .downloaded),
      (
        "  Downloaded 39 crates (12.3MiB) in 2.01s (largest was `tokio` at 800.0KiB)",
        .downloadedCrates(39)
      ),
      (
        "    Finished `test` profile [unoptimized + debuginfo] target(s) in 1m 02s",
        .finished(profile: "test", duration: .milliseconds(62000))
      ),
      (
        "    Finished release [optimized] target(s) in 4.56s",
        .finished(profile: "release", duration: .milliseconds(4560))
      ),
      (
        "    Finished dev [unoptimized + debuginfo] target(s) in 62.34 secs",
        .finished(profile: "dev", duration: .milliseconds(62340))
      ),
      (
        "    Finished `ci` profile [optimized] target(s) in 1m 2.34s",
        .finished(profile: "ci", duration: .milliseconds(62340))
      ),
    ])
  func lines(message: String, expected: Cargo.Line) {
    #expect(Self.read(message) == expected)
  }

  @Test(
    "other lines are not cargo's",
    arguments: [
      "     Running `rustc --crate-name foo`",
      "     Summary [   0.100s] 3 tests run: 3 passed, 0 skipped",
      "    Updating crates.io index",
      " Downloading crates ...",
      "   Compiling",
      "   Compiling foo",
      "    Finished nothing here",
      "            indented text",
      "Compiling serde v1.0.0",
    ])
  func otherLines(message: String) {
    #expect(Self.read(message) == nil)
  }

  @Test("path sources are workspace crates, on Linux and Windows runners")
  func pathSources() {
    #expect(Self.package("a", "1", "/home/x").isPath)
    #expect(Self.package("a", "1", "D:\\a\\r\\r").isPath)
    #expect(!Self.package("a", "1", "https://github.com/x/y#abc").isPath)
    #expect(!Self.package("a", "1", "registry `mine`").isPath)
    #expect(!Self.package("a", "1").isPath)
  }

  static let log = Parsing.timestamped(
    """
    ##[group]Run cargo build -v
    \u{1B}[36;1mcargo build -v\u{1B}[0m
    shell: /usr/bin/bash -e {0}
    ##[endgroup]
    \u{1B}[1m\u{1B}[92m  Downloaded\u{1B}[0m memchr v2.7.6
           Fresh ryu v1.0.20
    \u{1B}[1m\u{1B}[92m       Dirty\u{1B}[0m core v0.1.0 (/w/core): the file `core/src/lib.rs` has changed (1.5s, 2s after last build at 0.5s)
       Compiling core v0.1.0 (/w/core)
    \u{1B}[1m\u{1B}[92m   Compiling\u{1B}[0m memchr v2.7.6
        Finished `dev` profile [unoptimized + debuginfo] target(s) in 3.20s
    ##[group]Run cargo test
    \u{1B}[36;1mcargo test\u{1B}[0m
    shell: /usr/bin/bash -e {0}
    ##[endgroup]
        Finished `test` profile [unoptimized + debuginfo] target(s) in 1m 00s
    """)

  @Test("a job sums its cargo runs, whatever the chunk size and colours", arguments: [1, 7, 4096])
  func job(chunkSize: Int) throws {
    var builder = JobRunBuilder(source: nil, fallbackName: "job")
    builder.apply(Parsing.events(Array(Self.log.utf8), chunkSize: chunkSize))
    let cargo = try #require(builder.build().build?.cargo)
    #expect(cargo.compiled == 2)
    #expect(cargo.compiledWorkspace == 1)
    #expect(cargo.compiledDependencies == 1)
    #expect(cargo.fresh == 1)
    #expect(cargo.downloaded == 1)
    #expect(cargo.dirty.map(\.crate) == ["core"])
    #expect(
      cargo.dirty.first?.reason
        == "the file `core/src/lib.rs` has changed (1.5s, 2s after last build at 0.5s)")
    #expect(cargo.finished == .milliseconds(63200))
    #expect(cargo.profiles == ["dev", "test"])
  }

  @Test("a job without cargo lines has no build evidence")
  func none() {
    #expect(
      Parsing.job(Parsing.timestamped("##[group]Run x\nshell: sh\n##[endgroup]\nhi")).build == nil)
  }

  @Test("the status words are the words of their texts")
  func words() {
    #expect(Cargo.Word.compiling == ByteSearch.word("ompiling"))
    #expect(Cargo.Word.checking == ByteSearch.word("Checking"))
    #expect(Cargo.Word.fresh == ByteSearch.word("   Fresh"))
    #expect(Cargo.Word.dirty == ByteSearch.word("   Dirty"))
    #expect(Cargo.Word.finished == ByteSearch.word("Finished"))
    #expect(Cargo.Word.downloaded == ByteSearch.word("wnloaded"))
  }

  @Test(
    "the cheap test passes the six status words read and nothing else",
    arguments: [
      ("   Compiling serde v1.0.219", true), ("    Checking serde v1.0.219", true),
      ("       Fresh serde v1.0.219", true), ("       Dirty serde v1.0.219: x", true),
      ("    Finished `dev` profile [unoptimized] target(s) in 1.2s", true),
      ("  Downloaded serde v1.0.219", true),
      ("     Running `target/debug/deps/x-0123`", false), ("   Doc-tests serde", false),
      ("        PASS [   0.004s] crate::test", false), ("   Compiling", false),
      ("    Updating crates.io index", false),
    ])
  func candidates(message: String, passes: Bool) {
    #expect(Array(message.utf8).withUnsafeBufferPointer { Cargo.isCandidate($0) } == passes)
  }
}
