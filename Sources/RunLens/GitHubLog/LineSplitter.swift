import CByteScan

/// Splits a byte stream into lines without holding more than one line.
///
/// Lines end at LF, CRLF or a lone CR. Input arrives in chunks of any size. Lines that lie
/// wholly inside a chunk are delivered from the chunk itself, without copying; only a line that
/// spans chunks is gathered in a buffer. A line longer than `maximumLineLength` is delivered cut
/// to that length (``Line/wasCut``) and the rest of it is skipped, so memory stays bounded
/// whatever the input.
///
/// For each line the splitter also reports which of a few fixed byte strings (needles) occur in
/// it. It finds them with `memchr` passes over each chunk rather than one search per line, so
/// that a reader can skip most lines after a single byte test.
///
/// - Important: Not thread-safe; one owner feeds it, in order.
struct LineSplitter {
  /// One line, valid only during the callback that receives it.
  ///
  /// Four words, so that it is passed in registers: the flags share one.
  struct Line {
    /// The line's bytes without its terminator.
    var bytes: UnsafeBufferPointer<UInt8>
    /// The 1-based line number.
    var number: Int
    /// The needles in bits 0–27 (and ``LineSplitter/withoutLetters`` in bit 6 of a marked
    /// line), bit 30 for ``wasCut``, bit 31 for ``startsWithRunnerTimestamp``.
    private var flags: UInt32

    init(
      bytes: UnsafeBufferPointer<UInt8>, number: Int, wasCut: Bool, needles: UInt32,
      startsWithRunnerTimestamp: Bool = false
    ) {
      self.bytes = bytes
      self.number = number
      self.flags =
        needles | (wasCut ? 1 << 30 : 0) | (startsWithRunnerTimestamp ? 1 << 31 : 0)
    }

    /// Whether the line was longer than the maximum and is cut.
    var wasCut: Bool { flags & (1 << 30) != 0 }
    /// Bit `i` is set when needle `i` occurs in `bytes`; for a line whose end was marked,
    /// ``LineSplitter/withoutLetters`` may be set too.
    var needles: UInt32 { flags & 0x0FFF_FFFF }
    /// Whether the line is known to start with the runner's timestamp
    /// (``LogTime/isRunnerTimestamp(_:)``), tested beforehand on another thread; `false` when
    /// not known.
    var startsWithRunnerTimestamp: Bool { flags & (1 << 31) != 0 }
  }

  /// A byte string to look for, with the index of the byte `memchr` searches for.
  struct Needle {
    var bytes: [UInt8]
    var anchor: Int

    init(_ bytes: [UInt8], anchor: Int) {
      precondition(!bytes.isEmpty && anchor < bytes.count)
      self.bytes = bytes
      self.anchor = anchor
    }
  }

  /// Set in ``Line/needles`` of a line whose end was marked (the splitter takes at most four
  /// needles then, in bits 0–3) when its text holds none of the letters that
  /// ``markNeedles(_:in:lineFeeds:count:timestamps:letters:)`` was given: bit 30 of the mark,
  /// shifted down with the needles' bits.
  static let withoutLetters: UInt32 = Mark.withoutLetters >> Mark.needleShift

  /// How far past a marked line's end ``deliverMarked`` asks for the bytes of the lines to
  /// come: about fourteen lines of 73 bytes.
  ///
  /// The read-ahead thread wrote and marked those bytes on the other core, so the parse's
  /// first read of each line missed its cache: `perf` put a fifth of the parse's `consume`
  /// on that one load. Asked for ahead, 1 GiB of the fixtures-mix profile went from 860 to
  /// 798 ms (median of 21 interleaved rounds; 512 bytes ahead did as well, 2,048 no better).
  static let prefetchDistance = 1024

