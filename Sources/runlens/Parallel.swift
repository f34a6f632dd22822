import Foundation
import RunLens

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

/// Test failures handed from the JUnit thread to the thread that renders them ahead.
///
/// The JUnit thread pushes each batch of newly listed failures; the other thread takes them
/// in order until the feed is finished and empty. A lock and a condition variable guard the
/// queue.
final class FailureFeed: @unchecked Sendable {
  private let condition = NSCondition()
  private var pending: [TestSummary.Failure] = []
  private var finished = false

  /// Adds failures, in the summary's order.
  func push(_ failures: some Sequence<TestSummary.Failure>) {
    condition.lock()
    pending.append(contentsOf: failures)
    condition.signal()
    condition.unlock()
  }

  /// Says no failure follows.
  func finish() {
    condition.lock()
    finished = true
    condition.signal()
    condition.unlock()
  }

  /// The failures pushed since the last call, waiting until there are some; `nil` once the
  /// feed is finished and every failure was taken.
  func next() -> [TestSummary.Failure]? {
    condition.lock()
    defer { condition.unlock() }
    while pending.isEmpty && !finished { condition.wait() }
    guard !pending.isEmpty else { return nil }
    defer { pending.removeAll() }
    return pending
  }
}
