/// Cargo's status lines: what it compiled, found fresh or dirty, downloaded, and how long it
/// reported the build took.
///
/// Every status line is the status word right-aligned in 12 columns, one space, the message
/// (`   Compiling serde v1.0.219`, `    Finished \`dev\` profile [...] target(s) in 1m 02s`),
/// so a line is a candidate only when byte 12 is a space and bytes 4 to 11 end a known word
/// (``isCandidate(_:)``): a load and a few compares reject every other such line. Colour
/// escapes (`CARGO_TERM_COLOR=always`) are stripped by the parser before this is called.
public enum Cargo {
  /// One line cargo printed.
  public enum Line: Sendable, Hashable {
    /// `Compiling NAME vX.Y.Z [(SOURCE)]` or `Checking …` (`cargo check`, clippy); `path` when
    /// the source is a local path (a workspace member). Names are not kept: counts are what
    /// the report shows, and a cold build prints hundreds of these lines.
    case compiling(path: Bool)
    /// `Fresh NAME vX.Y.Z …` (with `-v`): the package was up to date.
    case fresh
    /// `Dirty NAME vX.Y.Z …: REASON` (with `-v`, Rust ≥ 1.68): why the package is rebuilt.
    case dirty(Package, reason: String)
    /// `Downloaded NAME vX.Y.Z` (one crate; printed without a progress bar, as in CI).
    case downloaded
    /// `Downloaded N crates (SIZE) in TIME` (the summary a progress bar prints).
    case downloadedCrates(Int)
    /// `Finished PROFILE … target(s) in TIME`.
    case finished(profile: String?, duration: Duration?)
    /// Counts of the frequent lines (`Compiling`, `Fresh`, `Downloaded NAME`), which the
    /// parser adds up itself and reports once per step: a cold build prints hundreds.
    case counts(Counts)
  }

  /// Counts of cargo's frequent lines.
  public struct Counts: Sendable, Hashable {
    /// `Compiling`/`Checking` lines of path crates.
    public var compiledPath = 0
    /// `Compiling`/`Checking` lines of other crates.
    public var compiledOther = 0
    /// `Fresh` lines.
    public var fresh = 0
    /// `Downloaded NAME vX` lines.
    public var downloaded = 0

    /// Whether nothing was counted.
    public var isEmpty: Bool { compiledPath + compiledOther + fresh + downloaded == 0 }

    /// Creates counts.
    public init(compiledPath: Int = 0, compiledOther: Int = 0, fresh: Int = 0, downloaded: Int = 0)
    {
      self.compiledPath = compiledPath
      self.compiledOther = compiledOther
      self.fresh = fresh
      self.downloaded = downloaded
    }

    /// Adds a frequent line to the counts and says whether it was one.
    ///
    /// No text is decoded.
    @inline(__always)
    mutating func add(_ bytes: UnsafeBufferPointer<UInt8>) -> Bool {
      switch bytes[11] {
      case UInt8(ascii: "g"):
        guard
          ByteSearch.hasPrefix(bytes.dropping(3), "Compiling ")
            || ByteSearch.hasPrefix(bytes.dropping(4), "Checking ")
        else { return false }
        let message = bytes.dropping(13)
        guard let source = Cargo.sourceStart(message) else { return false }
        if source >= 0, Cargo.isPathStart(message.dropping(source)) {
          compiledPath += 1
        } else {
          compiledOther += 1
        }
        return true
      case UInt8(ascii: "h"):
        guard ByteSearch.hasPrefix(bytes.dropping(7), "Fresh "), Cargo.isPackage(bytes.dropping(13))
        else { return false }
        fresh += 1
        return true
      case UInt8(ascii: "d"):
        guard ByteSearch.hasPrefix(bytes.dropping(2), "Downloaded "),
          Cargo.isPackage(bytes.dropping(13))
        else { return false }
        downloaded += 1
        return true
      default:
        return false
      }
    }
  }

