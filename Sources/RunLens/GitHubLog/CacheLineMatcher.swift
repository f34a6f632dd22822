/// Recognises the lines that cache actions and the `@actions/cache` toolkit print.
///
/// The texts come from the actions' sources (actions/cache `restoreImpl.ts`/`saveImpl.ts`,
/// the toolkit's `cache.ts`, nix-community/cache-nix-action v5–v7, Swatinem/rust-cache v2);
/// the README's "Input formats" section lists them. Matching is by prefix on the message
/// (after the timestamp), dispatched on the first byte, so a line that is none of them costs
/// one comparison.
enum CacheLineMatcher {
  /// What a line that is followed by its value on the next line announces.
  enum Follow: Hashable {
    /// cache-nix-action prints its prefixes as a JSON array on the next line.
    case nixPrefixes
    /// rust-cache prints `Restore Key:` and the key indented on the next line.
    case rustRestoreKey
  }

  /// A recognised line.
  struct Match {
    var line: CacheLine?
    var expects: Follow?
  }

  /// Whether a line starting with `byte` can be one the matcher knows: most output lines start
  /// with something else and skip the call.
  @inline(__always)
  static func mayStart(_ byte: UInt8) -> Bool {
    switch byte {
    case UInt8(ascii: "C"), UInt8(ascii: "R"), UInt8(ascii: "S"), UInt8(ascii: "F"),
      UInt8(ascii: "N"),
      UInt8(ascii: "T"), UInt8(ascii: "M"), UInt8(ascii: "U"), UInt8(ascii: "."), UInt8(ascii: "["):
      return true
    default:
      return false
    }
  }

