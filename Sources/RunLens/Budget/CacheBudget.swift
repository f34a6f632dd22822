/// How a repository's caches stand against GitHub's limit and the team's allocations.
public struct CacheBudget: Sendable, Hashable {
  /// A planned allocation: caches of the families matching `match` may take `bytesPerKey` for
  /// each distinct key.
  public struct Allocation: Sendable, Hashable, Codable {
    /// A family name pattern; `*` matches any text (the family names use `…` for hashes).
    public var match: String
    /// What it is for, in words (`shared dependencies`, `test job`).
    public var label: String
    /// The bytes each distinct key of a matching family may take.
    public var bytesPerKey: Int64

    /// Creates an allocation.
    public init(match: String, label: String, bytesPerKey: Int64) {
      self.match = match
      self.label = label
      self.bytesPerKey = bytesPerKey
    }

    /// The reference CI's plan.
    ///
    /// Shared dependencies 2 GB, each container image 2 GB, each other job cache 1 GB per key.
    /// The first matching allocation applies.
    public static let defaults: [Allocation] = [
      Allocation(match: "*-deps-…", label: "shared dependencies", bytesPerKey: 2_000_000_000),
      Allocation(match: "*container*", label: "container image", bytesPerKey: 2_000_000_000),
      Allocation(match: "*image*", label: "container image", bytesPerKey: 2_000_000_000),
      Allocation(match: "*", label: "job cache", bytesPerKey: 1_000_000_000),
    ]
  }

  /// The entries of one key family.
  public struct Group: Sendable, Hashable {
    /// The family name: the key with hashes as `…` and its last variable part as `*`.
    public var name: String
    /// The sum of its entries' sizes.
    public var bytes: Int64
    /// Its entries.
    public var entries: Int
    /// Its distinct keys.
    public var keys: Int
    /// The allocation that applies, if any.
    public var allocation: Allocation?
    /// What the allocation allows for this family (`bytesPerKey` × `keys`).
    public var allowedBytes: Int64? {
      allocation.map { allocation in
        let (product, overflow) = allocation.bytesPerKey.multipliedReportingOverflow(
          by: Int64(keys))
        return overflow ? Int64.max : product
      }
    }
    /// Whether the family takes more than its allocation.
    public var overAllocation: Bool { allowedBytes.map { bytes > $0 } ?? false }
  }

  /// Every entry, largest first.
  public var entries: [CacheEntry]
  /// The repository's limit in bytes.
  public var limitBytes: Int64
  /// The time idle entries are judged at.
  public var asOf: LogTime
  /// The idle time after which GitHub removes an entry.
  public var idleLimit: Duration = .seconds(7 * 24 * 3600)
  /// The families, largest first.
  public var groups: [Group]

  /// The sum of all entries.
  public var totalBytes: Int64 { entries.reduce(0) { $0 + $1.sizeBytes } }
  /// Whether the total is over the limit.
  public var overLimit: Bool { totalBytes > limitBytes }

  /// Entries not accessed within ``idleLimit`` of ``asOf``, which GitHub evicts; oldest first.
  public var stale: [CacheEntry] {
    entries.filter { entry in
      guard let accessed = entry.lastAccessedAt else { return false }
      return accessed.duration(to: asOf) > idleLimit
    }.sorted {
      ($0.lastAccessedAt?.nanosecondsSinceEpoch ?? 0, $0.key) < (
        $1.lastAccessedAt?.nanosecondsSinceEpoch ?? 0, $1.key
      )
    }
  }

  /// What least-recently-used eviction removes, in order, to bring the total under the limit.
  public var evictedFirst: [CacheEntry] {
    guard overLimit else { return [] }
    var total = totalBytes
    var evicted: [CacheEntry] = []
    let byAccess = entries.sorted {
      ($0.lastAccessedAt?.nanosecondsSinceEpoch ?? 0, $0.key) < (
        $1.lastAccessedAt?.nanosecondsSinceEpoch ?? 0, $1.key
      )
    }
    for entry in byAccess where total > limitBytes {
      evicted.append(entry)
      total -= entry.sizeBytes
    }
    return evicted
  }

