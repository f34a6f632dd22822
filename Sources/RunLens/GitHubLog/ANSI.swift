/// Finds and removes ANSI escape sequences, also when ESC is written in caret notation (`^[`).
///
/// A coloured line (`CARGO_TERM_COLOR=always`, Nix, test runners) is first looked at in place
/// (``scan(_:carets:)``): its first plain bytes, its plain length, and whether a needle could
/// span one of its escapes. Only a line that a rule will read is then copied without its
/// escapes (``strip(_:carets:into:)``).
enum ANSI {
  /// The plain bytes ``scan(_:carets:)`` keeps from the start of a line: enough for every
  /// first-bytes test of the parser (cargo's column 12, nextest's column 5, a word's head).
  static let prefixLength = 16

  /// What a scan of a coloured line found, without copying it.
  struct Scan {
    /// The first plain bytes (at most ``prefixLength``), as two little-endian words.
    var prefix: (UInt64, UInt64) = (0, 0)
    /// The number of plain bytes (the length of the line without its escapes), up to
    /// ``ANSI/prefixLength``: a longer line counts that many.
    var plainCount = 0
    /// Whether `Cache Key:`, `CACHE HIT` or `CACHE MISS` may occur in the plain text across
    /// an escape (so that the line's own needle bits do not show it).
    var mayJoinNeedle = false
  }

  /// The next escape sequence at or after `index`: its first byte (ESC or the `^` of `^[[`)
  /// and the index after it; `nil` when the rest of `bytes` is plain.
  ///
  /// ESC is found with `memchr`; a `^` only when `carets` (the line holds `^[`). A CSI runs
  /// to its final byte (0x40...0x7E), an OSC to BEL or ESC `\`, any other escape is two
  /// bytes.
  @inline(__always)
  static func nextSequence(
    _ bytes: UnsafeBufferPointer<UInt8>, from index: Int, carets: Bool
  ) -> (start: Int, end: Int)? {
    let count = bytes.count
    // Escapes often come in pairs (`ESC[1mESC[32m`): the next byte is tested before a call
    // (testing the next word as well costs more than it saves, measured).
    let escape =
      index < count && bytes[index] == 0x1B
      ? index : ByteSearch.index(of: 0x1B, in: bytes, from: index, to: count)
    var sequence = escape
    // The byte after the introducer (ESC, or `^[` of `^[[`).
    var body = -1
    if carets {
      var caret = ByteSearch.index(of: UInt8(ascii: "^"), in: bytes, from: index, to: escape)
      while caret < escape {
        if caret + 2 < count, bytes[caret + 1] == UInt8(ascii: "["),
          bytes[caret + 2] == UInt8(ascii: "[")
        {
          sequence = caret
          body = caret + 2
          break
        }
        // A `^` that does not start `^[[`: keep looking after it.
        caret = ByteSearch.index(of: UInt8(ascii: "^"), in: bytes, from: caret + 1, to: escape)
      }
    }
    if body < 0 {
      guard escape < count else { return nil }
      body = escape + 1
    }
    guard body < count else { return (sequence, count) }
    if bytes[body] == UInt8(ascii: "[") {
      // CSI: parameters and intermediates, then one final byte in 0x40...0x7E.
      var end = body + 1
      while end < count, bytes[end] &- 0x40 > 0x3E { end += 1 }
      return (sequence, min(end + 1, count))
    }
    if bytes[body] == UInt8(ascii: "]") {
      // OSC (a window title, a hyperlink): up to BEL or ESC \.
      var end = body + 1
      while end < count, bytes[end] != 0x07,
        !(bytes[end] == 0x1B && end + 1 < count && bytes[end + 1] == 0x5C)
      {
        end += 1
      }
      return (sequence, end < count && bytes[end] == 0x1B ? end + 2 : min(end + 1, count))
    }
    // Another escape: drop ESC and the byte after it.
    return (sequence, min(body + 1, count))
  }

  /// Appends `bytes` without escape sequences to `output`.
  static func strip(_ bytes: UnsafeBufferPointer<UInt8>, into output: inout [UInt8]) {
    var index = 0
    while let (start, end) = nextSequence(bytes, from: index, carets: true) {
      output.append(contentsOf: bytes.slice(index, start))
      index = end
    }
    output.append(contentsOf: bytes.slice(index, bytes.count))
  }

  /// Writes `bytes` without escape sequences to `output`.
  ///
  /// - Parameters:
  ///   - bytes: A line.
  ///   - carets: Whether `bytes` may hold `^[` (else only ESC starts a sequence).
  ///   - output: Room for `bytes.count` bytes.
  /// - Returns: The number of bytes written.
  static func strip(
    _ bytes: UnsafeBufferPointer<UInt8>, carets: Bool,
    into output: UnsafeMutableBufferPointer<UInt8>
  ) -> Int {
    guard let source = bytes.baseAddress, let base = output.baseAddress else { return 0 }
    let target = UnsafeMutableRawPointer(base)
    var index = 0
    var written = 0
    while let (start, end) = nextSequence(bytes, from: index, carets: carets) {
      (target + written).copyMemory(from: source + index, byteCount: start - index)
      written += start - index
      index = end
    }
    (target + written).copyMemory(from: source + index, byteCount: bytes.count - index)
    return written + bytes.count - index
  }