  /// The longest line kept, in bytes.
  let maximumLineLength: Int
  /// Whether a CR not followed by LF ends a line (raw logs), or stays in it (gh's columns).
  let splitsOnLoneCR: Bool
  private let needles: [Needle]
  /// The start of a line whose end has not arrived yet.
  private var pending: [UInt8] = []
  /// Skipping the rest of a line that was cut.
  private var discarding = false
  /// The last chunk ended with CR: an LF starting the next chunk completes that CRLF.
  private var skipLeadingLF = false
  /// The number the next line gets.
  private var nextLineNumber = 1
  /// Per needle, the index in the current chunk of its next occurrence at or after the line
  /// being split (`Int.max` when there is none; stale when below the line's start).
  private var cursors: [Int]
  /// The smallest of `cursors`.
  private var nearestNeedle = -1

  /// Creates a splitter.
  ///
  /// - Parameters:
  ///   - maximumLineLength: The longest line kept, in bytes.
  ///   - needles: Up to 28 byte strings to report per line; none may contain CR or LF.
  ///   - splitsOnLoneCR: Whether a CR not followed by LF ends a line.
  init(maximumLineLength: Int, needles: [Needle], splitsOnLoneCR: Bool = true) {
    precondition(needles.count <= 28 && maximumLineLength > 0)
    self.maximumLineLength = maximumLineLength
    self.splitsOnLoneCR = splitsOnLoneCR
    self.needles = needles
    self.cursors = [Int](repeating: -1, count: needles.count)
  }

  /// A splitter that owns nothing, to stand in while the real one is borrowed.
  static var placeholder: LineSplitter { LineSplitter(maximumLineLength: 1, needles: []) }

  /// The bytes held for a line whose end has not arrived yet.
  var bufferedByteCount: Int { pending.count }

  /// The number of lines delivered so far.
  var lineCount: Int { nextLineNumber - 1 }

  /// Splits the lines that `chunk` completes and passes each to `body`.
  mutating func feed(_ chunk: some Collection<UInt8>, _ body: (Line) -> Void) {
    let handled: Void? = chunk.withContiguousStorageIfAvailable { split($0, nil, body) }
    if handled == nil {
      let copy = Array(chunk)
      copy.withUnsafeBufferPointer { split($0, nil, body) }
    }
  }

  /// Splits the lines that `chunk` completes, with the offsets of its LF bytes found
  /// beforehand (by a read-ahead thread), and passes each line to `body`.
  ///
  /// - Parameters:
  ///   - chunk: The next bytes.
  ///   - lineFeeds: The offset in `chunk` of every LF byte, ascending.
  ///   - body: Receives each line.
  mutating func feed(
    _ chunk: UnsafeBufferPointer<UInt8>, lineFeeds: UnsafeBufferPointer<UInt32>,
    _ body: (Line) -> Void
  ) {
    // Marks carry four needles; a fifth's bit would be read as ``withoutLetters`` or lost.
    precondition(needles.count <= 4, "marked line ends with more than four needles")
    split(chunk, lineFeeds, body)
  }

