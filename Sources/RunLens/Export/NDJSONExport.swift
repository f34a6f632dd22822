/// Runs as newline-delimited JSON, one document a table, for DuckDB, BigQuery and ClickHouse.
///
/// Each line is one flat object with the table's columns (``HistoryTable/columns``) in a
/// fixed order, every column present (`null` when unknown), integers as JSON integers and
/// booleans as JSON booleans, so `read_json_auto`, BigQuery's newline-delimited JSON and
/// ClickHouse's `JSONEachRow` infer the same types from every file.
public enum NDJSONExport {
  /// The rows of `table` for every run, one JSON object a line, each line ending in `\n`.
  ///
  /// - Parameters:
  ///   - runs: The runs.
  ///   - table: The table.
  /// - Returns: The NDJSON text (empty when the table has no rows).
  public static func render(_ runs: [HistoryRun], table: HistoryTable) -> String {
    let names = table.columns.map { quoted($0.name) + ":" }
    var output = ""
    for run in runs {
      for row in run.rows(table, key: run.key) {
        output += "{"
        for (index, cell) in row.enumerated() {
          if index > 0 { output += "," }
          output += names[index]
          output += value(cell)
        }
        output += "}\n"
      }
    }
    return output
  }

  /// A cell as a JSON value.
  static func value(_ cell: HistoryCell) -> String {
    switch cell {
    case .null: "null"
    case .int(let value): String(value)
    case .bool(let value): value ? "true" : "false"
    case .string(let value): quoted(value)
    }
  }

  /// A JSON string literal, with control characters escaped.
  static func quoted(_ text: String) -> String {
    // Most names need no escape: checked on the bytes, copied whole.
    if !text.utf8.contains(where: { $0 < 0x20 || $0 == 0x22 || $0 == 0x5C }) {
      return "\"" + text + "\""
    }
    var output = "\""
    for scalar in text.unicodeScalars {
      switch scalar {
      case "\"": output += "\\\""
      case "\\": output += "\\\\"
      case "\n": output += "\\n"
      case "\r": output += "\\r"
      case "\t": output += "\\t"
      case _ where scalar.value < 0x20:
        let hex = String(scalar.value, radix: 16)
        output += "\\u" + String(repeating: "0", count: 4 - hex.count) + hex
      default: output.unicodeScalars.append(scalar)
      }
    }
    return output + "\""
  }
}
