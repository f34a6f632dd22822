import Testing

@testable import RunLens

@Suite("LineSplitter")
struct LineSplitterTests {
  /// Splits `bytes` fed in chunks of `chunkSize` and returns the lines as text.
  static func lines(
    _ bytes: [UInt8], chunkSize: Int = 65536, maximum: Int = 1 << 20
  ) -> [(text: String, number: Int, cut: Bool)] {
    var splitter = LineSplitter(maximumLineLength: maximum, needles: [])
    var result: [(String, Int, Bool)] = []
    for chunk in Parsing.chunks(bytes, size: chunkSize) {
      splitter.feed(chunk) { result.append(($0.bytes.string, $0.number, $0.wasCut)) }
    }
    splitter.finish { result.append(($0.bytes.string, $0.number, $0.wasCut)) }
    return result
  }

  @Test("LF, CRLF and a lone CR all end a line", arguments: [1, 2, 3, 64])
  func terminators(chunkSize: Int) {
    let lines = Self.lines(Array("a\nb\r\nc\rd\n\ne".utf8), chunkSize: chunkSize)
    #expect(lines.map(\.text) == ["a", "b", "c", "d", "", "e"])
    #expect(lines.map(\.number) == [1, 2, 3, 4, 5, 6])
  }

  @Test("a CR at the end of a chunk and an LF at the start of the next are one line end")
  func splitCRLF() {
    var splitter = LineSplitter(maximumLineLength: 100, needles: [])
    var seen: [String] = []
    splitter.feed(Array("one\r".utf8)) { seen.append($0.bytes.string) }
    splitter.feed(Array("\ntwo".utf8)) { seen.append($0.bytes.string) }
    splitter.finish { seen.append($0.bytes.string) }
    #expect(seen == ["one", "two"])
    #expect(splitter.lineCount == 2)
  }

  @Test("a line over the cap is cut and the rest of it skipped", arguments: [1, 5, 4096])
  func cut(chunkSize: Int) {
    let input = Array("short\n".utf8) + [UInt8](repeating: 0x41, count: 50) + Array("\nnext\n".utf8)
    let lines = Self.lines(input, chunkSize: chunkSize, maximum: 10)
    #expect(lines.map(\.text) == ["short", String(repeating: "A", count: 10), "next"])
    #expect(lines.map(\.cut) == [false, true, false])
    #expect(lines.map(\.number) == [1, 2, 3])
  }

  @Test("a 10 MiB line fed in 64 KiB chunks keeps at most the cap plus one chunk")
  func boundedBuffer() {
    var splitter = LineSplitter(maximumLineLength: 1 << 20, needles: [])
    let chunk = [UInt8](repeating: 0x61, count: 65536)
    var peak = 0
    var delivered = 0
    for _ in 0..<160 {
      splitter.feed(chunk) { _ in delivered += 1 }
      peak = max(peak, splitter.bufferedByteCount)
    }
    splitter.feed(Array("\nend\n".utf8)) { _ in delivered += 1 }
    #expect(peak <= (1 << 20) + 65536)
    #expect(delivered == 2)
    #expect(splitter.bufferedByteCount == 0)
  }

  @Test("needles are reported per line, whatever the chunking", arguments: [1, 3, 4096])
  func needles(chunkSize: Int) {
    var splitter = LineSplitter(
      maximumLineLength: 100,
      needles: [
        LineSplitter.Needle(Array("Key:".utf8), anchor: 0), LineSplitter.Needle([0x1B], anchor: 0),
      ])
    let input = Array("a Key: b\nnothing\n\u{1B}[1mKe\ny: no\nKey:\n".utf8)
    var flags: [UInt32] = []
    var offset = 0
    while offset < input.count {
      let end = min(offset + chunkSize, input.count)
      splitter.feed(input[offset..<end]) { flags.append($0.needles) }
      offset = end
    }
    splitter.finish { flags.append($0.needles) }
    #expect(flags == [1, 0, 2, 0, 1])
  }

