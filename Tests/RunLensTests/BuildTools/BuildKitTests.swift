import Testing

@testable import RunLens

@Suite("BuildKit")
struct BuildKitTests {
  static func read(_ message: String) -> BuildKit.Line? {
    Array(message.utf8).withUnsafeBufferPointer { BuildKit.read($0) }
  }

  @Test(
    "BuildKit's lines are read with their vertex and verdict",
    arguments: [
      ("#9 [builder 2/8] WORKDIR /app", BuildKit.Line.step(vertex: 9, from: false)),
      ("#12 [ 3/11] RUN make", .step(vertex: 12, from: false)),
      ("#6 [builder 1/8] FROM docker.io/library/rust:1.92", .step(vertex: 6, from: true)),
      ("#7 [linux/amd64 runtime 2/3] COPY a b", .step(vertex: 7, from: false)),
      ("#9 CACHED", .cached(vertex: 9)),
      ("#15 DONE 96.8s", .done(vertex: 15, duration: .milliseconds(96800))),
      ("#15 ERROR: process \"/bin/sh -c x\" did not complete", .error(vertex: 15)),
      ("#5 importing cache manifest from gha:9181726354470021337", .cacheImport),
      ("#19 exporting to GitHub Actions Cache", .cacheExport),
      ("#19 exporting cache to registry", .cacheExport),
      ("#0 building with \"b\" instance using docker-container driver", .buildStarted),
      ("#1 [internal] load build definition from Dockerfile", .buildStarted),
    ])
  func lines(message: String, expected: BuildKit.Line) {
    #expect(Self.read(message) == expected)
  }

  @Test(
    "rows, output and other lines are not verdicts",
    arguments: [
      "#15 0.412    Compiling ferrox-macros v0.9.3 (/app/crates/macros)",
      "#13 sha256:6c65 4.19MB / 4.19MB 0.2s done",
      "#2 [internal] load metadata for docker.io/library/rust:1.92",
      "#18 exporting to image",
      "## not buildkit",
      "#x CACHED",
    ])
  func otherLines(message: String) {
    #expect(Self.read(message) == nil)
  }

  static let log = Parsing.timestamped(
    """
    ##[group]Run docker/build-push-action@v6
    with:
      push: true
    ##[endgroup]
    #0 building with "b" instance using docker-container driver
    #1 [internal] load build definition from Dockerfile
    #1 DONE 0.0s
    #5 importing cache manifest from gha:1
    #5 DONE 0.5s
    #6 [1/3] FROM docker.io/library/debian
    #6 DONE 0.0s
    #7 [2/3] RUN apt-get update
    #7 CACHED
    #8 [3/3] COPY . .
    #8 DONE 1.5s
    #7 [2/3] RUN apt-get update
    #7 sha256:abc 1MB / 1MB 0.1s done
    #7 DONE 0.3s
    ##[group]Run docker build .
    \u{1B}[36;1mdocker build .\u{1B}[0m
    shell: /usr/bin/bash -e {0}
    ##[endgroup]
    #1 [internal] load build definition from Dockerfile
    #7 [2/2] RUN make
    #7 DONE 2.0s
    """)

  @Test("layers are counted once per vertex and build, FROM aside", arguments: [1, 7, 4096])
  func job(chunkSize: Int) throws {
    var builder = JobRunBuilder(source: nil, fallbackName: "job")
    builder.apply(Parsing.events(Array(Self.log.utf8), chunkSize: chunkSize))
    let docker = try #require(builder.build().build?.docker)
    #expect(docker.layers == 3)
    #expect(docker.cached == 1)
    #expect(docker.rebuilt == 2)
    #expect(docker.rebuiltDuration == .milliseconds(3500))
    #expect(docker.cacheImported)
    #expect(!docker.cacheExported)
    #expect(docker.builds == 2)
  }