  /// Looks at the start of a coloured line in place: its first plain bytes, whether it has
  /// as many as ``prefixLength``, and whether a needle may span an escape.
  ///
  /// The escapes are walked only until the prefix is full; a line's decision needs nothing
  /// after it but the needle test. A needle spans an escape only when the plain bytes before
  /// and after it are adjacent bytes of the needle (``NeedleJoin``): one switch on the byte
  /// before each escape walked. For the escapes after the prefix, a needle that spans one
  /// starts with a `C` in the run where the prefix filled or after it (one that started
  /// earlier spans that run's leading escape, whose test flags it), so a line without `C`
  /// there needs no further walk.
  ///
  /// - Parameters:
  ///   - bytes: A line.
  ///   - carets: Whether `bytes` may hold `^[`.
  ///   - mayHoldNeedle: `false` when the line is known to hold none of
  ///     ``GitHubLogParser/Needle/letters`` (each needle that escapes may split holds one):
  ///     then no needle can span an escape, and neither test is made.
  /// - Returns: What the line holds without its escapes; ``Scan/plainCount`` is at most
  ///   ``prefixLength``.
  static func scan(
    _ bytes: UnsafeBufferPointer<UInt8>, carets: Bool, mayHoldNeedle: Bool = true
  ) -> Scan {
    var scan = Scan()
    var index = 0
    var last: Int32 = -1
    // One pass over the runs between escapes, the tail run included (then `end` is the
    // line's end and `next` is past it). No closure: its captured variables would be boxed
    // and checked for exclusive access on every run.
    while true {
      let sequence = nextSequence(bytes, from: index, carets: carets)
      let end = sequence?.start ?? bytes.count
      if end > index {
        if mayHoldNeedle, last >= 0,
          NeedleJoin.mayJoin(UInt8(truncatingIfNeeded: last), bytes[index])
        {
          scan.mayJoinNeedle = true
        }
        let filled = scan.plainCount
        let copied = min(end - index, prefixLength - filled)
        if let source = bytes.baseAddress {
          if copied == prefixLength {
            // A line whose first run fills the prefix (`test … ok`): two loads.
            let raw = UnsafeRawPointer(source + index)
            scan.prefix = (
              raw.loadUnaligned(fromByteOffset: 0, as: UInt64.self),
              raw.loadUnaligned(fromByteOffset: 8, as: UInt64.self)
            )
          } else if index + prefixLength <= bytes.count {
            // Sixteen bytes loaded, cut to the run and shifted to where the prefix stands:
            // no loop per byte (`ESC[32m   Compiling`, `ESC[1mESC[92m  Downloaded`).
            let raw = UnsafeRawPointer(source + index)
            let loaded =
              UInt128(raw.loadUnaligned(fromByteOffset: 8, as: UInt64.self)) &<< 64
              | UInt128(raw.loadUnaligned(fromByteOffset: 0, as: UInt64.self))
            let run = loaded & ((1 &<< UInt128(copied * 8)) &- 1)
            let prefix =
              (UInt128(scan.prefix.1) &<< 64 | UInt128(scan.prefix.0))
              | run &<< UInt128(filled * 8)
            scan.prefix = (
              UInt64(truncatingIfNeeded: prefix), UInt64(truncatingIfNeeded: prefix &>> 64)
            )
          } else {
            withUnsafeMutableBytes(of: &scan.prefix) { prefix in
              let target = prefix.baseAddress.unsafelyUnwrapped.advanced(by: filled)
              for offset in 0..<copied {
                target.storeBytes(
                  of: source[index + offset], toByteOffset: offset, as: UInt8.self)
              }
            }
          }
        }
        scan.plainCount = filled + copied
        if scan.plainCount == prefixLength {
          if mayHoldNeedle, !scan.mayJoinNeedle, sequence != nil {
            scan.mayJoinNeedle =
              ByteSearch.index(of: UInt8(ascii: "C"), in: bytes, from: index, to: bytes.count)
              < bytes.count
          }
          return scan
        }
        last = Int32(bytes[end - 1])
      }
      guard let sequence else { return scan }
      index = sequence.end
    }
  }

  /// The bytes around an escape that let a needle of the parser (`Cache Key:`, `CACHE HIT`,
  /// `CACHE MISS`) span it: the plain byte before it and the one after it must be two
  /// adjacent bytes of a needle.
  enum NeedleJoin {
    static let needles = ["Cache Key:", "CACHE HIT", "CACHE MISS"]
    /// Whether a needle may run from a plain byte `before` an escape to one `after` it: the
    /// adjacent pairs of ``needles``, written out so that the test is a jump on `before` and a
    /// compare or two (a test derives the pairs from ``needles`` and checks every byte pair).
    @inline(__always)
    static func mayJoin(_ before: UInt8, _ after: UInt8) -> Bool {
      switch before {
      case UInt8(ascii: "C"):
        return after == UInt8(ascii: "a") || after == UInt8(ascii: "A")
          || after == UInt8(ascii: "H")
      case UInt8(ascii: "a"): return after == UInt8(ascii: "c")
      case UInt8(ascii: "c"): return after == UInt8(ascii: "h")
      case UInt8(ascii: "h"): return after == UInt8(ascii: "e")
      case UInt8(ascii: "e"): return after == UInt8(ascii: " ") || after == UInt8(ascii: "y")
      case UInt8(ascii: " "):
        return after == UInt8(ascii: "K") || after == UInt8(ascii: "H")
          || after == UInt8(ascii: "M")
      case UInt8(ascii: "K"): return after == UInt8(ascii: "e")
      case UInt8(ascii: "y"): return after == UInt8(ascii: ":")
      case UInt8(ascii: "A"): return after == UInt8(ascii: "C")
      case UInt8(ascii: "H"): return after == UInt8(ascii: "E") || after == UInt8(ascii: "I")
      case UInt8(ascii: "E"): return after == UInt8(ascii: " ")
      case UInt8(ascii: "I"): return after == UInt8(ascii: "T") || after == UInt8(ascii: "S")
      case UInt8(ascii: "M"): return after == UInt8(ascii: "I")
      case UInt8(ascii: "S"): return after == UInt8(ascii: "S")
      default: return false
      }
    }
  }
}