  /// Analyses a listing.
  ///
  /// - Parameters:
  ///   - entries: The entries of every page (an entry listed twice, by id, counts once).
  ///   - limitBytes: The repository's limit (GitHub's default is 10 GB).
  ///   - asOf: The time to judge idle entries at.
  ///   - allocations: The planned allocations; the first that matches a family applies.
  public init(
    entries: [CacheEntry], limitBytes: Int64, asOf: LogTime,
    allocations: [Allocation] = Allocation.defaults
  ) {
    var seen = Set<Int64>()
    let unique = entries.filter { entry in
      guard let id = entry.id else { return true }
      return seen.insert(id).inserted
    }
    self.entries = unique.sorted { ($0.sizeBytes, $1.key) > ($1.sizeBytes, $0.key) }
    self.limitBytes = limitBytes
    self.asOf = asOf
    var groups: [String: Group] = [:]
    var keys: [String: Set<String>] = [:]
    for entry in unique {
      let name = Self.family(of: entry.key)
      groups[name, default: Group(name: name, bytes: 0, entries: 0, keys: 0)].bytes +=
        entry.sizeBytes
      groups[name]?.entries += 1
      keys[name, default: []].insert(entry.key)
    }
    self.groups = groups.values.map { group in
      var group = group
      group.keys = keys[group.name]?.count ?? 0
      group.allocation = allocations.first { Self.matches(group.name, pattern: $0.match) }
      return group
    }.sorted { ($0.bytes, $1.name) > ($1.bytes, $0.name) }
  }

  /// The family of a key: hash-like parts become `…`; after the last hash, the last of two or
  /// more parts becomes `*` (the variable part, such as a test type).
  ///
  /// `nix-v3-deps-3f9a…-8c21…-Linux-stable-unit` → `nix-v3-deps-…-Linux-stable-*`;
  /// `nix-v3-deps-3f9a…-8c21…` → `nix-v3-deps-…`; `Linux-cargo-<sha256>` → `Linux-cargo-…`.
  public static func family(of key: String) -> String {
    let parts = key.split(separator: "-", omittingEmptySubsequences: false).map(String.init)
    var output: [String] = []
    var lastHash = -1
    for part in parts {
      if isHash(part) {
        if output.last != "…" { output.append("…") }
        lastHash = output.count - 1
      } else {
        output.append(part)
      }
    }
    if lastHash >= 0, output.count - lastHash - 1 >= 2 { output[output.count - 1] = "*" }
    return output.joined(separator: "-")
  }

  private static func isHash(_ part: String) -> Bool {
    let hex = part.allSatisfy { $0.isHexDigit }
    if hex && part.count >= 8 { return true }
    let alphanumeric = part.allSatisfy { $0.isLetter || $0.isNumber }
    return alphanumeric && part.count >= 20 && part.contains { $0.isNumber }
  }

  /// Whether `name` matches a pattern where `*` stands for any text.
  static func matches(_ name: String, pattern: String) -> Bool {
    let pieces = pattern.split(separator: "*", omittingEmptySubsequences: false).map(String.init)
    guard pieces.count > 1 else { return name == pattern }
    var rest = Substring(name)
    guard let first = pieces.first, rest.hasPrefix(first) else { return false }
    rest = rest.dropFirst(first.count)
    for piece in pieces.dropFirst().dropLast() where !piece.isEmpty {
      guard let range = rest.firstRange(of: piece) else { return false }
      rest = rest[range.upperBound...]
    }
    return rest.hasSuffix(pieces.last ?? "")
  }
}

/// Reads sizes like `10GB`, `10 GiB`, `10gb`, `2.5G`, `1000000` (bytes), in any case.
public enum ByteSize {
  /// The bytes of `text`, or `nil` when it is not a size.
  public static func parse(_ text: String) -> Int64? {
    let trimmed = text.trimmedWhitespace().replacingSpaces().lowercased()
    let units: [(String, Double)] = [
      ("tib", 1_099_511_627_776), ("gib", 1_073_741_824), ("mib", 1_048_576), ("kib", 1024),
      ("tb", 1e12), ("gb", 1e9), ("mb", 1e6), ("kb", 1e3), ("t", 1e12), ("g", 1e9), ("m", 1e6),
      ("k", 1e3), ("b", 1),
    ]
    for (unit, factor) in units where trimmed.hasSuffix(unit) {
      guard let value = Double(trimmed.dropLast(unit.count)), value >= 0 else { return nil }
      let bytes = (value * factor).rounded()
      // At most 1 EB: anything larger is a typo, and would not fit in 64 bits anyway.
      guard bytes.isFinite, bytes <= 1e18 else { return nil }
      return Int64(bytes)
    }
    guard let value = Int64(trimmed), value >= 0 else { return nil }
    return value
  }
}

extension String {
  fileprivate func replacingSpaces() -> String { filter { $0 != " " } }
}
