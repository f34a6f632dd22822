internal import FoundationEssentials

/// One entry of a repository's Actions cache.
public struct CacheEntry: Sendable, Hashable, Codable {
  /// The entry's id.
  public var id: Int64?
  /// The key it was saved under.
  public var key: String
  /// The ref that saved it (`refs/heads/main`, `refs/pull/19/merge`).
  public var ref: String?
  /// Its size in bytes.
  public var sizeBytes: Int64
  /// When it was last restored (or created).
  public var lastAccessedAt: LogTime?
  /// When it was created.
  public var createdAt: LogTime?
}

/// Reads `gh cache list --json …` output (an array, camelCase) and the REST
/// `GET /repos/{o}/{r}/actions/caches` envelope (`{"total_count", "actions_caches": […]}`).
public enum CacheListing {
  /// A document that is not a cache listing.
  public typealias ParseError = DocumentError

  /// The entries of one listing document.
  ///
  /// - Throws: ``ParseError`` when the text is not a listing.
  public static func parse(_ bytes: [UInt8]) throws(ParseError) -> [CacheEntry] {
    // `gh api --paginate` writes the pages back to back, `--slurp` as an array of pages.
    var raw: [Raw] = []
    for document in JSONPages.split(bytes) {
      if let list = JSONList.decode(document, envelope: Envelope.self, items: { $0.actions_caches })
      {
        raw += list
      } else if let pages = try? JSONDecoder().decode([Envelope].self, from: Data(document)),
        !pages.isEmpty, pages.allSatisfy({ $0.actions_caches != nil })
      {
        raw += pages.flatMap { $0.actions_caches ?? [] }
      } else {
        throw ParseError(
          message:
            "not a cache listing: expected `gh cache list --json …` output or the REST caches envelope"
        )
      }
    }
    return raw.map { entry in
      CacheEntry(
        id: entry.id, key: entry.key, ref: entry.ref,
        sizeBytes: entry.size_in_bytes ?? entry.sizeInBytes ?? 0,
        lastAccessedAt: (entry.last_accessed_at ?? entry.lastAccessedAt).flatMap(
          LogTime.init(parsingISO8601:)),
        createdAt: (entry.created_at ?? entry.createdAt).flatMap(LogTime.init(parsingISO8601:)))
    }
  }

  // The REST API writes snake_case, gh camelCase: both spellings are optional fields.
  // swift-format-ignore: AlwaysUseLowerCamelCase
  private struct Envelope: Decodable {
    var actions_caches: [Raw]?
  }

  // swift-format-ignore: AlwaysUseLowerCamelCase
  private struct Raw: Decodable {
    var id: Int64?
    var key: String
    var ref: String?
    var size_in_bytes: Int64?
    var sizeInBytes: Int64?
    var last_accessed_at: String?
    var lastAccessedAt: String?
    var created_at: String?
    var createdAt: String?
  }
}
