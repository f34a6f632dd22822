/// The statistics tables of the compiler caches sccache (`sccache --show-stats`) and ccache
/// (`ccache -s`, all three layouts since 3.x).
///
/// Both tools print cumulative counters, so a job's figures are the **last** table each tool
/// printed (sccache-action prints the same table twice; ccache ≥ 4.7 repeats hits and misses
/// under `Local storage:`, which is ignored). The parser reads these lines only in a job with a
/// step whose action or command names ccache or sccache (``mentionsCompilerCache(_:)``).
///
/// `requests` is every call the wrapper received, cacheable or not: sccache's
/// `Compile requests`; ccache ≥ 4.7's total of `Cacheable calls: A / TOTAL`; older ccache
/// shows no uncacheable count in the summary, so hits + misses there.
public enum CompilerCaches {
  /// One row of a statistics table.
  public enum Line: Sendable, Hashable {
    /// sccache `Compile requests   N`: a new sccache table.
    case sccacheRequests(Int)
    /// sccache `Cache hits   N`.
    case sccacheHits(Int)
    /// sccache `Cache misses   N`.
    case sccacheMisses(Int)
    /// ccache ≥ 4.7 `Cacheable calls: A / TOTAL (…)`: a new ccache table.
    case ccacheCalls(total: Int)
    /// ccache 4.4–4.6 `Summary:` or ≤ 4.3 `cache directory …`: a new ccache table.
    case ccacheTable
    /// ccache ≥ 4.4 `  Hits: A / B (…)`.
    case ccacheHits(Int)
    /// ccache ≥ 4.4 `  Misses: A / B (…)`.
    case ccacheMisses(Int)
    /// ccache ≤ 4.3 `cache hit (direct) N` or `cache hit (preprocessed) N`.
    case ccacheLegacyHits(Int)
    /// ccache ≤ 4.3 `cache miss N`.
    case ccacheLegacyMisses(Int)
  }

  /// The first bytes the parser must let through once the rules are on (`C`, `S`, `c`, ` `).
  static let firstBytes: [UInt8] = Array("CSc ".utf8)

  /// The first eight bytes of the rows above as ``ByteSearch/head(_:)`` loads them
  /// (``ByteSearch/word(_:)`` of the text in the comment; a test checks each).
  enum Head {
    /// `Compile ` (sccache).
    static let compile: UInt64 = 0x2065_6C69_706D_6F43
    /// `Cache hi` (sccache).
    static let cacheHi: UInt64 = 0x6968_2065_6863_6143
    /// `Cache mi` (sccache).
    static let cacheMi: UInt64 = 0x696D_2065_6863_6143
    /// `Cacheabl` (ccache ≥ 4.7).
    static let cacheable: UInt64 = 0x6C62_6165_6863_6143
    /// `Summary:` (ccache 4.4–4.6).
    static let summary: UInt64 = 0x3A79_7261_6D6D_7553
    /// `cache di` (ccache ≤ 4.3).
    static let legacyDirectory: UInt64 = 0x6964_2065_6863_6163
    /// `cache hi` (ccache ≤ 4.3).
    static let legacyHit: UInt64 = 0x6968_2065_6863_6163
    /// `cache mi` (ccache ≤ 4.3).
    static let legacyMiss: UInt64 = 0x696D_2065_6863_6163
    /// `  Hits: ` (ccache ≥ 4.4).
    static let hits: UInt64 = 0x203A_7374_6948_2020
    /// `  Misses` (ccache ≥ 4.4).
    static let misses: UInt64 = 0x7365_7373_694D_2020
  }

  /// Whether a message may be a row of the tables above.
  ///
  /// One load of its first eight bytes and a compare or two, before ``read(_:)`` looks at
  /// anything else. Lines that merely start
  /// like a row (`Compiling …`, `cache restored`, `  Finished …`) cost no more.
  @inline(__always)
  static func isCandidate(_ bytes: UnsafeBufferPointer<UInt8>) -> Bool {
    guard let head = ByteSearch.head(bytes) else { return false }
    switch UInt8(truncatingIfNeeded: head) {
    case UInt8(ascii: "C"):
      return head == Head.compile || head == Head.cacheHi || head == Head.cacheMi
        || head == Head.cacheable
    case UInt8(ascii: "S"): return head == Head.summary
    case UInt8(ascii: "c"):
      return head == Head.legacyDirectory || head == Head.legacyHit || head == Head.legacyMiss
    case 0x20: return head == Head.hits || head == Head.misses
    default: return false
    }
  }

  /// Whether a step's action or command names ccache or sccache.
  static func mentionsCompilerCache(_ text: String) -> Bool {
    DecimalBytes.mentions(text, "ccache")
  }

