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
    /// The UTF-8 bytes, in pieces written one after the other (the halves of a large JSON
    /// document are not joined first).
    package var pieces: [[UInt8]]

    /// A write of `bytes`.
    package init(destination: Destination, bytes: [UInt8]) {
      self.init(destination: destination, pieces: [bytes])
    }

    /// A write of `pieces`, one after the other.
    package init(destination: Destination, pieces: [[UInt8]]) {
      self.destination = destination
      self.pieces = pieces
    }

    /// The bytes, joined.
    package var bytes: [UInt8] { pieces.count == 1 ? pieces[0] : Array(pieces.joined()) }

    /// Writes are equal when their destinations and bytes are, however the bytes are cut.
    package static func == (left: Write, right: Write) -> Bool {
      left.destination == right.destination
        && left.pieces.joined().elementsEqual(right.pieces.joined())
    }

    package func hash(into hasher: inout Hasher) {
      hasher.combine(destination)
      for piece in pieces { for byte in piece { hasher.combine(byte) } }
    }
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
  /// - Parameters:
  ///   - report: The report.
  ///   - concurrently: Runs `other`, possibly on another thread, while the calling thread runs
  ///     `here`, and returns when both have ended. The metrics JSON renders in `other` and the
  ///     Markdown in `here` (the CLI passes a thread: with 25,000 test names each takes a few
  ///     milliseconds); when the JSON is the only output, half its jobs render on each side.
  ///     By default one after the other.
  /// - Returns: The writes, and warnings to show (a step summary with no room left).
  package func writes(
    _ report: RunReport,
    concurrently: (_ other: @escaping @Sendable () -> Void, _ here: () -> Void) -> Void = {
      $0()
      $1()
    }
  ) -> (writes: [Write], warnings: [String]) {
    let wantsJSON = jsonPath != nil || (writesPrimary && json)
    let metrics = RenderedPieces()
    var annotationLines: [String] = []
    var summary: String?
    var markdown: String?
    if wantsJSON, !annotations, stepSummary == nil, json {
      // The JSON alone: its jobs' halves on both sides.
      metrics.pieces = MetricsJSON.renderPieces(report, concurrently: concurrently)
    } else {
      concurrently(
        { if wantsJSON { metrics.pieces = [MetricsJSON.renderUTF8(report)] } },
        {
          if annotations { annotationLines = Annotations.render(report) }
          if let stepSummary {
            summary = MarkdownSummary.stepSummary(
              report, existingBytes: stepSummary.existingBytes)
          }
          if writesPrimary, !json { markdown = MarkdownSummary.render(report) }
        })
    }
    var writes: [Write] = []
    var warnings: [String] = []
    if !annotationLines.isEmpty {
      writes.append(Write(.standardOutput, annotationLines.joined(separator: "\n") + "\n"))
    }
    if let stepSummary {
      if let summary {
        writes.append(Write(.append(stepSummary.path), summary))
      } else {
        warnings.append(
          "\(stepSummary.path): the step summary has \(stepSummary.existingBytes) bytes "
            + "already; no room for runlens")
      }
    }
    let primary: Destination = output.map(Destination.file) ?? .standardOutput
    if let markdown {
      writes.append(Write(primary, markdown))
    } else if writesPrimary, let pieces = metrics.pieces {
      writes.append(Write(destination: primary, pieces: pieces))
    }
    if let jsonPath, let pieces = metrics.pieces {
      writes.append(Write(destination: .file(jsonPath), pieces: pieces))
    }
    return (writes, warnings)
  }
}

/// The metrics JSON rendered by the other side of ``ReportOutputs/writes(_:concurrently:)``:
/// written there and read here only after both sides ended, so it needs no lock.
private final class RenderedPieces: @unchecked Sendable {
  var pieces: [[UInt8]]?
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