  /// Recognises `bytes`, a message without timestamp and colour codes.
  ///
  /// - Parameters:
  ///   - bytes: The message; must not be empty.
  ///   - decode: Turns extracted bytes into text (repairing invalid UTF-8).
  /// - Returns: The match, or `nil` for any other line.
  static func match(
    _ bytes: UnsafeBufferPointer<UInt8>, decode: (UnsafeBufferPointer<UInt8>) -> String
  ) -> Match? {
    func after(_ prefix: StaticString) -> UnsafeBufferPointer<UInt8> {
      bytes.dropping(prefix.utf8CodeUnitCount).trimmingSpaces()
    }
    func text(_ prefix: StaticString) -> String { decode(after(prefix)) }
    func quoted(_ prefix: StaticString) -> String { decode(firstQuoted(after(prefix))) }
    func found(_ line: CacheLine) -> Match { Match(line: line, expects: nil) }
    let has = { (prefix: StaticString) in ByteSearch.hasPrefix(bytes, prefix) }

    // Most lines are none of these: a second-byte test rejects them before any comparison.
    guard bytes.count >= 8, let pair = Pair(rawValue: UInt16(bytes[0]) << 8 | UInt16(bytes[1]))
    else {
      return nil
    }
    switch pair {
    case .ca, .co, .cu:
      if has("Cache hit for restore-key: ") {
        return found(.toolkitRestoreKeyHit(text("Cache hit for restore-key: ")))
      }
      if has("Cache hit for: ") { return found(.toolkitHit(text("Cache hit for: "))) }
      if has("Cache hit occurred on the primary key ") {
        var key = after("Cache hit occurred on the primary key ")
        if let end = ByteSearch.firstIndex(of: ", not saving cache", in: key) {
          key = key.slice(0, end)
        }
        return found(.savePrimaryHit(decode(key)))
      }
      if has("Cache hit occurred on the \"primary-key\"") { return found(.nixNotSaving) }
      if has("Cache restored from key: ") {
        return found(.restoredFromKey(text("Cache restored from key: ")))
      }
      if has("Cache found and can be restored from key: ") {
        return found(.foundRestorable(text("Cache found and can be restored from key: ")))
      }
      if has("Cache not found for input keys: ") {
        return found(.notFound(keyList(after("Cache not found for input keys: "), decode)))
      }
      if has("Cache not found for keys: ") {
        return found(.notFound(keyList(after("Cache not found for keys: "), decode)))
      }
      if has("Cache Size: "), let size = parenthesisedBytes(bytes) { return found(.size(size)) }
      if has("Cache saved with key: ") {
        return found(.savedWithKey(text("Cache saved with key: ")))
      }
      if has("Cache saved with the key: ") {
        return found(.savedWithKey(text("Cache saved with the key: ")))
      }
      if has("Cache saved successfully") { return found(.savedSuccessfully) }
      if has("Cache up-to-date.") { return found(.rustUpToDate) }
      if has("Cache save failed") {
        return found(.saveFailed(decode(bytes), key: nil, reservation: false))
      }
      if has("Cache reservation failed") {
        return found(.saveFailed(decode(bytes), key: nil, reservation: true))
      }
      if has("Could not find a cache with the given") { return found(.nixPrimaryNotFound) }
      if has("Could not find a cache.") { return found(.nixNotFound) }
      if has("Could not save the new cache") { return found(.nixSaveFailed) }
      if has("Collecting garbage.") { return found(.nixCollectingGarbage) }
      if has("Current store size in bytes: "),
        let size = leadingNumber(after("Current store size in bytes: "))
      {
        return found(.nixStoreSize(size))
      }
    case .re:
      if has("Received "), let (done, total) = progress(after("Received ")) {
        return found(.received(done, of: total))
      }
      if has("Restored from cache key \"") {
        let rest = bytes.dropping(23)
        return found(
          .rustRestored(
            decode(firstQuoted(rest)),
            fullMatch: ByteSearch.firstIndex(of: "full match: true", in: rest) != nil))
      }
      if has("Restoring a cache with the key ") {
        return found(.nixRestoring(quoted("Restoring a cache with the key ")))
      }
      if has("Restore Key:"), after("Restore Key:").isEmpty {
        return Match(line: nil, expects: .rustRestoreKey)
      }
    case .se, .sa:
      if has("Sent "), let (done, total) = progress(after("Sent ")) {
        return found(.sent(done, of: total))
      }
      if has("Searching for a cache with the key ") {
        return found(.nixSearching(quoted("Searching for a cache with the key ")))
      }
      if has("Searching for a cache using the \"restore-prefixes-first-match\"") {
        return Match(line: nil, expects: .nixPrefixes)
      }
      if has("Saving a new cache with the key ") {
        return found(.nixSaving(quoted("Saving a new cache with the key ")))
      }
      if has("Saved the new cache") || has("Saved a new cache") { return found(.nixSaved) }
    case .fo, .fa:
      if has("Found a cache with the given \"primary-key\"") { return found(.nixFoundPrimary) }
      if has("Found a cache using the \"restore-prefixes-first-match\"") {
        return found(.nixFoundPrefix)
      }
      if has("Found cache key \"") {
        // rust-cache lookup-only: `Found cache key "K" full match: BOOL.`
        let rest = bytes.dropping(15)
        return found(
          .rustRestored(
            decode(firstQuoted(rest)),
            fullMatch: ByteSearch.firstIndex(of: "full match: true", in: rest) != nil))
      }
      if has("Failed to save: ") { return found(saveFailure(after("Failed to save: "), decode)) }
      if has("Failed to restore the cache") { return found(.nixRestoreFailed) }
      if has("Failed to restore cache entry.") {
        let rest = bytes.dropping(30)
        if let at = ByteSearch.firstIndex(of: "Input key: ", in: rest) {
          return found(.notFound([decode(rest.dropping(at + 11).trimmingSpaces())]))
        }
        return found(.notFound([]))
      }
      if has("Failed to restore: ") { return found(.restoreFailed(text("Failed to restore: "))) }
    case .no:
      if has("No cache found.") { return found(.rustNoCacheFound) }
      if has("Not saving a new cache") { return found(.nixNotSaving) }
    case .tr:
      if has("Trying to save a new cache with the key ") {
        return found(.nixTryingToSave(quoted("Trying to save a new cache with the key ")))
      }
    case .ma:
      if has("Maximum allowed store size in bytes: "),
        let size = leadingNumber(after("Maximum allowed store size in bytes: "))
      {
        return found(.nixMaxStoreSize(size))
      }
    case .un:
      if has("Unable to reserve cache") || has("Unable to finalize cache") {
        return found(saveFailure(bytes, decode))
      }
    case .dots:
      if has("... Saving cache ...") { return found(.rustSaving) }
    case .warning:
      // actions/cache writes some warnings as `[warning]…` through `core.info`.
      if has("[warning]"), bytes.count > 9 { return match(bytes.dropping(9), decode: decode) }
    }
    return nil
  }