  /// The offsets of every LF byte of `bytes`, written to `offsets` (which must have room for
  /// `bytes.count` entries); returns how many there are.
  ///
  /// - Parameters:
  ///   - bytes: A chunk.
  ///   - offsets: Room for `bytes.count` offsets.
  ///   - dense: Whether lines are short (under about 64 bytes): then the bytes are tested
  ///     eight at a time (a word XOR the LF pattern has a zero byte exactly where an LF is,
  ///     and the exact zero-byte test flags each with its high bit), with no branch on where
  ///     lines end but one per LF. Otherwise `memchr` finds each LF, skipping long lines
  ///     faster.
  /// - Returns: How many offsets were written.
  static func lineFeeds(
    in bytes: UnsafeBufferPointer<UInt8>, into offsets: UnsafeMutablePointer<UInt32>,
    dense: Bool
  ) -> Int {
    guard let base = bytes.baseAddress else { return 0 }
    var found = 0
    var position = 0
    let count = bytes.count
    guard dense else {
      while position < count {
        let at = ByteSearch.index(of: 0x0A, in: bytes, from: position, to: count)
        if at == count { break }
        offsets[found] = UInt32(truncatingIfNeeded: at)
        found += 1
        position = at + 1
      }
      return found
    }
    let raw = UnsafeRawPointer(base)
    @inline(__always) func lineFeedFlags(_ offset: Int) -> UInt64 {
      let word = UInt64(littleEndian: raw.loadUnaligned(fromByteOffset: offset, as: UInt64.self))
      let x = word ^ 0x0A0A_0A0A_0A0A_0A0A
      return ~(((x & 0x7F7F_7F7F_7F7F_7F7F) &+ 0x7F7F_7F7F_7F7F_7F7F) | x) & 0x8080_8080_8080_8080
    }
    // 64 bytes at a time into a 64-bit mask, without a branch: each word's flags (0x80 in an
    // LF byte) become eight bits by one multiplication, so the only branch left that depends
    // on the data is the loop over the mask's set bits.
    while position + 64 <= count {
      var mask: UInt64 = 0
      for word in 0..<8 {
        let flags = lineFeedFlags(position + word * 8)
        mask |= (((flags >> 7) &* 0x0102_0408_1020_4080) >> 56) << UInt64(word * 8)
      }
      while mask != 0 {
        offsets[found] = UInt32(truncatingIfNeeded: position + mask.trailingZeroBitCount)
        found += 1
        mask &= mask &- 1
      }
      position += 64
    }
    while position + 8 <= count {
      var flags = lineFeedFlags(position)
      while flags != 0 {
        offsets[found] = UInt32(truncatingIfNeeded: position + flags.trailingZeroBitCount >> 3)
        found += 1
        flags &= flags &- 1
      }
      position += 8
    }
    while position < count {
      if base[position] == 0x0A {
        offsets[found] = UInt32(truncatingIfNeeded: position)
        found += 1
      }
      position += 1
    }
    return found
  }

  /// Delivers the last line when the input does not end with a terminator.
  mutating func finish(_ body: (Line) -> Void) {
    if !pending.isEmpty && !discarding {
      deliverPending(body)
    }
    pending.removeAll()
    discarding = false
    skipLeadingLF = false
  }

