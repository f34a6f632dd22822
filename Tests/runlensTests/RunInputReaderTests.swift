import Foundation
import RunLens
import Testing

@testable import RunLensArchive

/// The library's input reader through an in-memory ``InputFiles``: what it decides about
/// folders, streams and threads, with no file of this machine involved.
@Suite("RunInputReader")
struct RunInputReaderTests {
  /// Files in memory, read `chunkSize` bytes at a time; workers are Dispatch threads.
  struct MemoryFiles: InputFiles {
    var files: [String: [UInt8]] = [:]
    var directories: [String: [String]] = [:]
    var chunkSize = 65_536
    let counts = Counts()

    final class Counts: @unchecked Sendable {
      let lock = NSLock()
      var bytes = 0
      var inputs = 0
      var next = 0
    }

    final class Chunks: InputChunks {
      let storage: UnsafeMutableBufferPointer<UInt8>
      let size: Int
      var offset = 0

      init(_ bytes: [UInt8], size: Int) {
        storage = .allocate(capacity: max(bytes.count, 1))
        _ = storage.initialize(from: bytes)
        self.size = size
        count = bytes.count
      }

      let count: Int

      deinit { storage.deallocate() }

      func next() throws(InputFailure) -> UnsafeBufferPointer<UInt8>? {
        guard offset < count else { return nil }
        let end = min(offset + size, count)
        defer { offset = end }
        return UnsafeBufferPointer(rebasing: storage[offset..<end])
      }

      var lineFeeds: UnsafeBufferPointer<UInt32>? { nil }

      func close() { offset = count }
    }

    func open(_ path: String, findsLineFeeds: Bool, readsAhead: Bool) throws(InputFailure) -> Chunks
    {
      guard let bytes = files[path] else {
        throw InputFailure(path: path, reason: "no such file or directory")
      }
      return Chunks(bytes, size: chunkSize)
    }

    func isDirectory(_ path: String) -> Bool { directories[path] != nil }

    func contents(ofDirectory path: String) -> [String]? { directories[path] }

    func spool(_ head: [UInt8], then rest: Chunks, _ body: (String) -> Void) throws(InputFailure) {
      throw InputFailure(path: "/memory/spool", reason: "read-only")
    }

    func parallel(workers: Int, count: Int, _ body: @escaping @Sendable (() -> Int?) -> Void) {
      let counts = self.counts
      DispatchQueue.concurrentPerform(iterations: workers) { _ in
        body {
          counts.lock.withLock {
            guard counts.next < count else { return nil }
            defer { counts.next += 1 }
            return counts.next
          }
        }
      }
    }

    func bytesRead(_ count: Int) { counts.lock.withLock { counts.bytes += count } }

    func inputDone() { counts.lock.withLock { counts.inputs += 1 } }
  }

  static func fixture(_ path: String) throws -> [UInt8] {
    Array(try Data(contentsOf: ReportCommandTests.packageRoot.appendingPathComponent(path)))
  }

  /// A folder of three job logs and a file that is not a log.
  static func folder() throws -> MemoryFiles {
    var files = MemoryFiles()
    let names = ["actions-cache-exact-hit", "actions-cache-fallback", "actions-cache-miss-save"]
    for name in names {
      files.files["/run/\(name).log"] = try fixture("Fixtures/\(name)/job.log")
    }
    files.directories["/run"] = names.map { "\($0).log" } + [".hidden"]
    return files
  }

  static func report(_ files: MemoryFiles, _ paths: [String], workers: Int) -> RunReport {
    var assembly = RunAssembly()
    RunInputReader(files: files).read(paths, workers: workers, into: &assembly)
    return assembly.build()
  }

  @Test("a folder read on several threads gives the report read on one, every job in order")
  func parallelFolder() throws {
    let files = try Self.folder()
    let one = Self.report(files, ["/run"], workers: 1)
    let four = Self.report(files, ["/run"], workers: 4)
    #expect(one == four)
    #expect(one.jobs.count == 3)
    let sources = one.jobs.compactMap(\.source)
    #expect(sources == sources.sorted())
    let total = files.files.values.map(\.count).reduce(0, +)
    #expect(files.counts.bytes == 2 * total)
    #expect(files.counts.inputs == 6)
  }

