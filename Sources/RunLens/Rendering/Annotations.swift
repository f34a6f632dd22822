/// Renders workflow commands (`::warning …::message`) for what a run should act on: missed
/// targets and failed cache saves.
///
/// The runner keeps at most 10 annotations of each kind per step, so at most 10 of each are
/// written. Messages and properties are escaped as the workflow-command syntax requires.
public enum Annotations {
  /// The most annotations of one kind the runner keeps per step.
  public static let perKind = 10

  /// The workflow-command lines for `report`.
  public static func render(_ report: RunReport) -> [String] {
    var warnings: [String] = []
    var notices: [String] = []
    for target in report.targets where target.met == false {
      guard let value = target.value else { continue }
      let comparison = target.comparison == .above ? "above" : "below"
      warnings.append(
        command(
          "warning", title: "runlens: \(MarkdownSummary.targetName(target.id).lowercased()) missed",
          message:
            "\(plain(target.id)) is \(MarkdownSummary.format(value, target.unit)); the target is \(comparison) \(MarkdownSummary.format(target.threshold, target.unit))"
        ))
    }
    for job in report.jobs {
      for save in job.saves where save.outcome == .failed {
        let key = save.key ?? "unknown key"
        if save.reservationConflict {
          notices.append(
            command(
              "notice", title: "runlens: cache save skipped",
              message: "\(job.name) / \(save.step): another job was saving \(key) at the same time")
          )
        } else {
          warnings.append(
            command(
              "warning", title: "runlens: cache save failed",
              message: "\(job.name) / \(save.step): \(key): \(save.message ?? "failed")"))
        }
      }
    }
    if let notice = unannotatedTests(report) { notices.insert(notice, at: 0) }
    return failingTests(report) + Array(warnings.prefix(perKind)) + Array(notices.prefix(perKind))
  }

  private static func plain(_ text: String) -> String { text }

  /// `::KIND title=TITLE::MESSAGE` with the syntax's escapes.
  static func command(_ kind: String, title: String, message: String) -> String {
    "::\(kind) title=\(escapeProperty(title))::\(escapeData(String(message.prefix(4000))))"
  }

  /// `%`, CR and LF in a message.
  static func escapeData(_ text: String) -> String {
    var output = ""
    for scalar in text.unicodeScalars {
      switch scalar {
      case "%": output += "%25"
      case "\r": output += "%0D"
      case "\n": output += "%0A"
      default: output.unicodeScalars.append(scalar)
      }
    }
    return output
  }

  /// A message's escapes plus `:` and `,` in a property value.
  static func escapeProperty(_ text: String) -> String {
    var output = ""
    for character in escapeData(text) {
      switch character {
      case ":": output += "%3A"
      case ",": output += "%2C"
      default: output.append(character)
      }
    }
    return output
  }
}
