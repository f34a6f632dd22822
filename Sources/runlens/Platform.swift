#if canImport(Glibc)
  import Glibc
#elseif canImport(Musl)
  import Musl
#elseif canImport(Darwin)
  import Darwin
#endif

/// Every system call and thread primitive of the command line, in one place.
///
/// Nothing else in the package names the C library: file descriptors, reads and writes,
/// terminals, errors and POSIX threads go through here, with one branch per C library
/// (Glibc, Musl, Darwin).
enum Platform {
  /// An open file descriptor.
  typealias Descriptor = Int32

  /// Standard input's descriptor.
  static let standardInput: Descriptor = 0
  /// Standard output's descriptor.
  static let standardOutput: Descriptor = 1
  /// Standard error's descriptor.
  static let standardError: Descriptor = 2

  /// Opens a file for reading.
  ///
  /// The corresponding C function is `open(2)`.
  ///
  /// - Returns: The descriptor, or the error's description.
  static func openForReading(_ path: String) -> Result<Descriptor, IOFailure> {
    let descriptor = open(path, O_RDONLY)
    return descriptor >= 0
      ? .success(descriptor) : .failure(IOFailure(path: path, reason: lastError()))
  }

  /// Opens a file for writing, creating it when missing; truncated, or appended to.
  static func openForWriting(_ path: String, append: Bool) -> Result<Descriptor, IOFailure> {
    let descriptor = open(path, O_WRONLY | O_CREAT | (append ? O_APPEND : O_TRUNC), 0o644)
    return descriptor >= 0
      ? .success(descriptor) : .failure(IOFailure(path: path, reason: lastError()))
  }

  /// The size of a regular file, or `nil` for a pipe or terminal (which cannot seek).
  ///
  /// The corresponding C function is `lseek(2)`.
  static func size(of descriptor: Descriptor) -> Int? {
    guard descriptor != standardInput else { return nil }
    let size = lseek(descriptor, 0, SEEK_END)
    guard size >= 0 else { return nil }
    lseek(descriptor, 0, SEEK_SET)
    return Int(size)
  }

  /// The size in bytes of one core's level-2 cache, or `nil` when the system does not say.
  ///
  /// The corresponding C functions are `sysconf(3)` with glibc's `_SC_LEVEL2_CACHE_SIZE` and
  /// `sysctlbyname(3)` with `hw.l2cachesize`; Musl has neither, and gets `nil`.
  static func level2CacheSize() -> Int? {
    #if canImport(Glibc)
      let size = sysconf(Int32(_SC_LEVEL2_CACHE_SIZE))
      return size > 0 ? size : nil
    #elseif canImport(Darwin)
      var size = 0
      var length = MemoryLayout<Int>.size
      return sysctlbyname("hw.l2cachesize", &size, &length, nil, 0) == 0 && size > 0 ? size : nil
    #else
      return nil
    #endif
  }

  /// Reads up to `buffer.count` bytes, retrying after interruptions.
  ///
  /// The corresponding C function is `read(2)`.
  ///
  /// - Returns: The bytes read (0 at the end), or `-errno`.
  static func read(_ descriptor: Descriptor, into buffer: UnsafeMutableBufferPointer<UInt8>) -> Int
  {
    while true {
      #if canImport(Glibc)
        let count = Glibc.read(descriptor, buffer.baseAddress, buffer.count)
      #elseif canImport(Musl)
        let count = Musl.read(descriptor, buffer.baseAddress, buffer.count)
      #else
        let count = Darwin.read(descriptor, buffer.baseAddress, buffer.count)
      #endif
      if count >= 0 { return count }
      if errno != EINTR { return -Int(errno) }
    }
  }

