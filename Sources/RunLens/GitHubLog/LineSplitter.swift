/// Splits a byte stream into lines without holding more than one line.
///
/// Lines end at LF, CRLF or a lone CR. Input arrives in chunks of any size; a line that spans
/// chunks is kept in a buffer until its end arrives. A line longer than `maximumLineLength` is
/// delivered cut to that length (``Line/wasCut``) and the rest of it is skipped, so memory stays
/// bounded whatever the input.
///
/// For each line the splitter also reports which of a few fixed byte strings (needles) occur in
/// it. It finds them with one `memmem` pass over the buffered bytes rather than one search per
/// line, so that a reader can skip most lines after a single byte test.
///
/// - Important: Not thread-safe; one owner feeds it, in order.
struct LineSplitter {
  /// One line, valid only during the callback that receives it.
  struct Line {
    /// The line's bytes without its terminator.
    var bytes: UnsafeBufferPointer<UInt8>
    /// The 1-based line number.
    var number: Int
    /// Whether the line was longer than the maximum and is cut.
    var wasCut: Bool
    /// Bit `i` is set when needle `i` occurs in `bytes`.
    var needles: UInt32
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

  /// The longest line kept, in bytes.
  let maximumLineLength: Int
  /// The most bytes taken from one chunk before its lines are split; bounds the buffer.
  private let sliceLength = 64 * 1024
  private let needles: [Needle]
  private var buffer: [UInt8] = []
  /// Bytes at the start of `buffer` already searched for a terminator.
  private var searched = 0
  /// Skipping the rest of a line that was cut.
  private var discarding = false
  /// The number the next line gets.
  private var nextLineNumber = 1

  /// Creates a splitter.
  ///
  /// - Parameters:
  ///   - maximumLineLength: The longest line kept, in bytes.
  ///   - needles: Up to 32 byte strings to report per line; none may contain CR or LF.
  init(maximumLineLength: Int, needles: [Needle]) {
    precondition(needles.count <= 32 && maximumLineLength > 0)
    self.maximumLineLength = maximumLineLength
    self.needles = needles
  }

  /// A splitter that owns nothing, to stand in while the real one is borrowed.
  static var placeholder: LineSplitter { LineSplitter(maximumLineLength: 1, needles: []) }

  /// The bytes held for a line whose end has not arrived yet.
  var bufferedByteCount: Int { buffer.count }

  /// The number of lines delivered so far.
  var lineCount: Int { nextLineNumber - 1 }

  /// Splits the lines that `chunk` completes and passes each to `body`.
  mutating func feed(_ chunk: some Collection<UInt8>, _ body: (Line) -> Void) {
    let handled: Void? = chunk.withContiguousStorageIfAvailable { storage in
      var offset = 0
      while offset < storage.count {
        let end = min(offset + sliceLength, storage.count)
        buffer.append(contentsOf: UnsafeBufferPointer(rebasing: storage[offset..<end]))
        split(final: false, body)
        offset = end
      }
    }
    if handled == nil {
      var pending: [UInt8] = []
      pending.reserveCapacity(sliceLength)
      for byte in chunk {
        pending.append(byte)
        if pending.count == sliceLength {
          buffer.append(contentsOf: pending)
          pending.removeAll(keepingCapacity: true)
          split(final: false, body)
        }
      }
      buffer.append(contentsOf: pending)
      split(final: false, body)
    }
  }

  /// Delivers the last line when the input does not end with a terminator.
  mutating func finish(_ body: (Line) -> Void) {
    split(final: true, body)
    buffer.removeAll()
    searched = 0
    discarding = false
  }

  private mutating func split(final: Bool, _ body: (Line) -> Void) {
    var storage: [UInt8] = []
    swap(&storage, &buffer)
    let consumed = storage.withUnsafeBufferPointer { splitLines(in: $0, final: final, body) }
    swap(&storage, &buffer)
    if consumed > 0 { buffer.removeSubrange(0..<consumed) }
    searched = max(0, searched - consumed)
  }

  /// Splits the complete lines of `data` and returns how many bytes they used.
  private mutating func splitLines(
    in data: UnsafeBufferPointer<UInt8>, final: Bool, _ body: (Line) -> Void
  ) -> Int {
    let count = data.count
    var start = 0
    var searchFrom = searched
    var nextLF = -1
    var nextCR = -1
    var cursors = [Int](repeating: -1, count: needles.count)
    while start < count {
      if nextLF < searchFrom {
        nextLF = ByteSearch.index(of: 0x0A, in: data, from: searchFrom, to: count)
      }
      if nextCR < searchFrom {
        nextCR = ByteSearch.index(of: 0x0D, in: data, from: searchFrom, to: count)
      }
      var end = min(nextLF, nextCR)
      var next: Int
      if end == count {
        // No terminator yet: keep the partial line unless it is too long or input ended.
        searched = count
        if discarding {
          return count
        }
        if count - start > maximumLineLength {
          deliver(data, start, start + maximumLineLength, cut: true, &cursors, body)
          discarding = !final
          return count
        }
        if final && count > start {
          deliver(data, start, count, cut: false, &cursors, body)
          return count
        }
        return start
      }
      if data[end] == 0x0D {
        if end + 1 == count && !final {
          // A CR at the end of the data may be the first half of CRLF.
          searched = end
          return start
        }
        next = end + 1 < count && data[end + 1] == 0x0A ? end + 2 : end + 1
      } else {
        next = end + 1
      }
      if discarding {
        discarding = false
      } else {
        var cut = false
        if end - start > maximumLineLength {
          end = start + maximumLineLength
          cut = true
        }
        deliver(data, start, end, cut: cut, &cursors, body)
      }
      start = next
      searchFrom = next
    }
    searched = count
    return start
  }

  @inline(__always)
  private mutating func deliver(
    _ data: UnsafeBufferPointer<UInt8>, _ start: Int, _ end: Int, cut: Bool,
    _ cursors: inout [Int], _ body: (Line) -> Void
  ) {
    var found: UInt32 = 0
    for index in 0..<needles.count {
      if cursors[index] < start {
        let needle = needles[index]
        cursors[index] = needle.bytes.withUnsafeBufferPointer { bytes in
          ByteSearch.index(of: bytes, anchor: needle.anchor, in: data, from: start, to: data.count)
        }
      }
      if cursors[index] + needles[index].bytes.count <= end { found |= 1 << UInt32(index) }
    }
    body(Line(bytes: data.slice(start, end), number: nextLineNumber, wasCut: cut, needles: found))
    nextLineNumber += 1
  }
}
