import CLibFuzzer
import Foundation

/// The harness libFuzzer runs, chosen by `RUNLENS_FUZZ_TARGET` before the driver starts.
nonisolated(unsafe) private var selected: Harness = .log

/// Runs libFuzzer's driver on the harness named by `RUNLENS_FUZZ_TARGET`.
///
/// The program has its own `main` (libFuzzer's is not linked in when one exists), and hands
/// libFuzzer its command line: corpus folders and `-flags`, as for any libFuzzer binary.
@main
enum FuzzMain {
  static func main() {
    let name = ProcessInfo.processInfo.environment["RUNLENS_FUZZ_TARGET"] ?? ""
    guard let harness = Harness(rawValue: name) else {
      let names = Harness.allCases.map(\.rawValue).joined(separator: ", ")
      FileHandle.standardError.write(Data("set RUNLENS_FUZZ_TARGET to one of: \(names)\n".utf8))
      exit(64)
    }
    selected = harness
    Harness.crossCheck = ProcessInfo.processInfo.environment["RUNLENS_FUZZ_CROSSCHECK"] == "1"
    var argc = CommandLine.argc
    var argv: UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>? = CommandLine.unsafeArgv
    let status = LLVMFuzzerRunDriver(&argc, &argv) { data, size in
      selected.run(UnsafeBufferPointer(start: data, count: data == nil ? 0 : size))
      return 0
    }
    exit(status)
  }
}