  /// Where the source of `name vX.Y.Z[ (source)…]` starts.
  ///
  /// The offset after ` (`, -1 without a source, `nil` when the message is not a package.
  /// Scans the two words only.
  @inline(__always)
  static func sourceStart(_ message: UnsafeBufferPointer<UInt8>) -> Int? {
    var index = firstSpace(message, from: 0)
    guard index > 0, index + 2 < message.count, message[index + 1] == UInt8(ascii: "v") else {
      return nil
    }
    // A crates.io package has no source: its line ends with the version.
    if message[message.count - 1] != UInt8(ascii: ")") { return -1 }
    index = firstSpace(message, from: index + 2)
    if index + 2 < message.count, message[index + 1] == UInt8(ascii: "(") { return index + 2 }
    return -1
  }

  /// The index of the first space in `bytes[from...]`, or `bytes.count`; eight bytes a step
  /// (crate names and versions are short: a `memchr` call costs more).
  @inline(__always)
  static func firstSpace(_ bytes: UnsafeBufferPointer<UInt8>, from: Int) -> Int {
    guard let base = bytes.baseAddress else { return bytes.count }
    var index = from
    while index + 8 <= bytes.count {
      let word = UInt64(
        littleEndian: UnsafeRawPointer(base).loadUnaligned(fromByteOffset: index, as: UInt64.self))
      let spaces = word ^ 0x2020_2020_2020_2020
      let found = (spaces &- 0x0101_0101_0101_0101) & ~spaces & 0x8080_8080_8080_8080
      if found != 0 { return index + found.trailingZeroBitCount / 8 }
      index += 8
    }
    while index < bytes.count, bytes[index] != 0x20 { index += 1 }
    return index
  }

  /// Whether a source starts like a local path (`/…`, `\\…`, `C:\…`).
  @inline(__always)
  static func isPathStart(_ source: UnsafeBufferPointer<UInt8>) -> Bool {
    guard let first = source.first else { return false }
    if first == UInt8(ascii: "/") || first == UInt8(ascii: "\\") { return true }
    return source.count >= 3 && source[1] == UInt8(ascii: ":")
      && (source[2] == UInt8(ascii: "\\") || source[2] == UInt8(ascii: "/"))
  }

  /// A package as cargo displays it: `name vX.Y.Z`, plus ` (SOURCE)` when not from crates.io.
  public struct Package: Sendable, Hashable {
    /// The package name.
    public var name: String
    /// The version without cargo's `v`.
    public var version: String
    /// What the parentheses hold: an absolute path for a path crate (a workspace member), a git
    /// URL, `registry \`name\``; `nil` for crates.io.
    public var source: String?

    /// Whether the source is a local path: a workspace member or another path crate.
    public var isPath: Bool {
      guard let source, let first = source.utf8.first else { return false }
      if first == UInt8(ascii: "/") || first == UInt8(ascii: "\\") { return true }
      // `C:\…` on Windows runners.
      let bytes = Array(source.utf8.prefix(3))
      return bytes.count == 3 && bytes[1] == UInt8(ascii: ":")
        && (bytes[2] == UInt8(ascii: "\\") || bytes[2] == UInt8(ascii: "/"))
    }
  }

  /// Whether a message that starts with a space may be a status line this reads.
  ///
  /// The status word ends at column 12, so bytes 4 to 11 hold the last eight bytes of one of
  /// the six words read (``Word``): one load and at most six compares, no loop. `Running`,
  /// `Doc-tests`, nextest's `PASS` and indented text cost no more.
  @inline(__always)
  static func isCandidate(_ bytes: UnsafeBufferPointer<UInt8>) -> Bool {
    guard bytes.count > 14, bytes[12] == 0x20, let base = bytes.baseAddress else { return false }
    let word = UInt64(
      littleEndian: UnsafeRawPointer(base).loadUnaligned(fromByteOffset: 4, as: UInt64.self))
    // The word's last letter picks the one or two words to compare.
    switch bytes[11] {
    case UInt8(ascii: "g"): return word == Word.compiling || word == Word.checking
    case UInt8(ascii: "h"): return word == Word.fresh
    case UInt8(ascii: "y"): return word == Word.dirty
    case UInt8(ascii: "d"): return word == Word.finished || word == Word.downloaded
    default: return false
    }
  }

