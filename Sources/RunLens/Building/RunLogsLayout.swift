/// Decides which files of a run-logs zip (or of its extracted folder) make up which job.
///
/// A run-logs zip holds one `N_<job>.txt` per job at the top, and sometimes a folder per job
/// with `N_<step>.txt` step files; newer archives often have only the top-level files. Each job
/// is read once: from its top-level file when there is one, else from its step files in step
/// order (their names then label the steps). `N` is an ordinal (older archives: a negative id),
/// not the job id; names are matched after it.
public enum RunLogsLayout {
  /// One job and the files to read for it, in order.
  public struct Job: Sendable, Hashable {
    /// The job's name from the file or folder name (the log's `Complete job name:` wins).
    public var name: String
    /// The files, in reading order.
    public var files: [File]
  }

  /// A file of a job.
  public struct File: Sendable, Hashable {
    /// The path inside the archive or folder.
    public var path: String
    /// The step a step file holds, from its name.
    public var stepName: String?
  }

  /// Plans the jobs of an archive or folder from its file paths.
  ///
  /// - Parameter paths: Relative paths with `/` separators.
  /// - Returns: The jobs, sorted by their ordinal, then name; and the paths that are neither job
  ///   nor step files (read as inputs of their own).
  public static func plan(_ paths: [String]) -> (jobs: [Job], others: [String]) {
    var topLevel: [(ordinal: Int, name: String, path: String)] = []
    var stepFiles: [String: [(ordinal: Int, name: String, path: String)]] = [:]
    var others: [String] = []
    for path in paths {
      let parts = path.split(separator: "/", omittingEmptySubsequences: true).map(String.init)
      guard let file = parts.last, !file.hasPrefix(".") else { continue }
      if parts.count == 1 {
        if let (ordinal, name) = ordinalName(file) {
          topLevel.append((ordinal, name, path))
        } else {
          others.append(path)
        }
      } else if parts.count == 2 {
        if let (ordinal, name) = ordinalName(file) {
          stepFiles[parts[0], default: []].append((ordinal, name, path))
        } else if file != "system.txt" {
          others.append(path)
        }
      } else {
        others.append(path)
      }
    }
    var jobs: [(ordinal: Int, job: Job)] = []
    let topNames = Set(topLevel.map(\.name))
    for entry in topLevel {
      jobs.append(
        (entry.ordinal, Job(name: entry.name, files: [File(path: entry.path, stepName: nil)])))
    }
    for (folder, files) in stepFiles where !topNames.contains(folder) {
      let ordered = files.sorted { ($0.ordinal, $0.path) < ($1.ordinal, $1.path) }
      jobs.append(
        (Int.max, Job(name: folder, files: ordered.map { File(path: $0.path, stepName: $0.name) })))
    }
    jobs.sort { ($0.ordinal, $0.job.name) < ($1.ordinal, $1.job.name) }
    return (jobs.map(\.job), others.sorted())
  }

  /// `3_unit (stable).txt` → (3, `unit (stable)`); `-1234_build.txt` → (-1234, `build`).
  static func ordinalName(_ file: String) -> (Int, String)? {
    guard file.hasSuffix(".txt"), let underscore = file.firstIndex(of: "_") else { return nil }
    guard let ordinal = Int(file[..<underscore]) else { return nil }
    let name = file[file.index(after: underscore)...].dropLast(4)
    return name.isEmpty ? nil : (ordinal, String(name))
  }
}