  /// The first two bytes of every line the matcher knows.
  private enum Pair: UInt16 {
    case ca = 0x4361  // "Ca": Cache …
    case co = 0x436F  // "Co": Could not …, Collecting garbage.
    case cu = 0x4375  // "Cu": Current store size …
    case re = 0x5265  // "Re": Received, Restored, Restoring, Restore Key:
    case se = 0x5365  // "Se": Sent, Searching …
    case sa = 0x5361  // "Sa": Saving, Saved
    case fo = 0x466F  // "Fo": Found …
    case fa = 0x4661  // "Fa": Failed …
    case no = 0x4E6F  // "No": No cache found., Not saving …
    case tr = 0x5472  // "Tr": Trying to save …
    case ma = 0x4D61  // "Ma": Maximum allowed store size …
    case un = 0x556E  // "Un": Unable to reserve/finalize …
    case dots = 0x2E2E  // "..": rust-cache's ... Saving cache ...
    case warning = 0x5B77  // "[w": [warning]…
  }

  private static func saveFailure(
    _ message: UnsafeBufferPointer<UInt8>, _ decode: (UnsafeBufferPointer<UInt8>) -> String
  ) -> CacheLine {
    let reservation =
      ByteSearch.firstIndex(of: "Unable to reserve cache", in: message) != nil
      || ByteSearch.firstIndex(of: "another job may be", in: message) != nil
    var key: String?
    if let at = ByteSearch.firstIndex(of: "cache with key ", in: message) {
      var rest = message.dropping(at + 15)
      if let end = ByteSearch.firstIndex(of: ", another job", in: rest) {
        rest = rest.slice(0, end)
      }
      key = decode(rest.trimmingSpaces())
    }
    return .saveFailed(decode(message), key: key, reservation: reservation)
  }

  /// The text between the first pair of double quotes, or the whole text.
  static func firstQuoted(_ bytes: UnsafeBufferPointer<UInt8>) -> UnsafeBufferPointer<UInt8> {
    guard let open = bytes.firstIndex(of: UInt8(ascii: "\"")) else { return bytes }
    let rest = bytes.dropping(open + 1)
    guard let close = rest.firstIndex(of: UInt8(ascii: "\"")) else { return rest }
    return rest.slice(0, close)
  }

  /// `A, B, C` as keys (keys cannot contain commas).
  private static func keyList(
    _ bytes: UnsafeBufferPointer<UInt8>, _ decode: (UnsafeBufferPointer<UInt8>) -> String
  ) -> [String] {
    bytes.split(separator: UInt8(ascii: ",")).map {
      decode(UnsafeBufferPointer(rebasing: $0).trimmingSpaces())
    }.filter { !$0.isEmpty }
  }

  /// The digits at the start of `bytes`.
  static func leadingNumber(_ bytes: UnsafeBufferPointer<UInt8>) -> Int64? {
    var value: Int64 = 0
    var digits = 0
    for byte in bytes {
      guard byte &- 48 < 10 else { break }
      let (product, overflow) = value.multipliedReportingOverflow(by: 10)
      guard !overflow else { return nil }
      value = product + Int64(byte &- 48)
      digits += 1
    }
    return digits == 0 ? nil : value
  }

  /// `N` of `… (N B)`, as in `Cache Size: ~999 MB (1047529213 B)`.
  private static func parenthesisedBytes(_ bytes: UnsafeBufferPointer<UInt8>) -> Int64? {
    guard let open = bytes.firstIndex(of: UInt8(ascii: "(")) else { return nil }
    return leadingNumber(bytes.dropping(open + 1))
  }

