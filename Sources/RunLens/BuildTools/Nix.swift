/// Nix's lines about what it will build or fetch, what it built and fetched, and the Magic Nix
/// Cache / FlakeHub Cache throttling responses.
///
/// The lines start with `t` (`these 3 derivations will be built:`), `b` (`building '…'...`),
/// `c` (`copying path '…' from '…'...`), `w`/`e` (`warning: error: unable to download '…':
/// HTTP error 418; …`), `G` (the Magic Nix Cache daemon's `GitHub Actions Cache throttled …`),
/// and two spaces for the entries of the lists. The parser looks at them only in a job that has
/// run a step whose action or command names Nix (``mentionsNix(_:)``), and then only for lines
/// whose first byte is one of ``firstBytes``, so other jobs' lines cost nothing more.
public enum Nix {
  /// One line Nix (or the Magic Nix Cache daemon) printed.
  public enum Line: Sendable, Hashable {
    /// `these N derivations will be built:` (`this derivation …`: 1; `these derivations …`
    /// (Nix ≤ 2.3): `nil`, the entries that follow count).
    case willBuild(count: Int?)
    /// `these N paths will be fetched (X MiB download, Y MiB unpacked):`, sizes in bytes.
    case willFetch(count: Int?, downloadBytes: Int64?, unpackedBytes: Int64?)
    /// `  /nix/store/…`: one entry of the last list.
    case listEntry
    /// `building '/nix/store/…-NAME.drv'...`: NAME, and the line's time.
    case building(name: String, time: LogTime?)
    /// `copying path '/nix/store/…' from 'URI'...`: the substituter that served the path.
    case copying(from: String)
    /// A run of `copying path` lines from one substituter, as the parser reports them: the
    /// substituter and the number of paths.
    case copied(from: String, paths: Int)
    /// `unable to download '…': HTTP error 429` or `418` (the Magic Nix Cache proxy's answer
    /// when the Actions cache throttles it).
    case throttledResponse
    /// `GitHub Actions Cache throttled Magic Nix Cache. Not trying to use it again on this run.`
    case throttledDaemon
  }

  /// Whether this line announces a list without a count (Nix ≤ 2.3), whose entries count.
  static func opensList(_ line: Line) -> Bool {
    switch line {
    case .willBuild(nil), .willFetch(nil, _, _): return true
    default: return false
    }
  }

  /// The first bytes of the lines above.
  static let firstBytes: [UInt8] = Array("tbcweG ".utf8)

  /// The first eight bytes of the lines above as ``ByteSearch/head(_:)`` loads them
  /// (``ByteSearch/word(_:)`` of the text in the comment; a test checks each).
  enum Head {
    /// `these ` (six bytes; ``sixBytes`` masks the rest).
    static let these: UInt64 = 0x0000_2065_7365_6874
    /// `this ` (five bytes; ``fiveBytes`` masks the rest).
    static let this: UInt64 = 0x0000_0020_7369_6874
    /// `building`.
    static let building: UInt64 = 0x676E_6964_6C69_7562
    /// `copying `.
    static let copying: UInt64 = 0x2067_6E69_7970_6F63
    /// `warning:`.
    static let warning: UInt64 = 0x3A67_6E69_6E72_6177
    /// `error: u`.
    static let error: UInt64 = 0x7520_3A72_6F72_7265
    /// `GitHub A`.
    static let gitHub: UInt64 = 0x4120_6275_4874_6947
    /// The mask of a word's first six bytes.
    static let sixBytes: UInt64 = 0x0000_FFFF_FFFF_FFFF
    /// The mask of a word's first five bytes.
    static let fiveBytes: UInt64 = 0x0000_00FF_FFFF_FFFF
  }

  /// Whether a message that does not start with a space may be one of the lines above.
  ///
  /// One load of its first eight bytes and a compare or two, before ``read(_:time:decode:)``
  /// searches anything. The many lines that start like Nix's (`test …`, `cache …`,
  /// `warning: unused …`) cost no more.
  @inline(__always)
  static func isCandidate(_ bytes: UnsafeBufferPointer<UInt8>) -> Bool {
    guard bytes.count > 8, let head = ByteSearch.head(bytes) else { return false }
    switch UInt8(truncatingIfNeeded: head) {
    case UInt8(ascii: "t"):
      return head & Head.sixBytes == Head.these || head & Head.fiveBytes == Head.this
    case UInt8(ascii: "b"): return head == Head.building
    case UInt8(ascii: "c"): return head == Head.copying
    case UInt8(ascii: "w"): return head == Head.warning
    case UInt8(ascii: "e"): return head == Head.error
    case UInt8(ascii: "G"): return head == Head.gitHub
    default: return false
    }
  }