  @Test(
    "needles marked on the line ends beforehand are those found per line, CRs and all",
    arguments: [1, 5, 64, 4096])
  func markedNeedles(chunkSize: Int) {
    let needles = [
      LineSplitter.Needle(Array("Key:".utf8), anchor: 0), LineSplitter.Needle([0x1B], anchor: 0),
      LineSplitter.Needle(Array("^[".utf8), anchor: 0),
      LineSplitter.Needle(Array("AB ".utf8), anchor: 1),
    ]
    let pieces = [
      "Key:", "Ke", "y:", "\u{1B}", "^[", "^", "AB ", "AB", " ", "x", "\n", "\n", "\r",
      "\n2025-10-04T14:00:00.1234567Z ", "\n2025-10-04T14:00:00.1234567Z",
    ]
    var state: UInt64 = 0x2545_F491_4F6C_DD1D
    var input: [UInt8] = []
    for _ in 0..<6000 {
      state = state &* 6_364_136_223_846_793_005 &+ 1_442_695_040_888_963_407
      input += Array(pieces[Int(state >> 33) % pieces.count].utf8)
    }
    /// What a line was delivered with, and whether its bytes start with a runner timestamp.
    struct Seen: Equatable {
      var bytes: [UInt8]
      var wasCut: Bool
      var needles: UInt32
      var number: Int
      var startsWithRunnerTimestamp: Bool
      var isStamped: Bool

      init(_ line: LineSplitter.Line) {
        bytes = Array(line.bytes)
        wasCut = line.wasCut
        needles = line.needles
        number = line.number
        startsWithRunnerTimestamp = line.startsWithRunnerTimestamp
        isStamped =
          line.bytes.count >= 29
          && LogTime.isRunnerTimestamp(line.bytes.baseAddress.unsafelyUnwrapped)
      }
    }
    /// `marked`: whether the line ends are marked; `alternate`: then only every other one, so
    /// that runs of marked lines end at unmarked ones too.
    func lines(marked: Bool, alternate: Bool = false) -> [Seen] {
      var splitter = LineSplitter(maximumLineLength: 40, needles: needles)
      var lines: [Seen] = []
      var offset = 0
      while offset < input.count {
        let end = min(offset + chunkSize, input.count)
        input[offset..<end].withUnsafeBufferPointer { chunk in
          let offsets = UnsafeMutablePointer<UInt32>.allocate(capacity: max(1, chunk.count))
          defer { offsets.deallocate() }
          let count = LineSplitter.lineFeeds(in: chunk, into: offsets, dense: false)
          if marked {
            LineSplitter.markNeedles(
              needles, in: chunk, lineFeeds: offsets, count: count, timestamps: true)
            if alternate {
              for index in stride(from: 1, to: count, by: 2) {
                offsets[index] &= LineSplitter.Mark.offset
              }
            }
          }
          splitter.feed(chunk, lineFeeds: UnsafeBufferPointer(start: offsets, count: count)) {
            lines.append(Seen($0))
          }
        }
        offset = end
      }
      splitter.finish { lines.append(Seen($0)) }
      return lines
    }
    let searched = lines(marked: false)
    let marked = lines(marked: true)
    let alternate = lines(marked: true, alternate: true)
    #expect(marked.map(\.needles) == searched.map(\.needles))
    #expect(marked.map(\.number) == searched.map(\.number))
    // The same lines, cut the same way, however the marked lines run.
    #expect(marked.map(\.bytes) == searched.map(\.bytes))
    #expect(marked.map(\.wasCut) == searched.map(\.wasCut))
    #expect(alternate.map(\.bytes) == searched.map(\.bytes))
    #expect(alternate.map(\.needles) == searched.map(\.needles))
    #expect(alternate.map(\.number) == searched.map(\.number))
    #expect(searched.contains { $0.wasCut })
    #expect(searched.contains { $0.needles != 0 })
    // A mark says a timestamp starts the line only when one does; unmarked lines say no.
    let markedStamps = marked.filter { $0.startsWithRunnerTimestamp }.count
    #expect(chunkSize < 64 || markedStamps > 10)
    #expect(marked.allSatisfy { !$0.startsWithRunnerTimestamp || $0.isStamped })
    #expect(searched.allSatisfy { !$0.startsWithRunnerTimestamp })
  }
}