  /// Bytes 4 to 11 of the status lines read, as one little-endian word
  /// (``ByteSearch/word(_:)`` of the text in the comment; a test checks each).
  enum Word {
    /// `ompiling` (`   Compiling`).
    static let compiling: UInt64 = 0x676E_696C_6970_6D6F
    /// `Checking` (`    Checking`).
    static let checking: UInt64 = 0x676E_696B_6365_6843
    /// `   Fresh` (`       Fresh`).
    static let fresh: UInt64 = 0x6873_6572_4620_2020
    /// `   Dirty` (`       Dirty`).
    static let dirty: UInt64 = 0x7974_7269_4420_2020
    /// `Finished` (`    Finished`).
    static let finished: UInt64 = 0x6465_6873_696E_6946
    /// `wnloaded` (`  Downloaded`).
    static let downloaded: UInt64 = 0x6465_6461_6F6C_6E77
  }

  /// Reads a status line (without timestamp and colour codes); `nil` for any other line.
  static func read(
    _ bytes: UnsafeBufferPointer<UInt8>, decode: CacheLinePattern.Decode
  ) -> Line? {
    guard isCandidate(bytes) else { return nil }
    var start = 0
    while start < 12, bytes[start] == 0x20 { start += 1 }
    let word = bytes.slice(start, 12)
    let message = bytes.dropping(13)
    switch word.count {
    case 5 where ByteSearch.hasPrefix(word, "Fresh"):
      return isPackage(message) ? .fresh : nil
    case 5 where ByteSearch.hasPrefix(word, "Dirty"):
      guard let read = package(message, decode: decode), let reason = read.reason else {
        return nil
      }
      return .dirty(read.package, reason: decode(reason))
    case 8 where ByteSearch.hasPrefix(word, "Checking"),
      9 where ByteSearch.hasPrefix(word, "Compiling"):
      guard isPackage(message) else { return nil }
      return .compiling(path: isPathSource(message))
    case 8 where ByteSearch.hasPrefix(word, "Finished"):
      return finished(message, decode: decode)
    case 10 where ByteSearch.hasPrefix(word, "Downloaded"):
      if let count = downloadSummary(message) { return .downloadedCrates(count) }
      return isPackage(message) ? .downloaded : nil
    default:
      return nil
    }
  }

  /// Whether the message starts `name vX`.
  static func isPackage(_ message: UnsafeBufferPointer<UInt8>) -> Bool {
    guard let space = message.firstIndex(of: 0x20), space > 0, space + 2 < message.count else {
      return false
    }
    return message[space + 1] == UInt8(ascii: "v") && message[space + 2] != 0x20
  }

  /// Whether `name vX.Y.Z (SOURCE)` has a local path as its source (`/…`, `\\…`, `C:\…`).
  static func isPathSource(_ message: UnsafeBufferPointer<UInt8>) -> Bool {
    guard let start = sourceStart(message), start >= 0 else { return false }
    return isPathStart(message.dropping(start))
  }

  /// `name vX.Y.Z[ (source)][: reason]`.
  static func package(
    _ message: UnsafeBufferPointer<UInt8>, decode: CacheLinePattern.Decode
  ) -> (package: Package, reason: UnsafeBufferPointer<UInt8>?)? {
    guard let space = message.firstIndex(of: 0x20), space > 0, space + 2 < message.count,
      message[space + 1] == UInt8(ascii: "v")
    else { return nil }
    let name = message.slice(0, space)
    var end = space + 2
    while end < message.count, message[end] != 0x20, message[end] != UInt8(ascii: ":") {
      end += 1
    }
    guard end > space + 2 else { return nil }
    let version = message.slice(space + 2, end)
    var rest = message.dropping(end)
    var source: UnsafeBufferPointer<UInt8>?
    if rest.count >= 3, rest[0] == 0x20, rest[1] == UInt8(ascii: "(") {
      // The source ends at the `)` before `: reason`, or at the last `)`.
      let inner = rest.dropping(2)
      let close =
        ByteSearch.firstIndex(of: "): ", in: inner) ?? inner.lastIndex(of: UInt8(ascii: ")"))
      guard let close else { return nil }
      source = inner.slice(0, close)
      rest = inner.dropping(close + 1)
    }
    var reason: UnsafeBufferPointer<UInt8>?
    if rest.count >= 2, rest[0] == UInt8(ascii: ":"), rest[1] == 0x20 {
      reason = rest.dropping(2).trimmingSpaces()
    }
    return (
      Package(name: decode(name), version: decode(version), source: source.map(decode)), reason
    )
  }