  /// Whether a step's action or command names Nix: Nix's lines are read from then on.
  static func mentionsNix(_ text: String) -> Bool {
    DecimalBytes.mentions(text, "nix")
  }

  /// Reads one line (without timestamp and colour codes); `nil` for any other line.
  ///
  /// - Parameters:
  ///   - bytes: The message.
  ///   - time: The line's time.
  ///   - decode: Turns extracted bytes into text.
  /// - Returns: The line, or `nil`.
  static func read(
    _ bytes: UnsafeBufferPointer<UInt8>, time: @autoclosure () -> LogTime?,
    decode: CacheLinePattern.Decode
  ) -> Line? {
    guard bytes.count > 8 else { return nil }
    switch bytes[0] {
    case UInt8(ascii: " "):
      let trimmed = bytes.trimmingSpaces()
      return ByteSearch.hasPrefix(trimmed, "/nix/store/") ? .listEntry : nil
    case UInt8(ascii: "t"):
      guard ByteSearch.hasPrefix(bytes, "these ") || ByteSearch.hasPrefix(bytes, "this ") else {
        return nil
      }
      return announcement(bytes)
    case UInt8(ascii: "b"):
      guard ByteSearch.hasPrefix(bytes, "building '") else { return nil }
      let path = bytes.dropping(10)
      guard let close = path.firstIndex(of: UInt8(ascii: "'")) else { return nil }
      return .building(name: decode(storeName(path.slice(0, close))), time: time())
    case UInt8(ascii: "c"):
      return copyingSource(bytes).map { .copying(from: decode($0)) }
    case UInt8(ascii: "w"), UInt8(ascii: "e"):
      guard
        ByteSearch.hasPrefix(bytes, "warning: error: unable to download '")
          || ByteSearch.hasPrefix(bytes, "warning: unable to download '")
          || ByteSearch.hasPrefix(bytes, "error: unable to download '"),
        ByteSearch.firstIndex(of: "HTTP error 429", in: bytes) != nil
          || ByteSearch.firstIndex(of: "HTTP error 418", in: bytes) != nil
      else { return nil }
      return .throttledResponse
    case UInt8(ascii: "G"):
      return ByteSearch.hasPrefix(bytes, "GitHub Actions Cache throttled Magic Nix Cache.")
        ? .throttledDaemon : nil
    default:
      return nil
    }
  }

  /// The substituter of a `copying path '…' from 'URI'...` line: URI; `nil` for other lines.
  static func copyingSource(_ bytes: UnsafeBufferPointer<UInt8>) -> UnsafeBufferPointer<UInt8>? {
    guard ByteSearch.hasPrefix(bytes, "copying path '"),
      let from = ByteSearch.firstIndex(of: "' from '", in: bytes)
    else { return nil }
    let uri = bytes.dropping(from + 8)
    let close = uri.firstIndex(of: UInt8(ascii: "'")) ?? uri.count
    return uri.slice(0, close)
  }

  /// `these N derivations will be built:`, `this path will be fetched (…):` and the forms
  /// without a count.
  static func announcement(_ bytes: UnsafeBufferPointer<UInt8>) -> Line? {
    // Bytes, not words of a `String`: `these 40 paths will be fetched (…)` is read whole
    // before the sizes.
    var index: Int
    var count: Int?
    if ByteSearch.hasPrefix(bytes, "these ") {
      index = 6
    } else if ByteSearch.hasPrefix(bytes, "this ") {
      index = 5
      count = 1
    } else {
      return nil
    }
    while index < bytes.count, bytes[index] == 0x20 { index += 1 }
    var end = Cargo.firstSpace(bytes, from: index)
    if end > index, end - index <= 18,
      bytes.slice(index, end).allSatisfy({ $0 &- UInt8(ascii: "0") < 10 })
    {
      count = bytes.slice(index, end).reduce(0) { $0 * 10 + Int($1 &- UInt8(ascii: "0")) }
      index = end
      while index < bytes.count, bytes[index] == 0x20 { index += 1 }
      end = Cargo.firstSpace(bytes, from: index)
    }
    guard end > index else { return nil }
    let noun = bytes.slice(index, end)
    if ByteSearch.hasPrefix(noun, "derivation") {
      guard ByteSearch.firstIndex(of: " will be built:", in: bytes) != nil else { return nil }
      return .willBuild(count: count)
    }
    guard ByteSearch.hasPrefix(noun, "path"),
      ByteSearch.firstIndex(of: " will be fetched", in: bytes) != nil
    else { return nil }
    var sizes: (download: Int64?, unpacked: Int64?) = (nil, nil)
    if let open = bytes.firstIndex(of: UInt8(ascii: "(")) {
      sizes = Self.sizes(bytes.dropping(open + 1))
    }
    return .willFetch(count: count, downloadBytes: sizes.download, unpackedBytes: sizes.unpacked)
  }