  @Test("a folder's files are opened at the folder's path as given, joined as text")
  func folderPathsAsGiven() throws {
    #expect(RunInputReader<MemoryFiles>.path("a.log", in: "") == "a.log")
    #expect(RunInputReader<MemoryFiles>.path("a.log", in: "run") == "run/a.log")
    #expect(RunInputReader<MemoryFiles>.path("sub/a.log", in: "run/") == "run/sub/a.log")
    #expect(RunInputReader<MemoryFiles>.path("a.log", in: "/") == "/a.log")
    // Not made absolute, `..` and `~` left to the kernel: a relative folder in memory is found.
    #expect(RunInputReader<MemoryFiles>.path("a", in: "~/x/..") == "~/x/../a")
    for folder in ["logs", "logs/"] {
      for workers in [1, 2] {
        // Fresh files each time: their counts (the next unit handed out) are shared by copies.
        var files = MemoryFiles()
        files.files["logs/1_build.txt"] = try Self.fixture(
          "Fixtures/actions-cache-exact-hit/job.log")
        files.files["logs/extra.log"] = try Self.fixture("Fixtures/actions-cache-fallback/job.log")
        files.directories[folder] = ["1_build.txt", "extra.log"]
        let report = Self.report(files, [folder], workers: workers)
        #expect(report.diagnostics.allSatisfy { $0.severity != .error }, "\(report.diagnostics)")
        #expect(
          Set(report.jobs.compactMap(\.source)) == ["logs/1_build.txt", "logs/extra.log"],
          "\(folder), \(workers) workers")
      }
    }
  }

  @Test(
    "JUnit files read by a worker beside the logs give the report read on one thread, diagnostics in order"
  )
  func junitBesideLogs() throws {
    var files = MemoryFiles()
    files.files["/job.log"] = try Self.fixture("Fixtures/nix-miss/job.log")
    files.files["/gh.txt"] = try Self.fixture("Fixtures/gh-run-jobs-gh-shape/gh.txt")
    files.files["/jobs.json"] = try Self.fixture("Fixtures/gh-run-jobs-gh-shape/jobs.json")
    files.files["/a.xml"] = try Self.fixture("Fixtures/junit-failure-and-error/junit.xml")
    files.files["/cut.xml"] = try Self.fixture("Fixtures/junit-truncated/junit.xml")
    files.files["/t.xml"] = try Self.fixture("Fixtures/junit-pytest/junit.xml")
    func report(_ paths: [String], workers: Int) -> RunReport {
      var assembly = RunAssembly()
      RunInputReader(files: files).read(
        paths, jobs: ["/jobs.json", "/missing.json"], junit: ["/a.xml", "/cut.xml", "/gone.xml"],
        workers: workers, into: &assembly)
      return assembly.build()
    }
    let one = report(["/job.log", "/gh.txt"], workers: 1)
    #expect(report(["/job.log", "/gh.txt"], workers: 2) == one)
    #expect(one.junit?.files.map(\.path) == ["/a.xml", "/cut.xml"])
    #expect(one.junit?.files.map(\.isPartial) == [false, true])
    // A JUnit file among the inputs (told by its bytes) shares the test results with `--junit`.
    let mixed = report(["/job.log", "/t.xml"], workers: 1)
    #expect(report(["/job.log", "/t.xml"], workers: 2) == mixed)
    #expect(mixed.junit?.files.map(\.path) == ["/t.xml", "/a.xml", "/cut.xml"])
  }

  @Test("the units: a folder's jobs go to workers; standard input and JSON stay on this thread")
  func units() throws {
    var files = try Self.folder()
    files.files["/jobs.json"] = Array(#"{"total_count": 0, "jobs": []}"#.utf8)
    files.files["/one.log"] = try Self.fixture("Fixtures/actions-cache-fallback/job.log")
    let reader = RunInputReader(files: files)
    #expect(reader.units("/run").allSatisfy { $0.isParallel })
    #expect(reader.units("/run").count == 3)
    #expect(reader.units("/one.log").map(\.isParallel) == [true])
    #expect(reader.units("-").map(\.isParallel) == [false])
    #expect(reader.units("/jobs.json").map(\.isParallel) == [false])
    #expect(reader.units("/missing").map(\.isParallel) == [false])
  }

  @Test("gh output read a byte at a time gives the report read in one chunk")
  func byteAtATime() throws {
    var files = MemoryFiles()
    files.files["/gh.txt"] = try Self.fixture("Fixtures/gh-run-three-jobs/gh.txt")
    let whole = Self.report(files, ["/gh.txt"], workers: 1)
    files.chunkSize = 1
    #expect(Self.report(files, ["/gh.txt"], workers: 1) == whole)
    #expect(whole.jobs.count == 3)
  }

  @Test("a missing file, an unlisted folder and a zip that cannot be spooled are failures")
  func failures() throws {
    var files = MemoryFiles()
    files.files["-"] = [0x50, 0x4B, 0x03, 0x04] + Array(repeating: 0, count: 60)
    var assembly = RunAssembly()
    let reader = RunInputReader(files: files)
    reader.read("/missing.log", into: &assembly)
    reader.readJUnit("/missing.xml", into: &assembly)
    reader.read("-", into: &assembly)
    #expect(
      assembly.failures == [
        .init(source: "/missing.log", reason: "no such file or directory"),
        .init(source: "/missing.xml", reason: "no such file or directory"),
        .init(source: "-", reason: "a zip that could not be written to /memory/spool: read-only"),
      ])
  }

  @Test("a JUnit folder is read file by file in byte order, only its *.xml")
  func junitFolder() throws {
    var files = MemoryFiles()
    files.files["/tests/b.xml"] = try Self.fixture("Fixtures/junit-pytest/junit.xml")
    files.files["/tests/a.xml"] = try Self.fixture("Fixtures/junit-go/junit.xml")
    files.directories["/tests"] = ["b.xml", "notes.txt", "a.xml", ".c.xml"]
    var assembly = RunAssembly()
    RunInputReader(files: files).readJUnit("/tests", into: &assembly)
    #expect(assembly.failures.isEmpty)
    #expect(files.counts.inputs == 2)
    let tests = try #require(assembly.build().tests)
    #expect(tests.total > 0)
  }
}
