internal import FoundationEssentials

/// Targets and cache allocations, from a `runlens.json` file.
///
/// ```json
/// {
///   "targets": { "cacheHitRate": 0.8, "restoreTimeSeconds": 300, "prBuildTimeReduction": 0.3 },
///   "budget": {
///     "limit": "10GB",
///     "allocations": [ { "match": "*-deps-…", "label": "shared dependencies", "bytesPerKey": "2GB" } ]
///   }
/// }
/// ```
///
/// Every key is optional; an unknown key or a bad value is an error.
public struct Configuration: Sendable, Hashable {
  /// The targets.
  public var targets: Targets = .default
  /// The repository's cache limit in bytes.
  public var limitBytes: Int64 = 10_000_000_000
  /// The planned allocations, first match wins.
  public var allocations: [CacheBudget.Allocation] = CacheBudget.Allocation.defaults

  /// The defaults: the reference CI's targets, a 10 GB limit and its allocations.
  public init() {}

  /// A configuration file that cannot be used.
  public typealias ParseError = DocumentError

  /// Reads a configuration file's JSON.
  ///
  /// - Throws: ``ParseError`` naming the unknown key or the bad value.
  public init(json bytes: [UInt8]) throws(ParseError) {
    let file: File
    do {
      file = try JSONDecoder().decode(File.self, from: Data(bytes))
    } catch let error as ParseError {
      throw error
    } catch let DecodingError.typeMismatch(_, context), let DecodingError.valueNotFound(_, context)
    {
      throw ParseError(
        message: "bad value at \(Self.path(context.codingPath)): \(context.debugDescription)")
    } catch let DecodingError.dataCorrupted(context) {
      throw ParseError(
        message: "not valid JSON at \(Self.path(context.codingPath)): \(context.debugDescription)")
    } catch {
      throw ParseError(message: "\(error)")
    }
    self.init()
    if let targets = file.targets {
      if let rate = targets.cacheHitRate {
        guard (0...1).contains(rate) else {
          throw ParseError(message: "targets.cacheHitRate must be from 0 to 1, not \(rate)")
        }
        self.targets.cacheHitRate = rate
      }
      if let rate = targets.exactHitRate {
        guard (0...1).contains(rate) else {
          throw ParseError(message: "targets.exactHitRate must be from 0 to 1, not \(rate)")
        }
        self.targets.exactHitRate = rate
      }
      if let seconds = targets.restoreTimeSeconds {
        guard seconds > 0, seconds <= 86_400 * 365 else {
          throw ParseError(
            message: "targets.restoreTimeSeconds must be from 0 to a year, not \(seconds)")
        }
        self.targets.restoreTime = .milliseconds(Int64(seconds * 1000))
      }
      if let reduction = targets.prBuildTimeReduction {
        guard (0..<1).contains(reduction) else {
          throw ParseError(
            message: "targets.prBuildTimeReduction must be from 0 to 1, not \(reduction)")
        }
        self.targets.prBuildTimeReduction = reduction
      }
    }
    if let budget = file.budget {
      if let limit = budget.limit {
        guard let bytes = ByteSize.parse(limit), bytes > 0 else {
          throw ParseError(
            message: "budget.limit is not a size: \"\(limit)\" (try \"10GB\" or \"10GiB\")")
        }
        limitBytes = bytes
      }
      if let allocations = budget.allocations {
        self.allocations = try allocations.map { allocation throws(ParseError) in
          guard let bytes = ByteSize.parse(allocation.bytesPerKey) else {
            throw ParseError(
              message:
                "budget.allocations: bytesPerKey is not a size: \"\(allocation.bytesPerKey)\"")
          }
          return CacheBudget.Allocation(
            match: allocation.match, label: allocation.label ?? allocation.match, bytesPerKey: bytes
          )
        }
      }
    }
  }

  private static func path(_ keys: [any CodingKey]) -> String {
    keys.isEmpty ? "the top level" : keys.map(\.stringValue).joined(separator: ".")
  }

  /// Decodes an object and rejects keys it does not know.
  private struct StrictKeys: CodingKey {
    var stringValue: String
    var intValue: Int? { nil }
    init(stringValue: String) { self.stringValue = stringValue }
    init?(intValue: Int) { nil }
  }

  private static func reject(_ decoder: any Decoder, allowing known: Set<String>, at place: String)
    throws
  {
    let container = try decoder.container(keyedBy: StrictKeys.self)
    for key in container.allKeys where !known.contains(key.stringValue) {
      throw ParseError(
        message:
          "unknown key \"\(key.stringValue)\" in \(place) (known: \(known.sorted().joined(separator: ", ")))"
      )
    }
  }

  private struct File: Decodable {
    var targets: TargetsPart?
    var budget: BudgetPart?

    init(from decoder: any Decoder) throws {
      try Configuration.reject(decoder, allowing: ["targets", "budget"], at: "the top level")
      let container = try decoder.container(keyedBy: Keys.self)
      targets = try container.decodeIfPresent(TargetsPart.self, forKey: .targets)
      budget = try container.decodeIfPresent(BudgetPart.self, forKey: .budget)
    }

    enum Keys: String, CodingKey { case targets, budget }
  }

  private struct TargetsPart: Decodable {
    var cacheHitRate: Double?
    var exactHitRate: Double?
    var restoreTimeSeconds: Double?
    var prBuildTimeReduction: Double?

    init(from decoder: any Decoder) throws {
      try Configuration.reject(
        decoder,
        allowing: ["cacheHitRate", "exactHitRate", "restoreTimeSeconds", "prBuildTimeReduction"],
        at: "targets")
      let container = try decoder.container(keyedBy: Keys.self)
      cacheHitRate = try container.decodeIfPresent(Double.self, forKey: .cacheHitRate)
      exactHitRate = try container.decodeIfPresent(Double.self, forKey: .exactHitRate)
      restoreTimeSeconds = try container.decodeIfPresent(Double.self, forKey: .restoreTimeSeconds)
      prBuildTimeReduction = try container.decodeIfPresent(
        Double.self, forKey: .prBuildTimeReduction)
    }

    enum Keys: String, CodingKey {
      case cacheHitRate, exactHitRate, restoreTimeSeconds, prBuildTimeReduction
    }
  }

  private struct BudgetPart: Decodable {
    var limit: String?
    var allocations: [AllocationPart]?

    init(from decoder: any Decoder) throws {
      try Configuration.reject(decoder, allowing: ["limit", "allocations"], at: "budget")
      let container = try decoder.container(keyedBy: Keys.self)
      limit = try container.decodeIfPresent(String.self, forKey: .limit)
      allocations = try container.decodeIfPresent([AllocationPart].self, forKey: .allocations)
    }

    enum Keys: String, CodingKey { case limit, allocations }
  }

  private struct AllocationPart: Decodable {
    var match: String
    var label: String?
    var bytesPerKey: String

    init(from decoder: any Decoder) throws {
      try Configuration.reject(
        decoder, allowing: ["match", "label", "bytesPerKey"], at: "budget.allocations")
      let container = try decoder.container(keyedBy: Keys.self)
      match = try container.decode(String.self, forKey: .match)
      label = try container.decodeIfPresent(String.self, forKey: .label)
      bytesPerKey = try container.decode(String.self, forKey: .bytesPerKey)
    }

    enum Keys: String, CodingKey { case match, label, bytesPerKey }
  }
}
