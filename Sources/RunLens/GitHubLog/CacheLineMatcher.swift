// memchr, memcmp and the math functions, from the platform's C library through Foundation.
import Foundation

/// Recognises the lines that cache actions and the `@actions/cache` toolkit print.
///
/// The lines themselves live with their families in `Sources/RunLens/CacheActions/`
/// (``CacheActions/Family``); this is the engine that finds them. Matching is by prefix on the
/// message (after the timestamp). The patterns are kept in one table ordered by first byte,
/// each with its first eight bytes as a masked word: a line is rejected by a table load, and a
/// candidate costs one compare of a word before any byte comparison. No `String` is made until
/// a line has matched.
enum CacheLineMatcher {
  /// A recognised line.
  struct Match {
    /// The cache line, if the line is one by itself.
    var line: CacheLine?
    /// What the next line carries, if the line announces it.
    var expects: CacheActions.FollowUp?

    /// A match that is one cache line.
    static func found(_ line: CacheLine) -> Match { Match(line: line, expects: nil) }

    /// A match that announces a value on the next line.
    static func expecting(_ followUp: CacheActions.FollowUp) -> Match {
      Match(line: nil, expects: followUp)
    }
  }

  /// Every family's patterns, ordered by first byte, with per-first-byte ranges.
  ///
  /// Built once and never freed. Its storage is raw pointers so that reading it copies no
  /// reference (a line that only passes the first-byte test costs no retain or release).
  struct Table: @unchecked Sendable {
    /// `starts[b]..<starts[b + 1]` are the indices of the patterns whose prefix starts with `b`.
    fileprivate let starts: UnsafePointer<Int32>
    /// Each pattern's first eight bytes (fewer for a shorter prefix), little-endian.
    fileprivate let heads: UnsafePointer<UInt64>
    /// Which bits of each head count.
    fileprivate let masks: UnsafePointer<UInt64>
    /// The patterns; within one first byte, in the families' order.
    fileprivate let patterns: UnsafePointer<CacheLinePattern>

    fileprivate init(_ all: [CacheLinePattern]) {
      var byByte = Array(repeating: [CacheLinePattern](), count: 256)
      for pattern in all {
        precondition(!pattern.prefix.isEmpty, "a cache line pattern needs a prefix")
        byByte[Int(pattern.prefix[0])].append(pattern)
      }
      let ordered = byByte.flatMap { $0 }
      let starts = UnsafeMutablePointer<Int32>.allocate(capacity: 257)
      var count: Int32 = 0
      for byte in 0..<256 {
        starts[byte] = count
        count += Int32(byByte[byte].count)
      }
      starts[256] = count
      let heads = UnsafeMutablePointer<UInt64>.allocate(capacity: ordered.count)
      let masks = UnsafeMutablePointer<UInt64>.allocate(capacity: ordered.count)
      let patterns = UnsafeMutablePointer<CacheLinePattern>.allocate(capacity: ordered.count)
      for (index, pattern) in ordered.enumerated() {
        var head: UInt64 = 0
        var mask: UInt64 = 0
        for (offset, byte) in pattern.prefix.prefix(8).enumerated() {
          head |= UInt64(byte) << (8 * UInt64(offset))
          mask |= 0xFF << (8 * UInt64(offset))
        }
        heads[index] = head
        masks[index] = mask
        (patterns + index).initialize(to: pattern)
      }
      self.starts = UnsafePointer(starts)
      self.heads = UnsafePointer(heads)
      self.masks = UnsafePointer(masks)
      self.patterns = UnsafePointer(patterns)
    }
  }

  /// The table of every family's patterns.
  ///
  /// A copy is four pointers: the parser holds one, so that its lines do not go through the
  /// lazy global's initialisation check.
  static let table = Table(CacheActions.Family.patterns)

  /// Whether a line starting with `byte` can be one the matcher knows: most output lines start
  /// with something else and skip the call.
  static func mayStart(_ byte: UInt8) -> Bool {
    let table = Self.table
    return table.starts[Int(byte)] != table.starts[Int(byte) + 1]
  }

  /// Whether a pattern's first eight bytes match the start of a message.
  ///
  /// ``match(_:in:annotated:decode:)`` recognises nothing else; the parser decides on a
  /// coloured line's first plain bytes with this before it copies the line.
  ///
  /// - Parameters:
  ///   - head: The first bytes of the message (at least eight, or the whole message).
  ///   - table: The patterns.
  /// - Returns: Whether a pattern's head matches.
  @inline(__always)
  static func mayMatch(_ head: UnsafeBufferPointer<UInt8>, in table: Table) -> Bool {
    guard let word = ByteSearch.head(head) else { return false }
    let first = Int(head[0])
    var index = Int(table.starts[first])
    let end = Int(table.starts[first + 1])
    while index < end {
      if word & table.masks[index] == table.heads[index] { return true }
      index += 1
    }
    return false
  }

  /// Recognises `bytes`, a message without timestamp and colour codes.
  ///
  /// - Parameters:
  ///   - bytes: The message; must not be empty.
  ///   - table: The patterns (``table``, or the parser's copy of it).
  ///   - annotated: Whether the message is the text of a `##[warning]`-style annotation or
  ///     follows an unwrapped prefix (patterns that count only as plain lines are skipped).
  ///   - decode: Turns extracted bytes into text (repairing invalid UTF-8).
  /// - Returns: The match, or `nil` for any other line.
  @inline(__always)
  static func match(
    _ bytes: UnsafeBufferPointer<UInt8>, in table: Table = table, annotated: Bool = false,
    decode: CacheLinePattern.Decode
  ) -> Match? {
    // Inlined into the parser: an ordinary line is rejected here, without a call. Every known
    // line is at least eight bytes long, so one word load gives the head to compare.
    guard bytes.count >= 8, let base = bytes.baseAddress else { return nil }
    let first = Int(bytes[0])
    var index = Int(table.starts[first])
    let end = Int(table.starts[first + 1])
    guard index < end else { return nil }
    let word = UInt64(littleEndian: UnsafeRawPointer(base).loadUnaligned(as: UInt64.self))
    while index < end {
      if word & table.masks[index] == table.heads[index] {
        return read(
          bytes, candidates: index..<end, word: word, in: table, annotated: annotated,
          decode: decode)
      }
      index += 1
    }
    return nil
  }

  /// Compares the candidates whose head matches in full, and reads the first that fits.
  @inline(never)
  private static func read(
    _ bytes: UnsafeBufferPointer<UInt8>, candidates: Range<Int>, word: UInt64, in table: Table,
    annotated: Bool, decode: CacheLinePattern.Decode
  ) -> Match? {
    guard let base = bytes.baseAddress else { return nil }
    for index in candidates where word & table.masks[index] == table.heads[index] {
      let pattern = table.patterns[index]
      let length = pattern.prefix.count
      if length > 8 {
        guard bytes.count >= length else { continue }
        let same = pattern.prefix.withUnsafeBufferPointer { prefix in
          guard let start = prefix.baseAddress else { return false }
          return memcmp(base + 8, start + 8, length - 8) == 0
        }
        guard same else { continue }
      }
      if pattern.onlyUnannotated, annotated { continue }
      switch pattern.reading {
      case .read(let read):
        if let found = read(CacheLinePattern.Line(bytes: bytes, prefixLength: length), decode) {
          return found
        }
      case .unwrap:
        if bytes.count > length {
          return match(bytes.dropping(length), in: table, annotated: true, decode: decode)
        }
      }
    }
    return nil
  }
}
