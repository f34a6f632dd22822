/// What `runlens report` writes, and where, for a report and its output options: the program
/// only carries the writes out, in order.
package struct ReportOutputs: Sendable {
  /// Where a write goes.
  package enum Destination: Sendable, Hashable {
    /// Standard output.
    case standardOutput
    /// A file, replaced.
    case file(String)
    /// A file appended to (the step summary).
    case append(String)
  }

  /// One write: the bytes and where they go.
  package struct Write: Sendable, Hashable {
    /// Where the bytes go.
    package var destination: Destination
    /// The UTF-8 bytes.
    package var bytes: [UInt8]
  }

  /// Whether the primary output is the JSON metrics (else the Markdown summary).
  package var json = false
  /// The primary output's file; `nil` for standard output.
  package var output: String?
  /// A file that also gets the JSON metrics.
  package var jsonPath: String?
  /// The step-summary file (`$GITHUB_STEP_SUMMARY`) and its size in bytes before this write.
  package var stepSummary: (path: String, existingBytes: Int)?
  /// Whether `::warning::` and `::notice::` workflow commands go to standard output first.
  package var annotations = false

  /// Output options with nothing chosen: the Markdown summary on standard output.
  package init() {}

  /// Whether the primary output is written: always, unless the only output asked for is the
  /// step summary.
  package var writesPrimary: Bool { json || output != nil || stepSummary == nil }

  /// The writes, in order: annotations, the step summary, the primary output, the JSON file.
  ///
  /// - Returns: The writes, and warnings to show (a step summary with no room left).
  package func writes(_ report: RunReport) -> (writes: [Write], warnings: [String]) {
    var writes: [Write] = []
    var warnings: [String] = []
    let wantsJSON = jsonPath != nil || (writesPrimary && json)
    let metrics = wantsJSON ? MetricsJSON.renderUTF8(report) : nil
    if annotations {
      let lines = Annotations.render(report)
      if !lines.isEmpty {
        writes.append(Write(.standardOutput, lines.joined(separator: "\n") + "\n"))
      }
    }
    if let stepSummary {
      if let text = MarkdownSummary.stepSummary(report, existingBytes: stepSummary.existingBytes) {
        writes.append(Write(.append(stepSummary.path), text))
      } else {
        warnings.append(
          "\(stepSummary.path): the step summary has \(stepSummary.existingBytes) bytes "
            + "already; no room for runlens")
      }
    }
    let primary: Destination = output.map(Destination.file) ?? .standardOutput
    if writesPrimary, !json {
      writes.append(Write(primary, MarkdownSummary.render(report)))
    } else if writesPrimary, let metrics {
      writes.append(Write(destination: primary, bytes: metrics))
    }
    if let jsonPath, let metrics {
      writes.append(Write(destination: .file(jsonPath), bytes: metrics))
    }
    return (writes, warnings)
  }
}

extension ReportOutputs.Write {
  /// A write of `text`'s UTF-8 bytes.
  init(_ destination: ReportOutputs.Destination, _ text: String) {
    self.init(destination: destination, bytes: Array(text.utf8))
  }
}

extension MarkdownSummary {
  /// The Markdown summary to append to a step-summary file that holds `existingBytes`
  /// already, rendered for the room it has left under GitHub's 1 MiB limit (with less detail
  /// when needed).
  ///
  /// - Returns: The text (with a blank line first when the file is not empty), or `nil` when
  ///   less than 1 KiB is left.
  package static func stepSummary(_ report: RunReport, existingBytes: Int) -> String? {
    let room = stepSummaryLimit.saturatingSubtracting(existingBytes).saturatingSubtracting(2)
    guard room >= 1024 else { return nil }
    var options = Options.default
    options.byteBudget = min(options.byteBudget, room)
    return (existingBytes > 0 ? "\n" : "") + render(report, options: options)
  }
}
