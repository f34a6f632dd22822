import Testing

@testable import RunLens

@Suite("Annotations")
struct AnnotationsTests {
  @Test("messages and properties are escaped as workflow commands require")
  func escaping() {
    #expect(Annotations.escapeData("50% done\r\nnext") == "50%25 done%0D%0Anext")
    #expect(Annotations.escapeProperty("a: b, c%") == "a%3A b%2C c%25")
  }

  @Test("at most 10 annotations of each kind")
  func limit() {
    let saves = (0..<25).map {
      CacheSave(
        step: "s\($0)", action: nil, key: "k\($0)", outcome: .failed, message: "boom", line: $0)
    }
    let conflicts = (0..<25).map {
      CacheSave(
        step: "c\($0)", action: nil, key: "k\($0)", outcome: .failed, reservationConflict: true,
        line: $0)
    }
    let lines = Annotations.render(RunReport(jobs: [JobRun(name: "j", saves: saves + conflicts)]))
    #expect(lines.filter { $0.hasPrefix("::warning") }.count == 10)
    #expect(lines.filter { $0.hasPrefix("::notice") }.count == 10)
  }
}
