import RunLens
import RunLensArchive

extension RunInputs {
  /// Reads a run-logs zip (``RunLogsZip``), counting its bytes and jobs on the progress line.
  mutating func readZip(_ path: String, shownAs name: String) {
    let progress = self.progress
    RunLogsZip.read(
      path, shownAs: name, into: &assembly, progress: { progress.add($0) },
      jobDone: { progress.fileDone() })
  }

  /// Reads one job of an open run-logs zip; `unpacked` counts the bytes unpacked so far.
  mutating func readZipJob(
    _ job: RunLogsLayout.Job, of zip: RunLogsZip, unpacked: inout Int64
  ) {
    let progress = self.progress
    zip.readJob(job, into: &assembly, unpacked: &unpacked) { progress.add($0) }
    progress.fileDone()
  }
}
