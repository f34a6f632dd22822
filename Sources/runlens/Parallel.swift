import Foundation

/// Two pieces of work at once: one on a second thread, one on the calling thread.
///
/// The last step of a CI job reads a log and a JUnit file, and writes Markdown and JSON; the
/// pieces share nothing, and runners have at least two cores, so the step takes the time of
/// the longer piece instead of the sum. The results are joined in a fixed order, so output
/// never depends on which finishes first.
enum Parallel {
  /// The stack of the second thread; the readers keep their state on the heap, so this is
  /// only headroom.
  static let stackSize = 4 << 20

  /// Runs `background` on a new thread while `foreground` runs here, and returns both
  /// results once both are done.
  static func run<A: Sendable, B>(
    _ background: @escaping @Sendable () -> A, while foreground: () -> B
  ) -> (A, B) {
    let box = ResultBox<A>()
    let thread = Thread {
      box.value = background()
      box.done.signal()
    }
    thread.stackSize = stackSize
    thread.start()
    let foregroundResult = foreground()
    box.done.wait()
    guard let backgroundResult = box.value else {
      preconditionFailure("the background work ended without a result")
    }
    return (backgroundResult, foregroundResult)
  }

  /// Hands a value from the second thread to the first; the semaphore orders the write
  /// before the read.
  private final class ResultBox<A>: @unchecked Sendable {
    var value: A?
    let done = DispatchSemaphore(value: 0)
  }
}