/// The parser's one-pass vectorised marks (`runlens_mark_log_lines`, through
/// `GitHubLogParser.lineFeeds`) against LineSplitter's `memchr` passes with the parser's
/// needles.
@Suite("Vectorised line marks")
struct VectorisedMarksTests {
  /// The offsets and marks of both, for every piece of `input` of `pieceSize` bytes.
  func expectSame(
    _ input: [UInt8], pieceSize: Int, sourceLocation: SourceLocation = #_sourceLocation
  ) {
    var offset = 0
    while offset < input.count {
      let end = min(offset + pieceSize, input.count)
      input[offset..<end].withUnsafeBufferPointer { piece in
        let size = max(1, piece.count)
        let vectorised = UnsafeMutablePointer<UInt32>.allocate(capacity: size)
        let reference = UnsafeMutablePointer<UInt32>.allocate(capacity: size)
        defer {
          vectorised.deallocate()
          reference.deallocate()
        }
        // Timestamps marked or not; the reference's two ways of finding LFs (memchr, or
        // words for short lines) ride along.
        for timestamps in [false, true] {
          let found = GitHubLogParser.lineFeeds(
            in: piece, into: vectorised, timestamps: timestamps)
          let expected = LineSplitter.lineFeeds(in: piece, into: reference, dense: timestamps)
          LineSplitter.markNeedles(
            GitHubLogParser.Needle.all, in: piece, lineFeeds: reference, count: expected,
            timestamps: timestamps, letters: GitHubLogParser.Needle.letters)
          #expect(found == expected, sourceLocation: sourceLocation)
          let same = (0..<min(found, expected)).allSatisfy { vectorised[$0] == reference[$0] }
          #expect(same, "piece at \(offset), \(pieceSize) bytes", sourceLocation: sourceLocation)
        }
      }
      offset = end
    }
  }

  @Test(
    "random bytes of needles, their pieces and line ends give the same marks",
    arguments: [1, 7, 63, 64, 65, 200, 4096, 1 << 16])
  func random(pieceSize: Int) {
    let pieces = [
      "Cache Key:", "Cache Ke", "y:", "CACHE ", "CACH", "E ", "\u{1B}[1m", "^[", "^", "[", "K", "H",
      "\n", "\n", "\r\n", "x", "2025-10-04T14:00:00.1234567Z ", "HH", "KK", "é",
      // Near misses of a timestamp, each wrong in one byte (or short of one) once joined to
      // the next piece.
      "2025-10-04T14:00:00.1234567", "2025-10-04T14:00:00.123456", "2025-10-04T14:00:0",
      "2025-10-04 14:00:00.1234567Z ", "2025/10-04T14:00:00.1234567Z ", "0", "Z", "Z ", ":",
    ].map { Array($0.utf8) }
    var state: UInt64 = 0x9E37_79B9_7F4A_7C15
    var input: [UInt8] = []
    for _ in 0..<20_000 {
      state = state &* 6_364_136_223_846_793_005 &+ 1_442_695_040_888_963_407
      input += pieces[Int(state >> 33) % pieces.count]
    }
    expectSame(input, pieceSize: pieceSize)
  }

  @Test("every byte value at every place of a 64-byte block is marked as the reference marks it")
  func everyByteEveryPlace() {
    // The kernel classifies bytes by their two nibbles; a byte it took for another (or missed)
    // would show here: CR and ESC are needles alone, `^` with the `[` after it.
    var input: [UInt8] = []
    for place in 0..<64 {
      for byte in UInt8.min...UInt8.max where byte != 0x0A {
        input += [UInt8](repeating: UInt8(ascii: "a"), count: place) + [byte, UInt8(ascii: "[")]
        input += [UInt8](repeating: UInt8(ascii: "b"), count: 63 - place) + [0x0A]
      }
    }
    expectSame(input, pieceSize: 1 << 16)
  }