  /// `N crates (SIZE) in TIME`: N.
  static func downloadSummary(_ message: UnsafeBufferPointer<UInt8>) -> Int? {
    guard let space = message.firstIndex(of: 0x20),
      ByteSearch.hasPrefix(message.dropping(space + 1), "crate"),
      let count = Int(message.slice(0, space).string)
    else { return nil }
    return count
  }

  /// `` `release` profile [optimized] target(s) in 1m 02s`` and the older forms
  /// (`release [optimized] target(s) in 62.34 secs`).
  static func finished(
    _ message: UnsafeBufferPointer<UInt8>, decode: CacheLinePattern.Decode
  ) -> Line? {
    guard ByteSearch.firstIndex(of: "target(s)", in: message) != nil else { return nil }
    var profile: String?
    if message.first == UInt8(ascii: "`") {
      let inner = message.dropping(1)
      if let close = inner.firstIndex(of: UInt8(ascii: "`")) {
        profile = decode(inner.slice(0, close))
      }
    } else if let space = message.firstIndex(of: 0x20) {
      profile = decode(message.slice(0, space))
    }
    var duration: Duration?
    if let at = lastIndex(of: " in ", in: message) {
      duration = parseDuration(message.dropping(at + 4))
    }
    return .finished(profile: profile, duration: duration)
  }

  private static func lastIndex(of needle: StaticString, in bytes: UnsafeBufferPointer<UInt8>)
    -> Int?
  {
    var found: Int?
    var from = 0
    while from < bytes.count, let at = ByteSearch.firstIndex(of: needle, in: bytes.dropping(from)) {
      found = from + at
      from += at + 1
    }
    return found
  }

  /// Cargo's elapsed time from the bytes after ` in `: ``parseDuration(_:)-(String)``'s
  /// result, read in place when the text is ASCII (it always is in cargo's output).
  static func parseDuration(_ bytes: UnsafeBufferPointer<UInt8>) -> Duration? {
    guard DecimalBytes.isASCII(bytes) else { return parseDuration(bytes.string) }
    var total = 0.0
    var sawAny = false
    // The words between spaces, as `split(separator: " ")` gives them.
    var position = 0
    func nextWord() -> UnsafeBufferPointer<UInt8>? {
      while position < bytes.count, bytes[position] == 0x20 { position += 1 }
      guard position < bytes.count else { return nil }
      let start = position
      while position < bytes.count, bytes[position] != 0x20 { position += 1 }
      return bytes.slice(start, position)
    }
    while let token = nextWord() {
      var length = 0
      while length < token.count,
        token[length] &- UInt8(ascii: "0") < 10 || token[length] == UInt8(ascii: ".")
      {
        length += 1
      }
      guard length > 0, let value = DecimalBytes.double(token.slice(0, length)) else {
        return sawAny ? finish(total) : nil
      }
      var unit = token.dropping(length)
      if unit.isEmpty {
        let mark = position
        if let next = nextWord() { unit = next } else { position = mark }
      }
      if DecimalBytes.equals(unit, "h") {
        total += value * 3600
      } else if DecimalBytes.equals(unit, "m") {
        total += value * 60
      } else if DecimalBytes.equals(unit, "s") || DecimalBytes.equals(unit, "secs")
        || DecimalBytes.equals(unit, "sec")
      {
        total += value
      } else {
        return sawAny ? finish(total) : nil
      }
      sawAny = true
    }
    return sawAny ? finish(total) : nil
  }

