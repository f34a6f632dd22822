import Testing

@testable import RunLens

@Suite("What a read run tells the caller: errors, exit decisions, a run to compare")
struct RunReportProblemsTests {
  static func feed(_ assembly: inout RunAssembly, _ name: String, _ bytes: [UInt8]) {
    assembly.beginInput(name)
    assembly.feed(bytes)
    #expect(assembly.decideKind() != .zip)
    assembly.endInput()
  }

  @Test("inputs that could not be read come first, and their own diagnostics are not repeated")
  func errorMessages() {
    let report = RunReport(
      jobs: [],
      diagnostics: [
        Diagnostic(.error, "cannot read", source: "gone.log"),
        Diagnostic(.error, "not XML", source: "junit.xml", line: 3, column: 7),
        Diagnostic(.warning, "odd", source: "other.log"),
      ])
    let failures = [RunAssembly.Failure(source: "gone.log", reason: "no such file or directory")]
    #expect(
      report.errorMessages(failures: failures) == [
        "gone.log: cannot read: no such file or directory", "junit.xml:3:7: not XML",
      ])
    #expect(report.failsStrict)
  }

  @Test("--strict fails an empty report; a report with a job and no error passes")
  func strict() throws {
    var assembly = RunAssembly()
    Self.feed(&assembly, "job.log", try Golden.bytes("Fixtures/actions-cache-exact-hit/job.log"))
    let report = assembly.build()
    #expect(!report.isEmpty)
    #expect(report.failsStrict == report.allDiagnostics.contains { $0.severity == .error })
    #expect(RunReport(jobs: []).failsStrict)
    #expect(!RunReport(jobs: []).missesTarget)
  }

  @Test("a job log is a run to compare, named after its path")
  func sampleOfLog() throws {
    var assembly = RunAssembly()
    Self.feed(&assembly, "job.log", try Golden.bytes("Fixtures/actions-cache-exact-hit/job.log"))
    let sample = try assembly.sample(path: "run-1", targets: .default)
    #expect(sample.source == "run-1")
    #expect(!sample.jobs.isEmpty)
  }

  @Test("one metrics JSON file is the run it describes; two are refused; nothing is not a run")
  func sampleOfMetrics() throws {
    let metrics = try Golden.bytes("Fixtures/actions-cache-exact-hit/metrics.json")
    var one = RunAssembly()
    Self.feed(&one, "a.json", metrics)
    #expect(try one.sample(path: "run-a", targets: .default).source == "run-a")

    var two = RunAssembly()
    Self.feed(&two, "a.json", metrics)
    Self.feed(&two, "b.json", metrics)
    do {
      _ = try two.sample(path: "both", targets: .default)
      Issue.record("two metrics files are not one run")
    } catch {
      #expect(error.reason.hasPrefix("holds several runs"))
    }
    do {
      let nothing = RunAssembly()
      _ = try nothing.sample(path: "empty", targets: .default)
      Issue.record("an empty assembly is not a run")
    } catch {
      #expect(error.reason == "not a run: no job log or runlens metrics JSON in it")
      #expect(error.source == "empty")
    }
  }

  @Test("an input that could not be read makes the sample fail with it")
  func sampleOfFailure() {
    var assembly = RunAssembly()
    assembly.recordFailure("gone", reason: "no such file or directory")
    do {
      _ = try assembly.sample(path: "gone", targets: .default)
      Issue.record("a failed input is not a run")
    } catch {
      #expect(
        error
          == RunAssembly.Failure(source: "gone", reason: "cannot read: no such file or directory"))
    }
  }
}