  private mutating func split(
    _ data: UnsafeBufferPointer<UInt8>, _ lineFeeds: UnsafeBufferPointer<UInt32>?,
    _ body: (Line) -> Void
  ) {
    let count = data.count
    guard count > 0 else { return }
    var position = 0
    if skipLeadingLF {
      skipLeadingLF = false
      if data[0] == 0x0A { position = 1 }
    }
    for index in cursors.indices { cursors[index] = -1 }
    nearestNeedle = -1
    // The next LF at or after `from`: from the given offsets, or searched.
    var feedIndex = 0
    @inline(__always) func lineFeed(from: Int) -> Int {
      guard let lineFeeds else {
        return ByteSearch.index(of: 0x0A, in: data, from: from, to: count)
      }
      while feedIndex < lineFeeds.count, Int(lineFeeds[feedIndex] & Mark.offset) < from {
        feedIndex += 1
      }
      return feedIndex < lineFeeds.count ? Int(lineFeeds[feedIndex] & Mark.offset) : count
    }
    var nextLF = lineFeed(from: position)
    // The next CR at or after `position` and before `nextLF`, or `nextLF` when there is none
    // (`min(nextLF, nextCR)` is then the line's end all the same): searched only when a line
    // needs it, since a marked LF says whether its text holds one (``Mark/carriageReturn``),
    // and no further than the line's LF.
    var nextCR = -1
    @inline(__always) func carriageReturn(from: Int) -> Int {
      splitsOnLoneCR ? ByteSearch.index(of: 0x0D, in: data, from: from, to: nextLF) : count
    }

    // A line begun in an earlier chunk: gather it up to its end.
    if !pending.isEmpty || discarding {
      nextCR = carriageReturn(from: position)
      let end = min(nextLF, nextCR)
      if !discarding {
        let room = maximumLineLength - pending.count
        pending.append(contentsOf: data.slice(position, min(end, position + room)))
        if end - position > room {
          deliverPending(body, cut: true)
          discarding = true
        }
      }
      if end == count { return }
      if discarding {
        discarding = false
      } else {
        deliverPending(body)
      }
      position = afterTerminator(data, end)
    }

    // A marked LF whose text is one line: no CR in it that ends a line.
    let wholeLine = splitsOnLoneCR ? Mark.marked | Mark.carriageReturn : Mark.marked
    while position < count {
      if nextLF < position {
        nextLF = lineFeed(from: position)
      }
      if let lineFeeds, nextLF < count, lineFeeds[feedIndex] & wholeLine == Mark.marked,
        nextLF - position <= maximumLineLength,
        position == (feedIndex == 0 ? 0 : Int(lineFeeds[feedIndex - 1] & Mark.offset) + 1)
      {
        // The whole text before the LF, whose needles the read-ahead marked, and the lines
        // after it that are so too.
        feedIndex = deliverMarked(
          data, lineFeeds, from: feedIndex, start: position, wholeLine, body)
        position = Int(lineFeeds[feedIndex - 1] & Mark.offset) + 1
        continue
      }
      if nextCR < position {
        nextCR = carriageReturn(from: position)
      }
      let end = min(nextLF, nextCR)
      if end == count {
        // The last line of the chunk continues in the next one.
        if count - position > maximumLineLength {
          deliver(data, position, position + maximumLineLength, cut: true, body)
          discarding = true
        } else {
          pending.append(contentsOf: data.slice(position, count))
        }
        return
      }
      if end - position > maximumLineLength {
        deliver(data, position, position + maximumLineLength, cut: true, body)
      } else {
        deliver(data, position, end, cut: false, body)
      }
      position = afterTerminator(data, end)
    }
  }

  /// Delivers a run of lines whose LFs the read-ahead marked, and returns the index after
  /// the last LF delivered.
  ///
  /// The first line ends at the marked LF `lineFeeds[index]`, starts at `start` and is the
  /// whole text before that LF. Each following line is delivered while its mark, masked by
  /// `wholeLine`, is ``Mark/marked`` alone (no CR that ends a line) and the line is no longer
  /// than the maximum: one load and three tests a line, with no search.
  @inline(__always)
  private mutating func deliverMarked(
    _ data: UnsafeBufferPointer<UInt8>, _ lineFeeds: UnsafeBufferPointer<UInt32>,
    from index: Int, start: Int, _ wholeLine: UInt32, _ body: (Line) -> Void
  ) -> Int {
    let base = data.baseAddress.unsafelyUnwrapped
    var index = index
    var start = start
    var number = nextLineNumber
    var mark = lineFeeds[index]
    // Held in locals (registers), and the counters wrap-free by construction (an index below
    // `lineFeeds.count`, a line number below the bytes read): the loop is per line.
    let feedCount = lineFeeds.count
    let dataCount = data.count
    let limit = UInt(bitPattern: maximumLineLength)
    while true {
      let end = Int(mark & Mark.offset)
      // Within the chunk: past it is the next slot of a read-ahead ring, which the other
      // thread may be writing.
      runlens_prefetch(base + min(end &+ LineSplitter.prefetchDistance, dataCount &- 1))
      body(
        Line(
          bytes: UnsafeBufferPointer(start: base + start, count: end &- start), number: number,
          wasCut: false, needles: (mark >> Mark.needleShift) & Mark.needleBits,
          startsWithRunnerTimestamp: mark & Mark.runnerTimestamp != 0))
      number &+= 1
      start = end &+ 1
      index &+= 1
      guard index < feedCount else { break }
      mark = lineFeeds[index]
      let next = Int(mark & Mark.offset)
      // Unsigned, so that an offset out of order also ends the run.
      guard mark & wholeLine == Mark.marked, next < dataCount,
        UInt(bitPattern: next &- start) <= limit
      else { break }
    }
    nextLineNumber = number
    return index
  }