  /// Cargo's elapsed time: `4.56s`, `1m 02s`, `1m 2.34s`, `62.34 secs`, also `1h 3m 4s`.
  static func parseDuration(_ text: String) -> Duration? {
    var total = 0.0
    var sawAny = false
    let tokens = text.split(separator: " ")
    var index = 0
    while index < tokens.count {
      let token = tokens[index]
      let number = token.prefix { $0.isNumber || $0 == "." }
      guard !number.isEmpty, let value = Double(number) else { return sawAny ? finish(total) : nil }
      var unit = token.dropFirst(number.count)
      if unit.isEmpty, index + 1 < tokens.count {
        unit = tokens[index + 1]
        index += 1
      }
      switch unit {
      case "h": total += value * 3600
      case "m": total += value * 60
      case "s", "secs", "sec": total += value
      default: return sawAny ? finish(total) : nil
      }
      sawAny = true
      index += 1
    }
    return sawAny ? finish(total) : nil
  }

  private static func finish(_ seconds: Double) -> Duration? {
    guard seconds.isFinite, seconds >= 0, seconds < 1e9 else { return nil }
    return .milliseconds(Int64((seconds * 1000).rounded()))
  }
}

/// What cargo did in one job, summed over its invocations.
public struct CargoBuild: Sendable, Hashable, Codable {
  /// A package cargo rebuilt and the reason it gave (`-v`).
  public struct Dirty: Sendable, Hashable, Codable {
    /// The package name.
    public var crate: String
    /// The version, without `v`.
    public var version: String
    /// The text after cargo's `: `.
    public var reason: String
  }

  /// `Compiling`/`Checking` lines: packages cargo compiled.
  public var compiled = 0
  /// Compiled packages with a path source (workspace members and other path crates).
  public var compiledWorkspace = 0
  /// Compiled packages from a registry or git.
  public var compiledDependencies = 0
  /// `Fresh` lines (`-v` only).
  public var fresh = 0
  /// `Dirty` lines in log order (`-v` only), at most ``maximumDirty``.
  public var dirty: [Dirty] = []
  /// `Dirty` lines beyond ``maximumDirty``.
  public var dirtyNotListed = 0
  /// Crates downloaded: `Downloaded NAME v…` lines, or the `Downloaded N crates` summaries when
  /// they say more.
  public var downloaded = 0
  /// The sum of `Finished … in TIME` over the job's cargo invocations.
  public var finished: Duration?
  /// The profiles `Finished` named, in first-seen order.
  public var profiles: [String] = []

  /// The most dirty reasons listed per job.
  public static let maximumDirty = 200

  /// Creates an empty record.
  public init() {}
}

/// Folds ``Cargo/Line``s into a ``CargoBuild``.
struct CargoBuilder {
  private var build = CargoBuild()
  private var seen = false
  private var downloadedLines = 0
  private var downloadedSummaries = 0

  mutating func apply(_ line: Cargo.Line) {
    seen = true
    switch line {
    case .compiling(let path):
      build.compiled += 1
      if path { build.compiledWorkspace += 1 } else { build.compiledDependencies += 1 }
    case .fresh:
      build.fresh += 1
    case .dirty(let package, let reason):
      if build.dirty.count < CargoBuild.maximumDirty {
        build.dirty.append(.init(crate: package.name, version: package.version, reason: reason))
      } else {
        build.dirtyNotListed += 1
      }
    case .downloaded:
      downloadedLines += 1
    case .downloadedCrates(let count):
      downloadedSummaries = downloadedSummaries.addingReportingOverflow(count).partialValue
    case .counts(let counts):
      build.compiled += counts.compiledPath + counts.compiledOther
      build.compiledWorkspace += counts.compiledPath
      build.compiledDependencies += counts.compiledOther
      build.fresh += counts.fresh
      downloadedLines += counts.downloaded
    case .finished(let profile, let duration):
      if let duration { build.finished = (build.finished ?? .zero) + duration }
      if let profile, !build.profiles.contains(profile) { build.profiles.append(profile) }
    }
  }

  func result() -> CargoBuild? {
    guard seen else { return nil }
    var build = self.build
    build.downloaded = max(downloadedLines, downloadedSummaries)
    return build
  }
}