  @Test("#N lines of a step that started no build are not read", arguments: [1, 7, 4096])
  func noBuild(chunkSize: Int) {
    let log = Parsing.timestamped(
      """
      ##[group]Run ./run-tests.sh
      \u{1B}[36;1m./run-tests.sh\u{1B}[0m
      shell: /usr/bin/bash -e {0}
      ##[endgroup]
      #1 [internal] booting buildkit
      #7 [2/3] RUN apt-get update
      #7 DONE 1.5s
      #8 importing cache manifest from gha:1
      """)
    var builder = JobRunBuilder(source: nil, fallbackName: "job")
    builder.apply(Parsing.events(Array(log.utf8), chunkSize: chunkSize))
    #expect(builder.build().build?.docker == nil)
  }

  @Test(
    "only the two lines that start a build pass the start test",
    arguments: [
      ("#0 building with \"b\" instance using docker-container driver", true),
      ("#1 [internal] load build definition from Dockerfile", true),
      ("#1 DONE 0.0s", false),
      ("#12 [builder 3/7] RUN make", false),
      ("#7 CACHED", false),
    ])
  func startTest(message: String, mayStart: Bool) {
    #expect(Array(message.utf8).withUnsafeBufferPointer { BuildKit.mayStartBuild($0) } == mayStart)
  }

  @Test(
    "DONE times are read exactly without a Double when BuildKit's form",
    arguments: [
      ("96.8s", Int64?.some(96800)), ("0.0s", 0), ("12s", 12000), ("1.25s", 1250),
      ("0.125s", 125), ("1.2345s", nil), ("1.s", nil), ("s", nil), ("1.5", nil),
      ("1234567890s", nil),
    ])
  func decimal(text: String, milliseconds: Int64?) {
    let read = Array(text.utf8).withUnsafeBufferPointer { BuildKit.decimalMilliseconds($0) }
    #expect(read == milliseconds)
  }

  @Test("a longer fraction still goes through a Double")
  func longFraction() {
    let read = Array("1.2346s".utf8).withUnsafeBufferPointer { BuildKit.seconds($0) }
    #expect(read == .milliseconds(1235))
  }

