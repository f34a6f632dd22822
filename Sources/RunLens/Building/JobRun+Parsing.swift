extension JobRun {
  /// Reads a whole job log held in memory.
  ///
  /// A convenience over ``GitHubLogParser`` and ``JobRunBuilder`` for tests and small inputs;
  /// large inputs should be fed to the parser in chunks.
  ///
  /// - Parameters:
  ///   - log: The raw log bytes.
  ///   - source: The input's name, for diagnostics.
  ///   - fallbackName: The job's name when the log has no `Complete job name:` line.
  public init(
    parsingLog log: some Collection<UInt8>, source: String? = nil, fallbackName: String = "job"
  ) {
    var parser = GitHubLogParser(source: source)
    var builder = JobRunBuilder(source: source, fallbackName: fallbackName)
    builder.apply(parser.feed(log))
    builder.apply(parser.finish())
    self = builder.build()
  }
}
