extension RunAssembly {
  /// What was read from one path, as one run of a comparison: a metrics JSON file read alone,
  /// or the report of the job logs read.
  ///
  /// - Parameters:
  ///   - path: The path the run was read from, its source in the comparison.
  ///   - targets: The targets the report judges.
  /// - Returns: The run.
  /// - Throws: ``Failure`` when an input could not be read, when no job log or metrics JSON
  ///   was found, or when several metrics JSON files were.
  package consuming func sample(path: String, targets: Targets) throws(Failure) -> RunSample {
    if let failure = failures.first {
      throw Failure(source: failure.source, reason: "cannot read: \(failure.reason)")
    }
    let metrics = metricsRuns
    let report = build(targets: targets)
    if let run = metrics.first, metrics.count == 1, report.jobs.isEmpty {
      var run = run
      run.source = path
      return run
    }
    guard !report.jobs.isEmpty, metrics.isEmpty else {
      throw Failure(
        source: path,
        reason: metrics.isEmpty
          ? "not a run: no job log or runlens metrics JSON in it"
          : "holds several runs (metrics JSON files); name each as a run of its own")
    }
    return RunSample(report: report, source: path)
  }
}