  /// How ``markNeedles(_:in:lineFeeds:count:timestamps:letters:)`` marks an LF offset with the
  /// needles of the text that the LF ends (from the previous LF, or the chunk's start): the
  /// offset in the low 24 bits, needle `i` in bit `24 + i`, bit 28 when the text starts with a
  /// runner timestamp, bit 29 when it holds a CR, bit 30 when it holds none of the letters,
  /// and bit 31 set.
  enum Mark {
    static let offset: UInt32 = 0x00FF_FFFF
    static let needleShift: UInt32 = 24
    /// The needles' bits and ``withoutLetters``, once shifted down by ``needleShift``.
    static let needleBits: UInt32 = 0x4F
    static let withoutLetters: UInt32 = 1 << 30
    static let runnerTimestamp: UInt32 = 1 << 28
    static let carriageReturn: UInt32 = 1 << 29
    static let marked: UInt32 = 1 << 31
  }

  /// Marks each LF offset of a chunk with the needles that occur in the text it ends, whether
  /// the text holds a CR, and optionally whether it starts with a runner timestamp.
  ///
  /// A reader on another thread (the CLI's read-ahead) so takes this search off the parsing
  /// thread. The splitter uses a mark only for a line that is that whole text (not one cut at
  /// a CR, or continued from the previous chunk).
  ///
  /// - Parameters:
  ///   - needles: At most four needles, as the splitter was made with.
  ///   - bytes: A chunk shorter than 16 MiB.
  ///   - lineFeeds: The chunk's LF offsets (``lineFeeds(in:into:dense:)``), marked in place.
  ///   - count: How many there are.
  ///   - timestamps: Whether to test each text for a runner timestamp (bit 28).
  ///   - letters: Bytes whose absence from a text is marked (bit 30; none: the bit stays
  ///     clear). A reader that strips escape sequences before it looks for needles learns so
  ///     that no needle can appear in the stripped text, when every needle holds a letter.
  static func markNeedles(
    _ needles: [Needle], in bytes: UnsafeBufferPointer<UInt8>,
    lineFeeds: UnsafeMutablePointer<UInt32>, count: Int, timestamps: Bool = false,
    letters: [UInt8] = []
  ) {
    precondition(needles.count <= 4 && bytes.count <= Int(Mark.offset))
    for index in 0..<count { lineFeeds[index] |= Mark.marked }
    // The texts that hold a CR, which the splitter does not take whole.
    markTexts(
      holding: Needle([0x0D], anchor: 0), with: Mark.carriageReturn, in: bytes,
      lineFeeds: lineFeeds, count: count)
    if timestamps {
      markTimestamps(in: bytes, lineFeeds: lineFeeds, count: count)
    }
    for (bit, needle) in needles.enumerated() {
      markTexts(
        holding: needle, with: 1 << (Mark.needleShift + UInt32(bit)), in: bytes,
        lineFeeds: lineFeeds, count: count)
    }
    guard !letters.isEmpty else { return }
    // Each text that holds a letter, then every bit flipped.
    for letter in letters {
      markTexts(
        holding: Needle([letter], anchor: 0), with: Mark.withoutLetters, in: bytes,
        lineFeeds: lineFeeds, count: count)
    }
    for index in 0..<count { lineFeeds[index] ^= Mark.withoutLetters }
  }

  /// Sets `flag` in each LF offset whose text (from the previous LF, or the chunk's start)
  /// holds `needle`.
  ///
  /// Each search starts after the last text found, so a text is found once however often it
  /// holds the needle. A needle after the last LF is in a line that the next chunk ends, and
  /// is not marked.
  private static func markTexts(
    holding needle: Needle, with flag: UInt32, in bytes: UnsafeBufferPointer<UInt8>,
    lineFeeds: UnsafeMutablePointer<UInt32>, count: Int
  ) {
    var segment = 0
    var from = 0
    needle.bytes.withUnsafeBufferPointer { needleBytes in
      while from < bytes.count {
        let at = ByteSearch.index(
          of: needleBytes, anchor: needle.anchor, in: bytes, from: from, to: bytes.count)
        if at == bytes.count { break }
        while segment < count, Int(lineFeeds[segment] & Mark.offset) < at { segment += 1 }
        if segment == count { break }
        lineFeeds[segment] |= flag
        from = Int(lineFeeds[segment] & Mark.offset) + 1
      }
    }
  }