  /// Writes every byte, retrying after interruptions.
  ///
  /// The corresponding C function is `write(2)`.
  ///
  /// - Returns: `nil`, or the error's description.
  static func writeAll(_ bytes: UnsafeRawBufferPointer, to descriptor: Descriptor) -> String? {
    guard let base = bytes.baseAddress else { return nil }
    var offset = 0
    while offset < bytes.count {
      #if canImport(Glibc)
        let written = Glibc.write(descriptor, base + offset, bytes.count - offset)
      #elseif canImport(Musl)
        let written = Musl.write(descriptor, base + offset, bytes.count - offset)
      #else
        let written = Darwin.write(descriptor, base + offset, bytes.count - offset)
      #endif
      if written < 0 {
        if errno == EINTR { continue }
        return lastError()
      }
      offset += written
    }
    return nil
  }

  /// Closes a descriptor other than the standard ones.
  ///
  /// The corresponding C function is `close(2)`.
  static func close(_ descriptor: Descriptor) {
    guard descriptor > standardError else { return }
    #if canImport(Glibc)
      _ = Glibc.close(descriptor)
    #elseif canImport(Musl)
      _ = Musl.close(descriptor)
    #else
      _ = Darwin.close(descriptor)
    #endif
  }

  /// Whether a descriptor is a terminal.
  ///
  /// The corresponding C function is `isatty(3)`.
  static func isTerminal(_ descriptor: Descriptor) -> Bool {
    isatty(descriptor) != 0
  }

  /// The description of an `errno` value, in lowercase.
  static func describe(_ code: Int32) -> String {
    code == EISDIR ? "is a directory" : String(cString: strerror(code)).lowercased()
  }

  /// The description of the current `errno`.
  static func lastError() -> String { describe(errno) }
}

/// An input or output that could not be used: the path and why, in lowercase words.
struct IOFailure: Error, Sendable {
  /// The file (`-` for a standard stream).
  var path: String
  /// Why.
  var reason: String
}

/// A POSIX thread that runs one closure and is joined once.
///
/// Foundation's `Thread` and libdispatch initialise bookkeeping on first use that a short CI
/// step pays for; `pthread_create` and `pthread_join` need none of it. The corresponding C
/// functions are `pthread_create` and `pthread_join`.
final class NativeThread: @unchecked Sendable {
  #if canImport(Darwin)
    private var thread: pthread_t?
  #else
    private var thread = pthread_t()
  #endif
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
        #if canImport(Darwin)
          let body = Unmanaged<Body>.fromOpaque(context).takeRetainedValue()
        #else
          guard let context else { return nil }
          let body = Unmanaged<Body>.fromOpaque(context).takeRetainedValue()
        #endif
        body.run()
        return nil
      }, context)
    precondition(status == 0, "pthread_create failed: \(status)")
  }

  /// Waits for the thread to end; idempotent.
  func join() {
    guard !joined else { return }
    joined = true
    #if canImport(Darwin)
      if let thread { pthread_join(thread, nil) }
    #else
      pthread_join(thread, nil)
    #endif
  }

  private final class Body {
    let run: @Sendable () -> Void
    init(_ run: @escaping @Sendable () -> Void) { self.run = run }
  }
}

/// A counting semaphore on a POSIX mutex and condition variable.
///
/// A waiter that finds no permit first yields its processor a few times (``yieldLimit``, or
/// ``yieldsAfterSleep`` when its last wait ended asleep):
/// the read-ahead's two threads hand each other a slot every few microseconds when they run
/// at the same speed, and a sleep costs each side a system call and a context switch. A yield
/// returns at once on an otherwise idle machine and lets another thread run on a busy one,
/// where spinning would take the processor from the thread that gives the permit. A waiter
/// still without a permit may ask to sleep until several are free (``wait(batch:)``): a
/// thread that is ahead of its partner then sleeps once per batch instead of once per permit.
/// ``close()`` wakes such a waiter when no batch will come.
///
/// - Important: One thread waits on a semaphore; any thread signals it.
final class CountingSemaphore: @unchecked Sendable {
  private let mutex = UnsafeMutablePointer<pthread_mutex_t>.allocate(capacity: 1)
  private let condition = UnsafeMutablePointer<pthread_cond_t>.allocate(capacity: 1)
  private var value: Int
  /// The permits the waiter waits for; 0 when it does not wait.
  private var wanted = 0
  private var closed = false