  @Test("only a vertex's first step line and first verdict after it count, once per build")
  func vertices() {
    var vertices = BuildKit.Vertices()
    let lines: [(BuildKit.Line, Bool)] = [
      (.buildStarted, true), (.done(vertex: 1, duration: nil), false),
      (.step(vertex: 6, from: true), false), (.done(vertex: 6, duration: .seconds(9)), false),
      (.step(vertex: 7, from: false), false), (.step(vertex: 7, from: false), false),
      (.cached(vertex: 7), false), (.done(vertex: 7, duration: nil), false),
      (.step(vertex: 8, from: false), false), (.done(vertex: 8, duration: .seconds(2)), false),
      (.step(vertex: 9, from: false), false), (.error(vertex: 9), false),
      (.cacheImport, true), (.step(vertex: 70_000, from: false), true),
      (.step(vertex: 70_000, from: false), true),
    ]
    let reported = lines.map { vertices.count($0.0) }
    #expect(reported == lines.map(\.1))
    let tally = vertices.takeTally()
    let again = vertices.takeTally()
    #expect(
      tally
        == BuildKit.Tally(
          lines: 8, layers: 3, cached: 1, rebuilt: 2, rebuiltDuration: .seconds(2)))
    #expect(again == nil)
    // A new build: vertex 7 counts again.
    let started = vertices.count(.buildStarted)
    let stepReported = vertices.count(.step(vertex: 7, from: false))
    let second = vertices.takeTally()
    #expect(started && !stepReported)
    #expect(second == BuildKit.Tally(lines: 1, layers: 1))
  }

  @Test(
    "the row test passes every line read and rejects rows",
    arguments: [
      ("#7 CACHED", true), ("#12 DONE 1.5s", true), ("#3 ERROR: x", true),
      ("#12 [builder 3/7] RUN make", true), ("#0 building with \"b\" instance", true),
      ("#5 importing cache manifest from gha:1", true), ("#9 exporting cache to GitHub", true),
      ("#13 185.6    Compiling serde v1.0.1", false), ("#5 sha256:abc 1MB / 3MB 0.2s", false),
      ("#9 extracting sha256:abc", false), ("#9 resolve docker.io/x", false), ("#9", false),
      ("#9 ", false), ("#123456789012 DONE 1s", false), ("#1\u{7F}", false),
      ("#4 \u{C3}\u{A9}", false), ("#1234567 CACHED", true), ("#12345678 DONE 1s", true),
      ("#123456789 CACHED", true), ("#1234567890 CACHED", false), ("#12:DONE", false),
      ("#7/DONE 1.5s", false), ("#8 [installer 3/7] RUN make", true),
      ("#5 [internal] load metadata for docker.io/library/rust:1", false),
      ("#1 [internal] load build definition from Dockerfile", true),
      ("#12 [internal] load build definition from Dockerfile", false),
      ("#9 exporting layers", false), ("#9 exporting to GitHub Actions Cache", true),
      ("#9 exporting cache to client directory", true),
    ])
  func rowTest(message: String, mayBeRead: Bool) {
    let result = Array(message.utf8).withUnsafeBufferPointer { bytes in
      (BuildKit.mayBeRead(bytes), BuildKit.read(bytes))
    }
    #expect(result.0 == mayBeRead)
    // Never a line `read` reads that the test rejects.
    if !result.0 { #expect(result.1 == nil) }
  }

  @Test("the verb bits are the first bytes of the lines read")
  func verbBits() {
    var bits: UInt64 = 0
    for byte in "CDE[bie".utf8 { bits |= 1 << UInt64(byte - 0x40) }
    #expect(BuildKit.verbStarts == bits)
  }

  @Test(
    "the verdict shortcut reads what read reads",
    arguments: [
      "#7 CACHED", "#7 CACHED ", "#7 CACHEDX", "#12 DONE 1.5s", "#12 DONE", "#12 DONEx 3s",
      "#123456789 DONE 2s", "#1234567890 DONE 2s", "#3 ERROR: x", "#4 [2/3] RUN make",
      "#0 CACHED", "#70000 DONE 0.1s",
    ])
  func verdictShortcut(message: String) {
    Array(message.utf8).withUnsafeBufferPointer { bytes in
      let verb = BuildKit.verbIndex(bytes)
      let read = BuildKit.read(bytes)
      guard verb > 0, let (vertex, ran) = BuildKit.verdict(bytes, verb: verb) else {
        switch read {
        case .cached, .done: Issue.record("read gives a verdict the shortcut missed: \(message)")
        default: break
        }
        return
      }
      switch read {
      case .cached(let readVertex): #expect(!ran && vertex == readVertex)
      case .done(let readVertex, _): #expect(ran && vertex == readVertex)
      default: Issue.record("the shortcut gives a verdict read does not: \(message)")
      }
    }
  }

  @Test(
    "the step shortcut reads what read reads",
    arguments: [
      "#4 [2/3] RUN make", "#12 [builder 3/7] RUN cargo build", "#6 [1/3] FROM docker.io/x",
      "#6 [base 1/3] from debian", "#1 [internal] load build definition from Dockerfile",
      "#5 [internal] load metadata for x", "#7 [linux/amd64 builder 2/8] COPY . .",
      "#8 [a]", "#8 [ab/c] RUN x", "#70000 [2/3] RUN make", "#7 CACHED",
    ])
  func stepShortcut(message: String) {
    Array(message.utf8).withUnsafeBufferPointer { bytes in
      let verb = BuildKit.verbIndex(bytes)
      let read = BuildKit.read(bytes)
      guard verb > 0, let (vertex, from) = BuildKit.step(bytes, verb: verb) else {
        if case .step = read { Issue.record("read gives a step the shortcut missed: \(message)") }
        return
      }
      #expect(read == .step(vertex: vertex, from: from))
    }
  }
}
