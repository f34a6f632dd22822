import Foundation
import RunLens

#if canImport(Glibc)
  import Glibc
#elseif canImport(Darwin)
  import Darwin
#endif

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
    let thread = NativeThread(stackSize: stackSize) { box.value = background() }
    let foregroundResult = foreground()
    thread.join()
    guard let backgroundResult = box.value else {
      preconditionFailure("the background work ended without a result")
    }
    return (backgroundResult, foregroundResult)
  }

  /// Hands a value from the second thread to the first; joining the thread orders the write
  /// before the read.
  private final class ResultBox<A>: @unchecked Sendable {
    var value: A?
  }
}

/// A POSIX thread that runs one closure and is joined once.
///
/// Foundation's `Thread` and libdispatch's semaphores were measured at start-up: their first
/// use initialises bookkeeping (the main thread's stack bounds from `/proc/self/maps`, the
/// CPU list from `/sys`) that a short CI step pays for; `pthread_create` and `pthread_join`
/// need none of it. The corresponding C functions are `pthread_create` and `pthread_join`.
final class NativeThread: @unchecked Sendable {
  private var thread = pthread_t()
  private var joined = false

  /// Starts `body` on a new thread with a stack of `stackSize` bytes.
  init(stackSize: Int, _ body: @escaping @Sendable () -> Void) {
    var attributes = pthread_attr_t()
    pthread_attr_init(&attributes)
    defer { pthread_attr_destroy(&attributes) }
    pthread_attr_setstacksize(&attributes, stackSize)
    let context = Unmanaged.passRetained(Body(body)).toOpaque()
    let status = pthread_create(
      &thread, &attributes,
      { context in
        guard let context else { return nil }
        let body = Unmanaged<Body>.fromOpaque(context).takeRetainedValue()
        body.run()
        return nil
      }, context)
    precondition(status == 0, "pthread_create failed: \(status)")
  }

  /// Waits for the thread to end; idempotent.
  func join() {
    guard !joined else { return }
    joined = true
    pthread_join(thread, nil)
  }

  private final class Body {
    let run: @Sendable () -> Void
    init(_ run: @escaping @Sendable () -> Void) { self.run = run }
  }
}

/// A counting semaphore on a POSIX mutex and condition variable (see ``NativeThread`` for why
/// not libdispatch's).
final class CountingSemaphore: @unchecked Sendable {
  private let condition = NSCondition()
  private var value: Int

  init(value: Int) {
    self.value = value
  }

  func signal() {
    condition.lock()
    value += 1
    condition.signal()
    condition.unlock()
  }

  func wait() {
    condition.lock()
    while value == 0 { condition.wait() }
    value -= 1
    condition.unlock()
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
