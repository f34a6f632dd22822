/// Renders a ``CacheBudget`` as JSON and Markdown.
public enum CacheBudgetReport {
  /// The version of the budget JSON contract.
  public static let schemaVersion = 1

  /// A size in decimal and binary units: `10.1 GB (9.4 GiB)`.
  package static func bothUnits(_ bytes: Int64) -> String {
    "\(Markdown.bytes(bytes)) (\(Markdown.binaryBytes(bytes)))"
  }

  /// The budget as JSON (sorted keys, pretty-printed, one trailing newline).
  public static func json(_ budget: CacheBudget, advice: [Advice]) -> String {
    func entry(_ entry: CacheEntry) -> JSONValue {
      .object([
        "key": .string(entry.key),
        "ref": MetricsJSON.string(entry.ref),
        "sizeBytes": .int(entry.sizeBytes),
        "lastAccessedAt": MetricsJSON.time(entry.lastAccessedAt),
        "createdAt": MetricsJSON.time(entry.createdAt),
      ])
    }
    return JSONValue.object([
      "schemaVersion": .int(Int64(schemaVersion)),
      "totalBytes": .int(budget.totalBytes),
      "entries": .int(Int64(budget.entries.count)),
      "limitBytes": .int(budget.limitBytes),
      "overLimit": .bool(budget.overLimit),
      "limitDecimalBytes": .int(10_000_000_000),
      "limitBinaryBytes": .int(10_737_418_240),
      "asOf": .string(budget.asOf.text),
      "groups": .array(
        budget.groups.map { group in
          .object([
            "name": .string(group.name), "bytes": .int(group.bytes),
            "entries": .int(Int64(group.entries)),
            "keys": .int(Int64(group.keys)),
            "allocation": .optional(group.allocation) { allocation in
              .object([
                "label": .string(allocation.label), "bytesPerKey": .int(allocation.bytesPerKey),
                "allowedBytes": .optional(group.allowedBytes, JSONValue.int),
                "over": .bool(group.overAllocation),
              ])
            },
          ])
        }),
      "largest": .array(budget.entries.prefix(10).map(entry)),
      "stale": .array(
        budget.stale.map {
          .object([
            "key": .string($0.key), "lastAccessedAt": MetricsJSON.time($0.lastAccessedAt),
            "sizeBytes": .int($0.sizeBytes),
          ])
        }),
      "evictedFirst": .array(budget.evictedFirst.map(entry)),
      "advice": .array(
        advice.map { .object(["id": .string($0.id), "message": .string($0.message)]) }),
    ]).render()
  }

  /// The most rows of one table; the JSON has every row.
  static let rows = 50

  private static func more(_ count: Int) -> String {
    count > rows ? "\n*\(count - rows) more rows are in the JSON (`--format json`).*\n" : ""
  }

  /// The report when a listing could not be read: the error is the headline, and there is no
  /// verdict on caches only partly known.
  ///
  /// - Parameter unreadable: Each listing that could not be read, with why.
  /// - Returns: Markdown ending with one newline.
  public static func markdown(unreadable: [Diagnostic]) -> String {
    var out = "## runlens · cache budget\n\n"
    out += "> [!CAUTION]\n> **No verdict:** \(unreadable.count) cache listing"
    out += unreadable.count == 1 ? " could not be read" : "s could not be read"
    out += ", so the caches are not known.\n\n"
    for diagnostic in unreadable {
      out += "- \(Markdown.code(diagnostic.location)): \(Markdown.text(diagnostic.message))\n"
    }
    return out
  }

  /// The JSON when a listing could not be read: no figures and no verdict (`overLimit` is
  /// `null`), and the listings that failed.
  public static func json(unreadable: [Diagnostic]) -> String {
    JSONValue.object([
      "schemaVersion": .int(Int64(schemaVersion)),
      "overLimit": .null,
      "unreadable": .array(
        unreadable.map {
          .object(["source": MetricsJSON.string($0.source), "message": .string($0.message)])
        }),
    ]).render()
  }

  /// The budget as Markdown.
  public static func markdown(_ budget: CacheBudget, advice: [Advice]) -> String {
    var out = "## runlens · cache budget\n\n"
    let share = Double(budget.totalBytes) / Double(max(1, budget.limitBytes))
    out += budget.overLimit ? "**❌ Over the limit:** " : "**✅ Within the limit:** "
    out += "\(budget.entries.count) entries take \(bothUnits(budget.totalBytes)) of "
    out +=
      "\(bothUnits(budget.limitBytes)) (\(Markdown.percent(share))) as of \(Markdown.dateTime(budget.asOf)).\n\n"
    let decimal: Int64 = 10_000_000_000
    let binary: Int64 = 10_737_418_240
    if budget.limitBytes == decimal || budget.limitBytes == binary,
      (budget.totalBytes > decimal) != (budget.totalBytes > binary)
    {
      out +=
        "> [!NOTE]\n> GitHub says \"10 GB\" without saying which: the total is over 10 × 10⁹ bytes but under "
      out +=
        "10 × 2³⁰ bytes (\(Markdown.bytes(binary))). Both readings are shown; `--limit` chooses.\n\n"
    }
    out +=
      "### Key families\n\n| Family | Size | Entries | Keys | Allocation (per key × keys) |\n| --- | ---: | ---: | ---: | --- |\n"
    for group in budget.groups.prefix(rows) {
      var allocation = "—"
      if let allowed = group.allowedBytes, let plan = group.allocation {
        allocation =
          "\(group.overAllocation ? "❌" : "✅") \(Markdown.bytes(allowed)) (\(Markdown.text(plan.label)))"
      }
      out +=
        "| \(Markdown.code(group.name)) | \(Markdown.bytes(group.bytes)) | \(group.entries) | \(group.keys) | \(allocation) |\n"
    }
    out += more(budget.groups.count)
    out += "\n### Largest entries\n\n| Key | Ref | Size | Last used |\n| --- | --- | ---: | --- |\n"
    for entry in budget.entries.prefix(10) {
      out +=
        "| \(Markdown.code(entry.key)) | \(entry.ref.map(Markdown.code) ?? "—") | \(Markdown.bytes(entry.sizeBytes)) | "
      out += "\(entry.lastAccessedAt.map(Markdown.dateTime) ?? "—") |\n"
    }
    out += entryTable("Idle more than 7 days (GitHub evicts these)", budget.stale)
    out += entryTable(
      "Evicted first (least recently used) to get under the limit", budget.evictedFirst)
    out += adviceSection(advice)
    return MarkdownSummary.finished(out)
  }

  /// A titled table of entries (key, size, last use), or nothing when there are none.
  private static func entryTable(_ title: String, _ entries: [CacheEntry]) -> String {
    guard !entries.isEmpty else { return "" }
    var out = "\n### \(title)\n\n| Key | Size | Last used |\n| --- | ---: | --- |\n"
    for entry in entries.prefix(rows) {
      out += "| \(Markdown.code(entry.key)) | \(Markdown.bytes(entry.sizeBytes)) | "
      out += "\(entry.lastAccessedAt.map(Markdown.dateTime) ?? "—") |\n"
    }
    return out + more(entries.count)
  }

  /// The advice as a Markdown section, or nothing when there is none.
  static func adviceSection(_ advice: [Advice]) -> String {
    guard !advice.isEmpty else { return "" }
    return "\n### Advice\n\n" + advice.map { "- \(Markdown.text($0.message))\n" }.joined()
  }
}