  /// The sizes after the `(` of `these N paths will be fetched (45.2 MiB download, 180.0 MiB
  /// unpacked):`, read in place from ASCII text; other text goes through `String`.
  static func sizes(_ inner: UnsafeBufferPointer<UInt8>) -> (download: Int64?, unpacked: Int64?) {
    var download: Int64?
    var unpacked: Int64?
    guard DecimalBytes.isASCII(inner) else {
      for part in inner.string.split(separator: ",") {
        let words = part.split(separator: " ")
        guard words.count >= 3, let size = size(words[0], unit: words[1]) else { continue }
        if words[2].hasPrefix("download") { download = size }
        if words[2].hasPrefix("unpacked") { unpacked = size }
      }
      return (download, unpacked)
    }
    for partRange in DecimalBytes.words(inner, separator: UInt8(ascii: ","), limit: .max).words {
      let part = inner.slice(partRange.lowerBound, partRange.upperBound)
      let words = DecimalBytes.words(part, separator: 0x20, limit: 3).words
      guard words.count == 3,
        let value = DecimalBytes.double(part.slice(words[0].lowerBound, words[0].upperBound)),
        let size = size(value, unit: part.slice(words[1].lowerBound, words[1].upperBound))
      else { continue }
      let noun = part.slice(words[2].lowerBound, words[2].upperBound)
      if ByteSearch.hasPrefix(noun, "download") { download = size }
      if ByteSearch.hasPrefix(noun, "unpacked") { unpacked = size }
    }
    return (download, unpacked)
  }

  /// `45.2` `MiB` in bytes (ASCII), as ``size(_:unit:)-(Substring,Substring)`` gives it.
  static func size(_ value: Double, unit: UnsafeBufferPointer<UInt8>) -> Int64? {
    let factor: Double
    if DecimalBytes.equals(unit, "B") {
      factor = 1
    } else if DecimalBytes.equals(unit, "KiB") {
      factor = 1024
    } else if DecimalBytes.equals(unit, "MiB") {
      factor = 1_048_576
    } else if DecimalBytes.equals(unit, "GiB") {
      factor = 1_073_741_824
    } else if DecimalBytes.equals(unit, "TiB") {
      factor = 1_099_511_627_776
    } else {
      return nil
    }
    return bytes(value, factor: factor)
  }

  /// `value` units of `factor` bytes, rounded; `nil` when negative, not finite or too large.
  private static func bytes(_ value: Double, factor: Double) -> Int64? {
    guard value.isFinite, value >= 0 else { return nil }
    let bytes = (value * factor).rounded()
    guard bytes < 9e18 else { return nil }
    return Int64(bytes)
  }

  /// `45.2` `MiB` in bytes, rounded to the nearest byte.
  static func size(_ number: Substring, unit: Substring) -> Int64? {
    guard let value = Double(number), value.isFinite, value >= 0 else { return nil }
    let factor: Double
    switch unit {
    case "B": factor = 1
    case "KiB": factor = 1024
    case "MiB": factor = 1_048_576
    case "GiB": factor = 1_073_741_824
    case "TiB": factor = 1_099_511_627_776
    default: return nil
    }
    return bytes(value, factor: factor)
  }

  /// `/nix/store/<hash>-NAME.drv` → `NAME`.
  static func storeName(_ path: UnsafeBufferPointer<UInt8>) -> UnsafeBufferPointer<UInt8> {
    var name = path
    if let slash = name.lastIndex(of: UInt8(ascii: "/")) { name = name.dropping(slash + 1) }
    if let dash = name.firstIndex(of: UInt8(ascii: "-")), dash == 32 { name = name.dropping(33) }
    if ByteSearch.hasSuffix(name, ".drv") { name = name.slice(0, name.count - 4) }
    return name
  }
}

/// What Nix did in one job.
public struct NixBuild: Sendable, Hashable, Codable {
  /// One derivation built, with the time from its `building` line to the next `building` line,
  /// the next step, or the log's end.
  public struct Built: Sendable, Hashable, Codable {
    /// The derivation's name (store path without hash and `.drv`).
    public var name: String
    /// How long it took, when the lines have times.
    public var duration: Duration?
  }

