/// The anatomy of cache keys: segments split on `-`, and which segments differ between two
/// keys (the primary key and the key a fallback restored, or the keys of two runs).
///
/// Keys are written by people (`nix-v3-deps-{flake16}-{cargo16}-{OS}-{rust}-{test-type}`,
/// `Linux-cargo-{hashFiles(...)}`), so the split is the one convention they share: `-`.
/// Segments are compared position by position; a key with fewer segments has `nil` there.
/// A segment is *hash-like* when it has at least 8 characters, all hexadecimal, or at least
/// 20 letters and digits with both present (base-32 store hashes, base-64 digests).
public enum KeyAnatomy {
  /// One segment that differs.
  public struct Difference: Sendable, Hashable, Codable {
    /// The segment's 0-based position.
    public var index: Int
    /// The segment in the first key (the primary key), `nil` past its end.
    public var primary: String?
    /// The segment in the second key (the restored key), `nil` past its end.
    public var restored: String?
    /// Whether either side looks like a hash of files.
    public var isHashLike: Bool
  }

  /// The segments of a key.
  public static func segments(_ key: String) -> [Substring] {
    key.split(separator: "-", omittingEmptySubsequences: false)
  }

  /// The differing segments of two keys, in order.
  public static func diff(_ primary: String, _ restored: String) -> [Difference] {
    // Keys are ASCII but for rare exceptions; there a `-` byte is a `-` character and equal
    // bytes are equal strings, so the segments are compared as bytes and only the ones that
    // differ become strings (a report of many jobs diffs every fallback's keys).
    asciiDiff(primary, restored) ?? characterDiff(primary, restored)
  }

  /// ``diff(_:_:)`` on the keys' `Character`s, for any key.
  static func characterDiff(_ primary: String, _ restored: String) -> [Difference] {
    let left = segments(primary)
    let right = segments(restored)
    return (0..<max(left.count, right.count)).compactMap { index in
      let a = index < left.count ? String(left[index]) : nil
      let b = index < right.count ? String(right[index]) : nil
      guard a != b else { return nil }
      return Difference(
        index: index, primary: a, restored: b,
        isHashLike: (a.map(isHashLike) ?? false) || (b.map(isHashLike) ?? false))
    }
  }

  /// ``diff(_:_:)`` for two ASCII keys, on their bytes; `nil` when either is not ASCII (the
  /// `Character` split then decides, as a combining mark can join a `-`).
  static func asciiDiff(_ primary: String, _ restored: String) -> [Difference]? {
    var primary = primary
    var restored = restored
    return primary.withUTF8 { left in
      restored.withUTF8 { right -> [Difference]? in
        guard left.allSatisfy({ $0 < 0x80 }), right.allSatisfy({ $0 < 0x80 }) else {
          return nil
        }
        // The segment that starts at `start`, and the next one's start; `nil` past the end.
        func segment(_ bytes: UnsafeBufferPointer<UInt8>, from start: Int?) -> (
          bytes: UnsafeBufferPointer<UInt8>, next: Int?
        )? {
          guard let start else { return nil }
          let end = bytes[start...].firstIndex(of: UInt8(ascii: "-")) ?? bytes.count
          return (
            UnsafeBufferPointer(rebasing: bytes[start..<end]), end < bytes.count ? end + 1 : nil
          )
        }
        var differences: [Difference] = []
        var a: Int? = 0
        var b: Int? = 0
        var index = 0
        while a != nil || b != nil {
          let aSegment = segment(left, from: a)
          let bSegment = segment(right, from: b)
          var same = false
          if let aSegment, let bSegment { same = aSegment.bytes.elementsEqual(bSegment.bytes) }
          if !same {
            let aText = aSegment.map { String(decoding: $0.bytes, as: UTF8.self) }
            let bText = bSegment.map { String(decoding: $0.bytes, as: UTF8.self) }
            differences.append(
              Difference(
                index: index, primary: aText, restored: bText,
                isHashLike: (aText.map(isHashLike) ?? false) || (bText.map(isHashLike) ?? false)))
          }
          a = aSegment?.next
          b = bSegment?.next
          index += 1
        }
        return differences
      }
    }
  }

  /// Whether a segment looks like a hash.
  ///
  /// Eight or more hex digits, or twenty or more ASCII letters and digits with at least one
  /// of each. Tested on the UTF-8 bytes: every byte that passes is ASCII, so a byte is a
  /// character, and a segment with any other byte is not a hash.
  public static func isHashLike(_ segment: String) -> Bool {
    let bytes = segment.utf8
    @inline(__always) func isDigit(_ byte: UInt8) -> Bool { byte &- 0x30 < 10 }
    @inline(__always) func isLetter(_ byte: UInt8) -> Bool { (byte | 0x20) &- 0x61 < 26 }
    if bytes.count >= 8,
      bytes.allSatisfy({ isDigit($0) || (($0 | 0x20) &- 0x61) < 6 })
    {
      return true
    }
    guard bytes.count >= 20, bytes.allSatisfy({ isDigit($0) || isLetter($0) }) else {
      return false
    }
    return bytes.contains(where: isDigit) && bytes.contains(where: isLetter)
  }

  /// A sentence on a set of differences: `segment 4 (a hash) changed: a917c3e0… → d04b7e19…;
  /// the other 7 segments did not`.
  public static func describe(_ differences: [Difference], segmentCount: Int) -> String {
    guard !differences.isEmpty else { return "the keys are equal" }
    let parts = differences.map { difference -> String in
      let kind = difference.isHashLike ? " (a hash)" : ""
      let from = short(difference.primary)
      let to = short(difference.restored)
      return "segment \(difference.index)\(kind) \(from) → \(to)"
    }
    let same = segmentCount - differences.count
    let rest =
      same > 0
      ? "; the other \(same) segment\(same == 1 ? "" : "s") did not change" : ""
    return "changed: " + parts.joined(separator: ", ") + rest
  }

  private static func short(_ segment: String?) -> String {
    guard let segment else { return "(none)" }
    return segment.count > 12 ? String(segment.prefix(8)) + "…" : segment
  }
}

extension CacheRestore {
  /// For a fallback hit, the segments of the restored key that differ from the primary key;
  /// empty otherwise.
  public var keyDiff: [KeyAnatomy.Difference] {
    guard outcome == .fallbackHit, let primaryKey, let restoredKey else { return [] }
    return KeyAnatomy.diff(primaryKey, restoredKey)
  }
}