  /// `A of B` at the start of a `Received`/`Sent` line.
  private static func progress(_ bytes: UnsafeBufferPointer<UInt8>) -> (Int64, Int64)? {
    guard let done = leadingNumber(bytes), let of = ByteSearch.firstIndex(of: " of ", in: bytes),
      let total = leadingNumber(bytes.dropping(of + 4))
    else { return nil }
    return (done, total)
  }
}

/// Reads the one JSON shape cache-nix-action prints: a flat array of strings.
enum JSONStrings {
  /// The strings of `["a","b"]`; escapes `\"`, `\\`, `\/`, `\n`, `\t` and `\uXXXX` are decoded.
  static func parseArray(_ bytes: UnsafeBufferPointer<UInt8>) -> [String] {
    var result: [String] = []
    var index = 0
    var current: [UInt8] = []
    var inString = false
    while index < bytes.count {
      let byte = bytes[index]
      if inString {
        if byte == UInt8(ascii: "\\"), index + 1 < bytes.count {
          index += 1
          switch bytes[index] {
          case UInt8(ascii: "n"): current.append(0x0A)
          case UInt8(ascii: "t"): current.append(0x09)
          case UInt8(ascii: "u") where index + 4 < bytes.count:
            let hex = String(decoding: bytes.slice(index + 1, index + 5), as: UTF8.self)
            if let scalar = UInt32(hex, radix: 16).flatMap(Unicode.Scalar.init) {
              current.append(contentsOf: Array(String(Character(scalar)).utf8))
            }
            index += 4
          default: current.append(bytes[index])
          }
        } else if byte == UInt8(ascii: "\"") {
          result.append(String(decoding: current, as: UTF8.self))
          current.removeAll()
          inString = false
        } else {
          current.append(byte)
        }
      } else if byte == UInt8(ascii: "\"") {
        inString = true
      }
      index += 1
    }
    return result
  }
}

/// Removes ANSI escape sequences, also when ESC is written in caret notation (`^[`).
enum ANSI {
  /// Appends `bytes` without escape sequences to `output`.
  ///
  /// Runs between escapes are copied whole; ESC is found with `memchr`.
  static func strip(_ bytes: UnsafeBufferPointer<UInt8>, into output: inout [UInt8]) {
    var index = 0
    let count = bytes.count
    while index < count {
      let escape = ByteSearch.index(of: 0x1B, in: bytes, from: index, to: count)
      let caret = ByteSearch.index(of: UInt8(ascii: "^"), in: bytes, from: index, to: escape)
      var next = min(escape, caret)
      var start: Int?
      while next < count {
        if bytes[next] == 0x1B {
          start = next + 1
          break
        }
        if next + 2 < count, bytes[next + 1] == UInt8(ascii: "["),
          bytes[next + 2] == UInt8(ascii: "[")
        {
          start = next + 2
          break
        }
        // A `^` that does not start `^[[`: keep looking after it.
        let again = ByteSearch.index(of: UInt8(ascii: "^"), in: bytes, from: next + 1, to: escape)
        next = min(escape, again)
      }
      output.append(contentsOf: bytes.slice(index, next))
      guard let sequence = start else { return }
      if sequence < count, bytes[sequence] == UInt8(ascii: "[") {
        // CSI: parameters and intermediates, then one final byte in 0x40...0x7E.
        var end = sequence + 1
        while end < count, !(0x40...0x7E).contains(bytes[end]) { end += 1 }
        index = min(end + 1, count)
      } else if sequence < count, bytes[sequence] == UInt8(ascii: "]") {
        // OSC (a window title, a hyperlink): up to BEL or ESC \.
        var end = sequence + 1
        while end < count, bytes[end] != 0x07,
          !(bytes[end] == 0x1B && end + 1 < count && bytes[end + 1] == 0x5C)
        {
          end += 1
        }
        index = end < count && bytes[end] == 0x1B ? end + 2 : min(end + 1, count)
      } else {
        // Another escape: drop ESC and the byte after it.
        index = min(sequence + 1, count)
      }
    }
  }
}