  /// A substituter that served paths.
  public struct Substituter: Sendable, Hashable, Codable {
    /// Its URI as Nix printed it.
    public var uri: String
    /// The paths copied from it.
    public var paths: Int
  }

  /// The sum of the `will be built` announcements.
  public var derivationsToBuild = 0
  /// `building '…'` lines.
  public var derivationsBuilt = 0
  /// The sum of the `will be fetched` announcements.
  public var pathsToFetch = 0
  /// `copying path '…' from '…'` lines.
  public var pathsFetched = 0
  /// The announced download size, summed; `nil` when no announcement gave one.
  public var downloadBytes: Int64?
  /// The announced unpacked size, summed.
  public var unpackedBytes: Int64?
  /// The builds, longest first (at most ``maximumListed``).
  public var longestBuilds: [Built] = []
  /// The substituters that served paths, most paths first.
  public var substituters: [Substituter] = []
  /// Throttling responses: HTTP 429/418 download failures, or 1 when only the Magic Nix Cache
  /// daemon's `throttled` line shows it.
  public var throttled = 0

  /// The most builds listed.
  public static let maximumListed = 5

  /// Creates an empty record.
  public init() {}
}

/// Folds ``Nix/Line``s into a ``NixBuild``.
struct NixBuilder {
  private var build = NixBuild()
  private var seen = false
  private var counting: (builds: Bool, open: Bool) = (false, false)
  /// The longest builds so far, longest first (the earlier of equal ones first), at most
  /// ``NixBuild/maximumListed``.
  private var longest: [NixBuild.Built] = []
  private var open: (name: String, time: LogTime?)?
  private var bySubstituter: [String: Int] = [:]
  private var substituterOrder: [String] = []
  private var daemonThrottled = false

  mutating func apply(_ line: Nix.Line) {
    seen = true
    defer { if case .listEntry = line {} else if !isAnnouncement(line) { counting.open = false } }
    switch line {
    case .willBuild(let count):
      build.derivationsToBuild += count ?? 0
      counting = (true, count == nil)
    case .willFetch(let count, let download, let unpacked):
      build.pathsToFetch += count ?? 0
      counting = (false, count == nil)
      if let download { build.downloadBytes = (build.downloadBytes ?? 0) &+ download }
      if let unpacked { build.unpackedBytes = (build.unpackedBytes ?? 0) &+ unpacked }
    case .listEntry:
      // Only the lists of Nix ≤ 2.3, whose headers give no count, are counted by entry.
      if counting.open {
        if counting.builds { build.derivationsToBuild += 1 } else { build.pathsToFetch += 1 }
      }
      return
    case .building(let name, let time):
      close(at: time)
      build.derivationsBuilt += 1
      open = (name, time)
    case .copying(let uri):
      copied(1, from: uri)
    case .copied(let uri, let paths):
      copied(paths, from: uri)
    case .throttledResponse:
      build.throttled += 1
    case .throttledDaemon:
      daemonThrottled = true
    }
  }

  private mutating func copied(_ paths: Int, from uri: String) {
    build.pathsFetched = build.pathsFetched.addingReportingOverflow(paths).partialValue
    if bySubstituter[uri] == nil { substituterOrder.append(uri) }
    bySubstituter[uri, default: 0] &+= paths
  }

  private func isAnnouncement(_ line: Nix.Line) -> Bool {
    switch line {
    case .willBuild, .willFetch: return true
    default: return false
    }
  }

  /// Ends the running build (a step started, or the log ended).
  mutating func close(at time: LogTime?) {
    guard let running = open else { return }
    open = nil
    var duration: Duration?
    if let from = running.time, let to = time { duration = from.duration(to: to) }
    // Kept in the order a stable sort by duration, longest first, gives.
    let length = duration ?? .zero
    var index = longest.count
    while index > 0, longest[index - 1].duration ?? .zero < length { index -= 1 }
    guard index < NixBuild.maximumListed else { return }
    longest.insert(.init(name: running.name, duration: duration), at: index)
    if longest.count > NixBuild.maximumListed { longest.removeLast() }
  }

  func result(end: LogTime?) -> NixBuild? {
    guard seen else { return nil }
    var copy = self
    copy.close(at: end)
    var build = copy.build
    build.longestBuilds = copy.longest
    build.substituters = copy.substituterOrder.enumerated().map { index, uri in
      (index, NixBuild.Substituter(uri: uri, paths: copy.bySubstituter[uri] ?? 0))
    }.sorted { $0.1.paths != $1.1.paths ? $0.1.paths > $1.1.paths : $0.0 < $1.0 }.map(\.1)
    if build.throttled == 0, copy.daemonThrottled { build.throttled = 1 }
    return build
  }
}