  /// Reads one line (without timestamp and colour codes); `nil` for any other line.
  ///
  /// - Parameter bytes: The message.
  /// - Returns: The row, or `nil`.
  static func read(_ bytes: UnsafeBufferPointer<UInt8>) -> Line? {
    guard bytes.count >= 8 else { return nil }
    switch bytes[0] {
    case UInt8(ascii: "C"):
      if ByteSearch.hasPrefix(bytes, "Compile requests "),
        !ByteSearch.hasPrefix(bytes, "Compile requests executed"), let n = lastNumber(bytes)
      {
        return .sccacheRequests(n)
      }
      if ByteSearch.hasPrefix(bytes, "Cache hits "), !ByteSearch.hasPrefix(bytes, "Cache hits ("),
        !ByteSearch.hasPrefix(bytes, "Cache hits rate"), let n = lastNumber(bytes)
      {
        return .sccacheHits(n)
      }
      if ByteSearch.hasPrefix(bytes, "Cache misses "),
        !ByteSearch.hasPrefix(bytes, "Cache misses ("),
        let n = lastNumber(bytes)
      {
        return .sccacheMisses(n)
      }
      if ByteSearch.hasPrefix(bytes, "Cacheable calls:"), let pair = fraction(bytes.dropping(16)) {
        return .ccacheCalls(total: pair.of)
      }
    case UInt8(ascii: "S"):
      if bytes.count == 8, ByteSearch.hasPrefix(bytes, "Summary:") { return .ccacheTable }
    case UInt8(ascii: "c"):
      if ByteSearch.hasPrefix(bytes, "cache directory") { return .ccacheTable }
      if ByteSearch.hasPrefix(bytes, "cache hit (direct)")
        || ByteSearch.hasPrefix(bytes, "cache hit (preprocessed)"),
        let n = lastNumber(bytes)
      {
        return .ccacheLegacyHits(n)
      }
      if ByteSearch.hasPrefix(bytes, "cache miss "), let n = lastNumber(bytes) {
        return .ccacheLegacyMisses(n)
      }
    case 0x20:
      let trimmed = bytes.trimmingSpaces()
      // Only the two-space rows of the summary, not `    Direct:` below them.
      guard bytes.count > 3, bytes[2] != 0x20 else { return nil }
      if ByteSearch.hasPrefix(trimmed, "Hits:"), let pair = fraction(trimmed.dropping(5)) {
        return .ccacheHits(pair.count)
      }
      if ByteSearch.hasPrefix(trimmed, "Misses:"), let pair = fraction(trimmed.dropping(7)) {
        return .ccacheMisses(pair.count)
      }
    default:
      break
    }
    return nil
  }

  /// The number that ends a row (`Cache hits            301`).
  static func lastNumber(_ bytes: UnsafeBufferPointer<UInt8>) -> Int? {
    let trimmed = bytes.trimmingSpaces()
    guard let space = trimmed.lastIndex(of: 0x20) else { return nil }
    return Int(trimmed.dropping(space + 1).string)
  }

  /// `  171 / 214 (79.91%)` → (171, 214); a lone `171` gives (171, 171).
  static func fraction(_ bytes: UnsafeBufferPointer<UInt8>) -> (count: Int, of: Int)? {
    let words = bytes.split(separator: 0x20, omittingEmptySubsequences: true)
    guard let first = words.first, let count = Int(String(decoding: first, as: UTF8.self)) else {
      return nil
    }
    if words.count >= 3, words[1].elementsEqual("/".utf8),
      let total = Int(String(decoding: words[2], as: UTF8.self))
    {
      return (count, total)
    }
    return (count, count)
  }
}

/// One compiler cache's figures in a job (its last statistics table).
public struct CompilerCacheStats: Sendable, Hashable, Codable {
  /// `sccache` or `ccache`.
  public var tool: String
  /// Every call the wrapper received (see ``CompilerCaches``).
  public var requests: Int
  /// Cache hits.
  public var hits: Int
  /// Cache misses.
  public var misses: Int

  /// Hits of hits + misses; `nil` without either.
  public var hitRate: Double? {
    hits + misses > 0 ? Double(hits) / Double(hits + misses) : nil
  }
}

/// Folds ``CompilerCaches/Line``s into one ``CompilerCacheStats`` per tool.
struct CompilerCachesBuilder {
  private struct Table {
    var requests: Int?
    var hits: Int?
    var misses: Int?
  }
  private var order: [String] = []
  private var tables: [String: Table] = [:]

  private mutating func start(_ tool: String, requests: Int?) {
    if tables[tool] == nil { order.append(tool) }
    tables[tool] = Table(requests: requests)
  }

  private mutating func set(_ tool: String, _ update: (inout Table) -> Void) {
    if tables[tool] == nil { start(tool, requests: nil) }
    update(&tables[tool, default: Table()])
  }

  mutating func apply(_ line: CompilerCaches.Line) {
    switch line {
    case .sccacheRequests(let n): start("sccache", requests: n)
    case .sccacheHits(let n): set("sccache") { if $0.hits == nil { $0.hits = n } }
    case .sccacheMisses(let n): set("sccache") { if $0.misses == nil { $0.misses = n } }
    case .ccacheCalls(let total): start("ccache", requests: total)
    case .ccacheTable: start("ccache", requests: nil)
    case .ccacheHits(let n): set("ccache") { if $0.hits == nil { $0.hits = n } }
    case .ccacheMisses(let n): set("ccache") { if $0.misses == nil { $0.misses = n } }
    case .ccacheLegacyHits(let n): set("ccache") { $0.hits = ($0.hits ?? 0) &+ n }
    case .ccacheLegacyMisses(let n): set("ccache") { if $0.misses == nil { $0.misses = n } }
    }
  }

  func result() -> [CompilerCacheStats] {
    order.compactMap { tool in
      guard let table = tables[tool], table.hits != nil || table.misses != nil else { return nil }
      let hits = table.hits ?? 0
      let misses = table.misses ?? 0
      return CompilerCacheStats(
        tool: tool, requests: table.requests ?? (hits &+ misses), hits: hits, misses: misses)
    }
  }
}