  /// How many times a waiter without a permit yields before it sleeps, unless its last wait
  /// ended asleep (``yieldsAfterSleep``): some tens of microseconds on an idle machine, longer
  /// than a partner of the same speed takes to fill or read a slot of the read-ahead ring
  /// (1 GiB of log: 5,000 context switches become a few dozen, and 557 ms become 374).
  static let yieldLimit = 64

  /// The yields after a wait that ended asleep.
  ///
  /// The partner is then most likely the slower side, and yielding the full ``yieldLimit``
  /// before every sleep would only burn the processor (1 GiB of a Nix + cargo log: 581 ms of
  /// CPU time, 541 with this; its wall time is no longer). A wait that a yield ends sets the
  /// limit back to ``yieldLimit``. A sleep for another reason (the start, a preemption) costs
  /// the next waits their long spin until one of them ends within four yields.
  static let yieldsAfterSleep = 4

  /// The yields the next wait may make (only the waiter reads and writes it, under the mutex).
  private var yieldBudget = CountingSemaphore.yieldLimit

  /// Creates a semaphore with `value` permits.
  init(value: Int) {
    self.value = value
    pthread_mutex_init(mutex, nil)
    pthread_cond_init(condition, nil)
  }

  deinit {
    pthread_cond_destroy(condition)
    pthread_mutex_destroy(mutex)
    condition.deallocate()
    mutex.deallocate()
  }

  /// Adds a permit, and wakes the waiter once as many are free as it waits for.
  func signal() {
    pthread_mutex_lock(mutex)
    value += 1
    if wanted > 0, value >= wanted { pthread_cond_signal(condition) }
    pthread_mutex_unlock(mutex)
  }

  /// Wakes the waiter whatever the count: no more permits are coming than those given.
  func close() {
    pthread_mutex_lock(mutex)
    closed = true
    pthread_cond_signal(condition)
    pthread_mutex_unlock(mutex)
  }

  /// Takes a permit; when none is free, yields the processor up to ``yieldLimit`` times (or
  /// ``yieldsAfterSleep`` after a wait that ended asleep) waiting for one, then sleeps until
  /// `batch` are (or, after ``close()``, until any is).
  func wait(batch: Int = 1) {
    pthread_mutex_lock(mutex)
    var yields = 0
    while value == 0, !closed, yields < yieldBudget {
      pthread_mutex_unlock(mutex)
      sched_yield()
      yields += 1
      pthread_mutex_lock(mutex)
    }
    if value == 0 {
      wanted = max(1, batch)
      while value < (closed ? 1 : wanted) { pthread_cond_wait(condition, mutex) }
      wanted = 0
      yieldBudget = Self.yieldsAfterSleep
    } else if yields > 0 {
      yieldBudget = Self.yieldLimit
    }
    value -= 1
    pthread_mutex_unlock(mutex)
  }
}

/// A POSIX mutex.
final class Lock: @unchecked Sendable {
  private let mutex = UnsafeMutablePointer<pthread_mutex_t>.allocate(capacity: 1)

  init() { pthread_mutex_init(mutex, nil) }

  deinit {
    pthread_mutex_destroy(mutex)
    mutex.deallocate()
  }

  /// Runs `body` holding the lock.
  func withLock<T: ~Copyable>(_ body: () throws -> T) rethrows -> T {
    pthread_mutex_lock(mutex)
    defer { pthread_mutex_unlock(mutex) }
    return try body()
  }
}

/// A flag one thread sets and another reads.
final class StopFlag: @unchecked Sendable {
  private let lock = Lock()
  private var raised = false

  /// Raises the flag.
  func raise() { lock.withLock { raised = true } }

  /// Whether the flag was raised.
  var isRaised: Bool { lock.withLock { raised } }
}

/// The number of processors online.
///
/// The corresponding C function is `sysconf(3)`.
func processorCount() -> Int {
  max(1, Int(sysconf(Int32(_SC_NPROCESSORS_ONLN))))
}
