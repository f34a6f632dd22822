import Testing

@testable import RunLens

@Suite("Compiler caches")
struct CompilerCachesTests {
  static func read(_ message: String) -> CompilerCaches.Line? {
    Array(message.utf8).withUnsafeBufferPointer { CompilerCaches.read($0) }
  }

  @Test(
    "sccache and ccache rows are read",
    arguments: [
      ("Compile requests                    412", CompilerCaches.Line.sccacheRequests(412)),
      ("Cache hits                          301", .sccacheHits(301)),
      ("Cache misses                         88", .sccacheMisses(88)),
      ("Cacheable calls:   214 / 226 (94.69%)", .ccacheCalls(total: 226)),
      ("  Hits:            171 / 214 (79.91%)", .ccacheHits(171)),
      ("  Misses:           43 / 214 (20.09%)", .ccacheMisses(43)),
      ("Summary:", .ccacheTable),
      ("cache directory                     /home/runner/.ccache", .ccacheTable),
      ("cache hit (direct)                   158", .ccacheLegacyHits(158)),
      ("cache hit (preprocessed)              13", .ccacheLegacyHits(13)),
      ("cache miss                            43", .ccacheLegacyMisses(43)),
    ])
  func lines(message: String, expected: CompilerCaches.Line) {
    #expect(Self.read(message) == expected)
    // Every row read passes the one-word test the parser runs first.
    #expect(Array(message.utf8).withUnsafeBufferPointer { CompilerCaches.isCandidate($0) })
  }

  @Test("the heads are the words of their texts")
  func heads() {
    typealias Head = CompilerCaches.Head
    #expect(Head.compile == ByteSearch.word("Compile "))
    #expect(Head.cacheHi == ByteSearch.word("Cache hi"))
    #expect(Head.cacheMi == ByteSearch.word("Cache mi"))
    #expect(Head.cacheable == ByteSearch.word("Cacheabl"))
    #expect(Head.summary == ByteSearch.word("Summary:"))
    #expect(Head.legacyDirectory == ByteSearch.word("cache di"))
    #expect(Head.legacyHit == ByteSearch.word("cache hi"))
    #expect(Head.legacyMiss == ByteSearch.word("cache miss"))
    #expect(Head.hits == ByteSearch.word("  Hits: "))
    #expect(Head.misses == ByteSearch.word("  Misses"))
  }

  @Test(
    "ordinary lines that start like a row fail the one-word test",
    arguments: [
      "Compiling serde v1.0.219", "Cache restored from key: x", "cache restore_keys 4",
      "Successfully built", "  Finished `dev` profile", "Cache Size: ~12 MB", "Summary",
    ])
  func ordinaryLines(message: String) {
    #expect(!Array(message.utf8).withUnsafeBufferPointer { CompilerCaches.isCandidate($0) })
  }

  @Test(
    "rows that are not counted",
    arguments: [
      "Compile requests executed           389",
      "Cache hits (Rust)                   301",
      "Cache hits rate                 77.38 %",
      "Cache misses (Rust)                  88",
      "    Direct:          158 / 171 (92.40%)",
      "cache hit rate                    45.00 %",
    ])
  func otherLines(message: String) {
    #expect(Self.read(message) == nil)
  }

  static let log = Parsing.timestamped(
    """
    ##[group]Run ccache -s
    \u{1B}[36;1mccache -s\u{1B}[0m
    shell: /usr/bin/bash -e {0}
    ##[endgroup]
    cache directory                     /home/runner/.ccache
    cache hit (direct)                    10
    cache hit (preprocessed)               2
    cache miss                             3
    ##[group]Run sccache --show-stats
    \u{1B}[36;1msccache --show-stats\u{1B}[0m
    shell: /usr/bin/bash -e {0}
    ##[endgroup]
    Compile requests                    10
    Compile requests executed            9
    Cache hits                           1
    Cache misses                         8
    Compile requests                    20
    Cache hits                           2
    Cache misses                        16
    """)

  @Test("the last table of each tool counts, in log order", arguments: [1, 7, 4096])
  func job(chunkSize: Int) throws {
    var builder = JobRunBuilder(source: nil, fallbackName: "job")
    builder.apply(Parsing.events(Array(Self.log.utf8), chunkSize: chunkSize))
    let caches = try #require(builder.build().build?.compilerCaches)
    #expect(caches.map(\.tool) == ["ccache", "sccache"])
    #expect(caches.map(\.requests) == [15, 20])
    #expect(caches.map(\.hits) == [12, 2])
    #expect(caches.map(\.misses) == [3, 16])
  }

  @Test("tables in a job that never names a compiler cache are not read")
  func gated() {
    let log = Parsing.timestamped(
      "##[group]Run make\n\u{1B}[36;1mmake\u{1B}[0m\nshell: sh\n##[endgroup]\nCache hits     3")
    #expect(Parsing.job(log).build == nil)
  }
}
