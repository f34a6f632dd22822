/// Why a cache missed, judged against the repository's cache listing (the same files
/// `runlens budget` reads) and the run's ref.
///
/// GitHub lets a run restore entries saved by its own ref and by the default branch (a pull
/// request also those of its base branch, which a listing does not name). Without the
/// repository's settings, the default branch is taken to be `refs/heads/main` or
/// `refs/heads/master`. A key's *family* is its segments before the first hash-like one
/// (``KeyAnatomy``), or all but the last when none is hash-like: `Linux-cargo-<hash>` is of
/// family `Linux-cargo`.
///
/// - `key-changed`: an entry of the family is visible to the run, under another key; the
///   detail names the segments that differ.
/// - `other-ref`: entries of the family exist, but only on refs the run cannot restore from.
/// - `absent`: nothing of the family is in the listing: never saved, or evicted (idle for 7
///   days, or pushed out by the repository's size limit); the detail gives the listing's size
///   and oldest access.
public enum CacheMissReasons {
  /// The family of a key.
  public static func family(_ key: String) -> String {
    let segments = KeyAnatomy.segments(key)
    if let first = segments.firstIndex(where: { KeyAnatomy.isHashLike(String($0)) }) {
      return segments[..<first].joined(separator: "-")
    }
    return segments.dropLast().joined(separator: "-")
  }

  /// Whether a run on `runRef` can restore an entry saved by `entryRef`.
  public static func isVisible(entryRef: String?, from runRef: String?) -> Bool {
    guard let entryRef else { return true }
    if entryRef == runRef { return true }
    return entryRef == "refs/heads/main" || entryRef == "refs/heads/master"
  }

  /// Sets ``CacheRestore/missReason`` and ``CacheRestore/missDetail`` on every miss of the
  /// report that has a primary key.
  ///
  /// - Parameters:
  ///   - report: The report.
  ///   - entries: The repository's cache entries.
  ///   - ref: The run's ref (`refs/heads/main`, `refs/pull/12/merge`); `nil` when unknown, and
  ///     then only the default branch's entries count as visible.
  public static func apply(to report: inout RunReport, entries: [CacheEntry], ref: String?) {
    for job in report.jobs.indices {
      for index in report.jobs[job].restores.indices {
        let restore = report.jobs[job].restores[index]
        guard restore.outcome == .miss, let key = restore.primaryKey else { continue }
        let (reason, detail) = judge(restore, key: key, entries: entries, ref: ref)
        report.jobs[job].restores[index].missReason = reason
        report.jobs[job].restores[index].missDetail = detail
      }
    }
  }

  static func judge(
    _ restore: CacheRestore, key: String, entries: [CacheEntry], ref: String?
  ) -> (String, String) {
    let family = family(key)
    let members = entries.filter { Self.family($0.key) == family }
    let visible = members.filter { isVisible(entryRef: $0.ref, from: ref) }
    if let nearest = visible.max(by: { lhs, rhs in
      (lhs.lastAccessedAt?.text ?? "") < (rhs.lastAccessedAt?.text ?? "")
    }) {
      let diff = KeyAnatomy.diff(key, nearest.key)
      var detail =
        "'\(nearest.key)' (\(nearest.ref ?? "a visible ref")) is of the same family; the key "
        + KeyAnatomy.describe(diff, segmentCount: KeyAnatomy.segments(key).count)
      if diff.isEmpty {
        detail =
          "an entry with this key exists on \(nearest.ref ?? "a visible ref") but was not restored: its version (paths, compression or OS) differs"
      } else if restore.restoreKeys.isEmpty {
        detail += "; without restore-keys it could not serve as a fallback"
      } else if !restore.restoreKeys.contains(where: { nearest.key.hasPrefix($0) }) {
        detail += "; no restore key is a prefix of it"
      }
      return ("key-changed", detail)
    }
    if !members.isEmpty {
      let refs = Set(members.compactMap(\.ref)).sorted()
      let exact = members.contains { $0.key == key }
      return (
        "other-ref",
        "\(members.count) entr\(members.count == 1 ? "y" : "ies") of family '\(family)'"
          + (exact ? " (one with this very key)" : "")
          + " exist only on \(refs.joined(separator: ", ")), which a run on \(ref ?? "this ref") cannot restore"
      )
    }
    let total = entries.reduce(Int64(0)) { $0 &+ $1.sizeBytes }
    let oldest = entries.compactMap { $0.lastAccessedAt?.text }.min()
    var detail =
      "no entry of family '\(family)' in the listing (\(entries.count) entries, \(total) bytes"
    if let oldest { detail += ", oldest access \(oldest)" }
    detail += "): never saved, or evicted (idle 7 days, or over the repository's limit)"
    return ("absent", detail)
  }
}