  /// Sets bit 28 (``Mark/runnerTimestamp``) of each LF offset whose text (from the previous
  /// LF, or the chunk's start) starts with a runner timestamp.
  ///
  /// - Parameters:
  ///   - bytes: A chunk shorter than 16 MiB.
  ///   - lineFeeds: The chunk's LF offsets, marked or not.
  ///   - count: How many there are.
  static func markTimestamps(
    in bytes: UnsafeBufferPointer<UInt8>, lineFeeds: UnsafeMutablePointer<UInt32>, count: Int
  ) {
    guard let base = bytes.baseAddress else { return }
    var start = 0
    for index in 0..<count {
      let end = Int(lineFeeds[index] & Mark.offset)
      if end - start >= 29, LogTime.isRunnerTimestamp(base + start) {
        lineFeeds[index] |= Mark.runnerTimestamp
      }
      start = end + 1
    }
  }

  /// The index after the terminator at `end`, remembering a CR that ends the chunk.
  @inline(__always)
  private mutating func afterTerminator(_ data: UnsafeBufferPointer<UInt8>, _ end: Int) -> Int {
    guard data[end] == 0x0D else { return end + 1 }
    if end + 1 == data.count {
      skipLeadingLF = true
      return end + 1
    }
    return data[end + 1] == 0x0A ? end + 2 : end + 1
  }

  @inline(__always)
  private mutating func deliver(
    _ data: UnsafeBufferPointer<UInt8>, _ start: Int, _ end: Int, cut: Bool, _ body: (Line) -> Void
  ) {
    var found: UInt32 = 0
    if nearestNeedle < end {
      found = needlesBetween(data, start, end)
    }
    body(Line(bytes: data.slice(start, end), number: nextLineNumber, wasCut: cut, needles: found))
    nextLineNumber += 1
  }

  /// Advances stale cursors and reports the needles that occur in `data[start..<end]`.
  private mutating func needlesBetween(_ data: UnsafeBufferPointer<UInt8>, _ start: Int, _ end: Int)
    -> UInt32
  {
    var found: UInt32 = 0
    var nearest = Int.max
    for index in needles.indices {
      if cursors[index] < start {
        let needle = needles[index]
        let at = needle.bytes.withUnsafeBufferPointer { bytes in
          ByteSearch.index(of: bytes, anchor: needle.anchor, in: data, from: start, to: data.count)
        }
        cursors[index] = at == data.count ? Int.max : at
      }
      let at = cursors[index]
      if at < end && at + needles[index].bytes.count <= end { found |= 1 << UInt32(index) }
      nearest = min(nearest, at >= end ? at : end)
    }
    nearestNeedle = nearest
    return found
  }

  /// Delivers the gathered line; its needles are searched in it directly.
  private mutating func deliverPending(_ body: (Line) -> Void, cut: Bool = false) {
    pending.withUnsafeBufferPointer { line in
      var found: UInt32 = 0
      for (index, needle) in needles.enumerated() {
        let at = needle.bytes.withUnsafeBufferPointer { bytes in
          ByteSearch.index(of: bytes, anchor: needle.anchor, in: line, from: 0, to: line.count)
        }
        if at < line.count { found |= 1 << UInt32(index) }
      }
      body(Line(bytes: line, number: nextLineNumber, wasCut: cut, needles: found))
    }
    nextLineNumber += 1
    pending.removeAll(keepingCapacity: pending.capacity <= 1 << 16)
  }
}
