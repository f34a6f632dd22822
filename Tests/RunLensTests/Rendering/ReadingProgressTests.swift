import Testing

@testable import RunLens

@Suite("ReadingProgress")
struct ReadingProgressTests {
  @Test("the line appears after 64 MB, then every 64 MB and after each file, and is cleared")
  func line() {
    var progress = ReadingProgress()
    #expect(progress.clearing == nil)
    #expect(progress.fileDone() == nil)
    #expect(progress.add(63_999_999) == nil)
    #expect(progress.add(1) == "\rrunlens: 1 file done, 64 MB read")
    #expect(progress.add(10_000_000) == nil)
    #expect(progress.fileDone() == "\rrunlens: 2 files done, 74 MB read")
    #expect(progress.add(54_000_000) == "\rrunlens: 2 files done, 128 MB read")
    #expect(progress.clearing == "\r\u{1B}[K")
  }

  @Test("a count near the largest size saturates instead of trapping")
  func saturates() {
    var progress = ReadingProgress()
    _ = progress.add(Int.max)
    _ = progress.add(Int.max)
    #expect(progress.bytes == Int64.max)
  }
}
