internal import FoundationEssentials

/// A job as the REST jobs API (`GET …/actions/runs/{id}/jobs`) or `gh run view --json jobs`
/// describes it.
package struct APIJob: Sendable, Hashable {
  /// A step of the job.
  package struct Step: Sendable, Hashable {
    /// The step's number (1-based, in run order).
    package var number: Int
    /// The step's name (`Set up job`, the workflow's `name:`, `Post …`, `Complete job`).
    package var name: String
    /// `success`, `failure`, `skipped`, `cancelled`, … or `nil` while running.
    package var conclusion: String?
    /// When the step started (whole seconds in current responses).
    package var startedAt: LogTime?
    /// When the step completed.
    package var completedAt: LogTime?
  }

  /// The job's display name (the same as the log's `Complete job name:`).
  package var name: String
  /// The job's id.
  package var id: Int64?
  /// The job's conclusion, or `nil` while running.
  package var conclusion: String?
  /// `queued`, `in_progress`, `completed`, `waiting`, `requested`, `pending`, or `nil` when the
  /// document does not say (gh's `status` is the same word).
  package var status: String?
  /// When the job started.
  package var startedAt: LogTime?
  /// When the job completed.
  package var completedAt: LogTime?
  /// The job's steps in number order.
  package var steps: [Step]
  /// The job's page on GitHub.
  package var url: String?
}

/// Reads the jobs JSON of the REST API (`{"total_count": N, "jobs": […]}`, snake_case) and of
/// `gh run view --json jobs` (`{"jobs": […]}`, camelCase), or a bare array of jobs.
///
/// Saved pages come in the shapes `gh api` writes: one page, `--paginate` output (the pages'
/// objects back to back), or `--slurp` output (an array of pages).
package enum JobsAPI {
  /// A jobs document that could not be read.
  package typealias ParseError = DocumentError

  /// The jobs of a document.
  ///
  /// - Parameter bytes: The JSON text.
  /// - Returns: The jobs in document order.
  /// - Throws: ``ParseError`` when the text is not a jobs document.
  package static func parse(_ bytes: [UInt8]) throws(ParseError) -> [APIJob] {
    var raw: [RawJob] = []
    let documents = JSONPages.split(bytes)
    for document in documents {
      if let list = JSONList.decode(document, envelope: Envelope.self, items: { $0.jobs }) {
        raw += list
      } else if let pages = try? JSONDecoder().decode([Envelope].self, from: Data(document)),
        !pages.isEmpty, pages.allSatisfy({ $0.jobs != nil })
      {
        raw += pages.flatMap { $0.jobs ?? [] }
      } else {
        throw ParseError(
          message: documents.count > 1
            ? "not a jobs document: a page of the concatenated pages is not a jobs envelope"
            : "not a jobs document: expected the jobs API envelope, gh api --paginate or "
              + "--slurp pages, or gh run view --json jobs")
      }
    }
    return raw.map { job in
      APIJob(
        name: job.name, id: job.id ?? job.databaseId, conclusion: nonEmpty(job.conclusion),
        status: nonEmpty(job.status),
        startedAt: time(job.started_at ?? job.startedAt),
        completedAt: time(job.completed_at ?? job.completedAt),
        steps: (job.steps ?? []).map { step in
          APIJob.Step(
            number: step.number ?? 0, name: step.name, conclusion: nonEmpty(step.conclusion),
            startedAt: time(step.started_at ?? step.startedAt),
            completedAt: time(step.completed_at ?? step.completedAt))
        }.sorted { $0.number < $1.number },
        url: job.html_url ?? job.url)
    }
  }

  // Both spellings are optional fields: the REST API writes snake_case, gh camelCase.
  // swift-format-ignore: AlwaysUseLowerCamelCase
  private struct Envelope: Decodable {
    var jobs: [RawJob]?
  }

  // swift-format-ignore: AlwaysUseLowerCamelCase
  private struct RawJob: Decodable {
    var name: String
    var id: Int64?
    var databaseId: Int64?
    var conclusion: String?
    var status: String?
    var started_at: String?
    var startedAt: String?
    var completed_at: String?
    var completedAt: String?
    var html_url: String?
    var url: String?
    var steps: [RawStep]?
  }

  // swift-format-ignore: AlwaysUseLowerCamelCase
  private struct RawStep: Decodable {
    var name: String
    var number: Int?
    var conclusion: String?
    var started_at: String?
    var startedAt: String?
    var completed_at: String?
    var completedAt: String?
  }

  private static func nonEmpty(_ value: String?) -> String? {
    guard let value, !value.isEmpty else { return nil }
    return value
  }

  /// An API time; gh's `0001-01-01T00:00:00Z` means unset.
  private static func time(_ value: String?) -> LogTime? {
    guard let text = value, !text.hasPrefix("0001-01-01") else { return nil }
    return LogTime(parsingISO8601: text)
  }
}

extension LogTime {
  /// Parses an ISO 8601 time with `Z` or a `±HH:MM` offset, with or without a fraction.
  ///
  /// The initializer fails for other forms, and for a time whose instant does not fit in an
  /// `Int64` of nanoseconds (see ``LogTime``).
  ///
  /// - Parameter text: The time, for example `2019-08-08T15:00:00.000-08:00`.
  public init?(parsingISO8601 text: String) {
    // A date alone is midnight UTC of that day.
    if text.count == 10,
      text.utf8.allSatisfy({ $0 == UInt8(ascii: "-") || (48...57).contains($0) }),
      let midnight = LogTime(parsing: text + "T00:00:00Z")
    {
      self = LogTime(text: text, nanosecondsSinceEpoch: midnight.nanosecondsSinceEpoch)
      return
    }
    if let plain = LogTime(parsing: text) {
      self = plain
      return
    }
    guard text.count >= 25 else { return nil }
    let offsetText = text.suffix(6)
    let sign: Int64
    switch offsetText.first {
    case "+": sign = 1
    case "-": sign = -1
    default: return nil
    }
    let parts = offsetText.dropFirst().split(separator: ":")
    guard parts.count == 2, let hours = Int64(parts[0]), let minutes = Int64(parts[1]),
      (0..<24).contains(hours), (0..<60).contains(minutes),
      let local = LogTime(parsing: String(text.dropLast(6)) + "Z")
    else { return nil }
    // A local time near the ends of the range can leave it once the offset is applied.
    let (utc, overflow) = local.nanosecondsSinceEpoch.subtractingReportingOverflow(
      sign * (hours * 60 + minutes) * 60_000_000_000)
    guard !overflow else { return nil }
    self = LogTime(text: text, nanosecondsSinceEpoch: utc)
  }
}