  @Test("a timestamp with any one byte changed is marked only while it is still one")
  func timestampBytes() {
    let stamp = Array("2025-10-04T14:01:49.3433368Z ".utf8)
    var input: [UInt8] = []
    for position in stamp.indices {
      for byte in UInt8.min...UInt8.max where byte != 0x0A {
        var line = stamp
        line[position] = byte
        input += line + Array("x\n".utf8)
      }
    }
    expectSame(input, pieceSize: 1 << 16)
    // By hand: a digit's place takes ten bytes, a separator's one.
    let places = stamp.map { $0 &- UInt8(ascii: "0") < 10 ? 10 : 1 }.reduce(0, +)
    #expect(places == 21 * 10 + 8)
    let marked = input.withUnsafeBufferPointer { bytes in
      let offsets = UnsafeMutablePointer<UInt32>.allocate(capacity: bytes.count)
      defer { offsets.deallocate() }
      let count = GitHubLogParser.lineFeeds(in: bytes, into: offsets, timestamps: true)
      return (0..<count).filter { offsets[$0] & LineSplitter.Mark.runnerTimestamp != 0 }.count
    }
    #expect(marked == places)
  }

  @Test("every fixture's job log gives the same marks", arguments: [61, 4096, 16 << 10])
  func fixtures(pieceSize: Int) throws {
    let cases = Golden.cases(containing: "job.log")
    #expect(cases.count > 20)
    for name in cases {
      expectSame(try Golden.bytes("Fixtures/\(name)/job.log"), pieceSize: pieceSize)
    }
  }

  @Test("a text is marked as holding no needle letter exactly when it holds neither K nor H")
  func needleLetters() {
    let texts = [
      "\u{1B}[1m   Compiling\u{1B}[0m serde v1.0.219", "\u{1B}[32mCache \u{1B}[0mKey: k",
      "CAC\u{1B}[0mHE HIT", "\u{1B}[K", "plain", "", "k and h are not letters of a needle",
    ]
    let input = Array((texts.joined(separator: "\n") + "\n").utf8)
    let marks = input.withUnsafeBufferPointer { bytes in
      let offsets = UnsafeMutablePointer<UInt32>.allocate(capacity: bytes.count)
      defer { offsets.deallocate() }
      let count = GitHubLogParser.lineFeeds(in: bytes, into: offsets, timestamps: false)
      return (0..<count).map { offsets[$0] & LineSplitter.Mark.withoutLetters != 0 }
    }
    #expect(marks == [true, false, false, false, true, true, true])
    expectSame(input, pieceSize: 1 << 16)
  }

  @Test("a needle at either edge of a piece, and a piece of only line ends")
  func edges() {
    for text in [
      "Cache Key:", "CACHE ", "\u{1B}", "^[", "K", "H", "Cache Key:\n", "\nCACHE ", "\n\n\n",
      String(repeating: "\n", count: 130), String(repeating: "CACHE \n", count: 30),
      String(repeating: "a", count: 63) + "Cache Key:\n",
    ] {
      expectSame(Array(text.utf8), pieceSize: 1 << 16)
    }
  }
}

@Suite("ANSI")
struct ANSITests {
  @Test(
    "escape sequences are removed, in ESC and caret notation, and nothing else",
    arguments: [
      ("a\u{1B}[1;32mb^[[0mc", "abc"), ("^[d ^x ^", "^[d ^x ^"), ("x\u{1B}", "x"),
      ("\u{1B}]0;title\u{7}y", "y"), ("\u{1B}]8;;https://x\u{1B}\\link", "link"),
      ("\u{1B}[36;1mecho \"CACHE HIT\"\u{1B}[0m", "echo \"CACHE HIT\""), ("plain", "plain"),
      ("^[[", ""),
    ])
  func strip(input: String, expected: String) {
    var output: [UInt8] = []
    Array(input.utf8).withUnsafeBufferPointer { ANSI.strip($0, into: &output) }
    #expect(String(decoding: output, as: UTF8.self) == expected)
  }
}
