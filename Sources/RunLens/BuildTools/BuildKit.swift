/// Docker BuildKit's plain progress output (`docker/build-push-action`, `docker buildx build`):
/// which Dockerfile steps came from the cache and which ran, and for how long.
///
/// Every line starts `#N ` (vertex N), so the parser looks at a line only when it starts with
/// `#` and a digit, a test its `#` branch already reaches, and only in a step where a build
/// started (``mayStartBuild(_:)``). A vertex's verdict is its first
/// `#N CACHED` or `#N DONE 12.3s` (a cached step can reappear later with download rows).
/// A *layer* is a Dockerfile step vertex `[stage i/n] INSTRUCTION` other than `FROM`: a base
/// image is resolved, neither cached nor rebuilt by the build; `[internal]` vertices, cache
/// import and export vertices are not layers.
public enum BuildKit {
  /// One line of BuildKit's.
  public enum Line: Sendable, Hashable {
    /// `#N [stage i/n] INSTRUCTION …`: a Dockerfile step; `from` for a `FROM`.
    case step(vertex: Int, from: Bool)
    /// `#N CACHED`.
    case cached(vertex: Int)
    /// `#N DONE 12.3s`.
    case done(vertex: Int, duration: Duration?)
    /// `#N ERROR: …`.
    case error(vertex: Int)
    /// `#N importing cache manifest from …`.
    case cacheImport
    /// `#N exporting cache …`, `#N exporting to GitHub Actions Cache`, …
    case cacheExport
    /// `#0 building with "…" instance …` or `#1 …`: a new build begins (numbers restart).
    case buildStarted
    /// The step lines and verdicts of one build (or of its part in one step), counted by the
    /// parser (``Vertices``) and reported once instead of a line each.
    case tally(Tally)
  }

  /// The layers of one build that the parser counted itself.
  public struct Tally: Sendable, Hashable {
    /// Step lines and verdicts counted: the lines this stands for.
    public var lines = 0
    /// Dockerfile step vertices other than `FROM`.
    public var layers = 0
    /// Layers whose first verdict was `CACHED`.
    public var cached = 0
    /// Layers whose first verdict was `DONE` or `ERROR`.
    public var rebuilt = 0
    /// The sum of the rebuilt layers' `DONE` durations.
    public var rebuiltDuration = Duration.zero

    /// Creates counts.
    public init(
      lines: Int = 0, layers: Int = 0, cached: Int = 0, rebuilt: Int = 0,
      rebuiltDuration: Duration = .zero
    ) {
      self.lines = lines
      self.layers = layers
      self.cached = cached
      self.rebuilt = rebuilt
      self.rebuiltDuration = rebuiltDuration
    }
  }

  /// Whether a message may be BuildKit's: `#` then a digit.
  @inline(__always)
  static func isCandidate(_ bytes: UnsafeBufferPointer<UInt8>) -> Bool {
    bytes.count > 3 && bytes[1] &- UInt8(ascii: "0") < 10
  }

  /// Whether a candidate may be the line that starts a build.
  ///
  /// `#0 building with "…" instance` or `#1 [internal] load build definition …`
  /// (``Line/buildStarted``). The parser reads
  /// other `#N` lines only after one of these in the same step.
  @inline(__always)
  static func mayStartBuild(_ bytes: UnsafeBufferPointer<UInt8>) -> Bool {
    bytes.count > 4 && bytes[1] &- UInt8(ascii: "0") < 2 && bytes[2] == 0x20
      && (bytes[3] == UInt8(ascii: "b") || bytes[3] == UInt8(ascii: "["))
  }

  /// The bytes that can follow `#N ` in a line ``read(_:)`` reads, as bits above 0x40.
  ///
  /// `C`ACHED, `D`ONE, `E`RROR, `[`stage…], `b`uilding with, `i`mporting, `e`xporting. A
  /// literal, so that a row's test is not a lazy global's check (a test derives it).
  static let verbStarts: UInt64 = 0x224_0800_0038

  /// Whether a candidate may be a line ``read(_:)`` reads: after `#N ` comes one of the
  /// bytes its switch looks at.
  ///
  /// A build prints mostly rows of its running vertices (`#13 185.6    Compiling …`,
  /// `#5 sha256:… 1.2MB / 3MB`, `#9 extracting …`): the digits, a space and one table bit
  /// reject them without a call.
  @inline(__always)
  static func mayBeRead(_ bytes: UnsafeBufferPointer<UInt8>) -> Bool {
    let verb = verbIndex(bytes)
    return verb > 0 && mayReadVerb(bytes, verb: verb)
  }

  /// The index of the byte after `#N ` when ``mayBeRead(_:)`` passes the line, else 0.
  @inline(__always)
  static func verbIndex(_ bytes: UnsafeBufferPointer<UInt8>) -> Int {
    var index = 1
    if let word = ByteSearch.head(bytes) {
      // The first byte after `#` that is not a digit, from one word: a digit XOR `0` is
      // below 10, and adding 0x76 to its low seven bits leaves the high bit clear.
      let x = word ^ 0x3030_3030_3030_3030
      let nonDigits =
        ((x & 0x7F7F_7F7F_7F7F_7F7F) &+ 0x7676_7676_7676_7676 | x) & 0x8080_8080_8080_8080
      let flags = nonDigits & ~0xFF
      index = flags == 0 ? 8 : flags.trailingZeroBitCount >> 3
    }
    while index < bytes.count, index < 10, bytes[index] &- UInt8(ascii: "0") < 10 { index += 1 }
    guard index + 1 < bytes.count, bytes[index] == 0x20 else { return 0 }
    let verb = bytes[index + 1] &- 0x40
    guard verb < 64, verbStarts & (1 << UInt64(verb)) != 0 else { return 0 }
    return index + 1
  }

  /// Whether a line that passed ``verbIndex(_:)`` may be one ``read(_:)`` reads, by its verb:
  /// `#9 extracting …` and `#9 exporting layers` are rows; `[internal] …` is read only as
  /// vertex 0 or 1's `load build definition`.
  @inline(__always)
  static func mayReadVerb(_ bytes: UnsafeBufferPointer<UInt8>, verb: Int) -> Bool {
    switch bytes[verb] {
    case UInt8(ascii: "e"):
      // `exporting cache…`, `exporting content cache`, `exporting to GitHub…`.
      return verb + 10 < bytes.count && bytes[verb + 2] == UInt8(ascii: "p")
        && (bytes[verb + 10] == UInt8(ascii: "c") || bytes[verb + 10] == UInt8(ascii: "t"))
    case UInt8(ascii: "["):
      return (verb == 3 && bytes[1] <= UInt8(ascii: "1"))
        || !ByteSearch.hasPrefix(bytes.dropping(verb), "[internal]")
    default:
      return true
    }
  }

  /// The vertex of a `#N [stage i/n] INSTRUCTION` line, and whether it is a `FROM`.
  ///
  /// `verb` is the index ``verbIndex(_:)`` gave; `nil` for any other line, and for the
  /// `[internal] load build definition` line that starts a build. ``read(_:)`` gives the
  /// same steps.
  @inline(__always)
  static func step(_ bytes: UnsafeBufferPointer<UInt8>, verb: Int) -> (vertex: Int, from: Bool)? {
    guard bytes[verb] == UInt8(ascii: "[") else { return nil }
    var vertex = 0
    for index in 1..<(verb - 1) { vertex = vertex * 10 + Int(bytes[index] &- UInt8(ascii: "0")) }
    let rest = bytes.dropping(verb)
    guard !(vertex <= 1 && ByteSearch.hasPrefix(rest, "[internal] load build definition")),
      let close = rest.firstIndex(of: UInt8(ascii: "]")), close > 3,
      isStepIndex(rest.slice(1, close))
    else { return nil }
    let instruction = rest.dropping(close + 1).trimmingSpaces()
    return (
      vertex,
      ByteSearch.hasPrefix(instruction, "FROM ") || ByteSearch.hasPrefix(instruction, "from ")
    )
  }

  /// The vertex of a `#N CACHED` or `#N DONE …` line, and whether it ran.
  ///
  /// `verb` is the index ``verbIndex(_:)`` gave; `nil` for any other line. ``read(_:)``
  /// gives the same verdicts.
  @inline(__always)
  static func verdict(_ bytes: UnsafeBufferPointer<UInt8>, verb: Int) -> (vertex: Int, ran: Bool)? {
    let cached: Bool
    if bytes[verb] == UInt8(ascii: "C"), bytes.count == verb + 6,
      ByteSearch.hasPrefix(bytes.dropping(verb), "CACHED")
    {
      cached = true
    } else if bytes[verb] == UInt8(ascii: "D"), ByteSearch.hasPrefix(bytes.dropping(verb), "DONE") {
      cached = false
    } else {
      return nil
    }
    var vertex = 0
    for index in 1..<(verb - 1) { vertex = vertex * 10 + Int(bytes[index] &- UInt8(ascii: "0")) }
    return (vertex, !cached)
  }

  /// Reads a line (without timestamp); `nil` for rows, command output and other lines.
  ///
  /// - Parameter bytes: The message.
  /// - Returns: The line, or `nil`.
  static func read(_ bytes: UnsafeBufferPointer<UInt8>) -> Line? {
    guard isCandidate(bytes) else { return nil }
    var index = 1
    var vertex = 0
    while index < bytes.count, bytes[index] &- UInt8(ascii: "0") < 10, index < 10 {
      vertex = vertex * 10 + Int(bytes[index] &- UInt8(ascii: "0"))
      index += 1
    }
    guard index + 1 < bytes.count, bytes[index] == 0x20 else { return nil }
    let rest = bytes.dropping(index + 1)
    switch rest[0] {
    case UInt8(ascii: "C"):
      if rest.count == 6, ByteSearch.hasPrefix(rest, "CACHED") { return .cached(vertex: vertex) }
    case UInt8(ascii: "D"):
      if ByteSearch.hasPrefix(rest, "DONE") {
        return .done(vertex: vertex, duration: seconds(rest.dropping(4).trimmingSpaces()))
      }
    case UInt8(ascii: "E"):
      if ByteSearch.hasPrefix(rest, "ERROR") { return .error(vertex: vertex) }
    case UInt8(ascii: "["):
      if vertex <= 1, ByteSearch.hasPrefix(rest, "[internal] load build definition") {
        return .buildStarted
      }
      guard let close = rest.firstIndex(of: UInt8(ascii: "]")), close > 3,
        isStepIndex(rest.slice(1, close))
      else { return nil }
      let instruction = rest.dropping(close + 1).trimmingSpaces()
      return .step(
        vertex: vertex,
        from: ByteSearch.hasPrefix(instruction, "FROM ")
          || ByteSearch.hasPrefix(instruction, "from "))
    case UInt8(ascii: "b"):
      if vertex == 0, ByteSearch.hasPrefix(rest, "building with ") { return .buildStarted }
    case UInt8(ascii: "i"):
      if ByteSearch.hasPrefix(rest, "importing cache manifest") { return .cacheImport }
    case UInt8(ascii: "e"):
      if ByteSearch.hasPrefix(rest, "exporting cache")
        || ByteSearch.hasPrefix(rest, "exporting to GitHub")
        || ByteSearch.hasPrefix(rest, "exporting content cache")
      {
        return .cacheExport
      }
    default:
      break
    }
    return nil
  }

  /// Whether a bracket ends with `i/n` (`builder 2/8`, ` 3/11`, `linux/amd64 builder 2/8`).
  static func isStepIndex(_ inner: UnsafeBufferPointer<UInt8>) -> Bool {
    guard let slash = inner.lastIndex(of: UInt8(ascii: "/")), slash > 0, slash + 1 < inner.count
    else { return false }
    let total = inner.dropping(slash + 1)
    guard total.allSatisfy({ $0 &- UInt8(ascii: "0") < 10 }) else { return false }
    return inner[slash - 1] &- UInt8(ascii: "0") < 10
  }

  /// The vertices of one build the parser has seen, and the layers it counted: a vertex's
  /// first step line and its first verdict after it count, as ``BuildKitBuilder`` would count
  /// them, and the parser reports the counts once (``Line/tally(_:)``) instead of an event a
  /// line.
  ///
  /// A build prints progress rows, repeated verdicts and the verdicts of vertices that are not
  /// Dockerfile steps (`[internal] …`, cache import and export); those are dropped here.
  struct Vertices {
    /// Per vertex number: 0 not seen, 1 step line seen (not a layer), 2 step line seen (a
    /// layer), 3 verdict counted.
    private var states: [UInt8] = []
    /// The counts not reported yet.
    private var tally = Tally()
    /// Vertex numbers from here on are not tracked, and all their lines are reported.
    private static let tracked = 1 << 16

    /// Creates the record of a step without a build.
    init() {}

    /// Counts `line`; returns whether it is to be reported as a line of its own (a build's
    /// start, a cache import or export, a line of an untracked vertex).
    ///
    /// A new build's counts start empty: take the last build's (``takeTally()``) first.
    mutating func count(_ line: Line) -> Bool {
      switch line {
      case .buildStarted:
        // Zeroed in place (a memset), so that the next build's vertices do not grow the
        // table again one append at a time; a table grown by a huge vertex number is freed.
        if states.count > 4096 {
          states = []
        } else {
          states.withUnsafeMutableBufferPointer { $0.update(repeating: 0) }
        }
        return true
      case .step(let vertex, let from):
        guard vertex >= 0, vertex < Self.tracked else { return true }
        guard state(vertex) == 0 else { return false }
        states[vertex] = from ? 1 : 2
        tally.lines += 1
        if !from { tally.layers += 1 }
        return false
      case .cached(let vertex):
        guard vertex >= 0, vertex < Self.tracked else { return true }
        guard verdict(vertex) else { return false }
        if states[vertex] == 2 { tally.cached += 1 }
        states[vertex] = 3
        return false
      case .done(let vertex, let duration):
        guard vertex >= 0, vertex < Self.tracked else { return true }
        guard verdict(vertex) else { return false }
        if states[vertex] == 2 {
          tally.rebuilt += 1
          tally.rebuiltDuration += duration ?? .zero
        }
        states[vertex] = 3
        return false
      case .error(let vertex):
        guard vertex >= 0, vertex < Self.tracked else { return true }
        guard verdict(vertex) else { return false }
        if states[vertex] == 2 { tally.rebuilt += 1 }
        states[vertex] = 3
        return false
      case .cacheImport, .cacheExport, .tally:
        return true
      }
    }

    /// Counts the step line of a tracked vertex, as ``count(_:)`` counts
    /// ``Line/step(vertex:from:)``; returns `false` for a vertex that is not tracked.
    @inline(__always)
    mutating func countStep(vertex: Int, from: Bool) -> Bool {
      guard vertex >= 0, vertex < Self.tracked else { return false }
      guard state(vertex) == 0 else { return true }
      states[vertex] = from ? 1 : 2
      tally.lines += 1
      if !from { tally.layers += 1 }
      return true
    }

    /// Counts a `CACHED` (`ran` false) or `DONE` verdict of a tracked vertex.
    ///
    /// As ``count(_:)`` counts ``Line/cached(vertex:)`` and ``Line/done(vertex:duration:)``;
    /// the duration is read only for a layer's first verdict. Returns `false` for a vertex
    /// that is not tracked (the caller reads the line whole).
    @inline(__always)
    mutating func countVerdict(
      vertex: Int, ran: Bool, duration: () -> Duration?
    ) -> Bool {
      guard vertex >= 0, vertex < Self.tracked else { return false }
      guard verdict(vertex) else { return true }
      if states[vertex] == 2 {
        if ran {
          tally.rebuilt += 1
          tally.rebuiltDuration += duration() ?? .zero
        } else {
          tally.cached += 1
        }
      }
      states[vertex] = 3
      return true
    }

    /// The counts since the last call, or `nil` when no line counted.
    mutating func takeTally() -> Tally? {
      guard tally.lines > 0 else { return nil }
      defer { tally = Tally() }
      return tally
    }

    /// The state of a tracked vertex, growing the table to hold it.
    @inline(__always)
    private mutating func state(_ vertex: Int) -> UInt8 {
      if vertex >= states.count {
        states.append(contentsOf: repeatElement(0, count: vertex + 1 - states.count))
      }
      return states[vertex]
    }

    /// Whether a verdict of a tracked vertex counts (its step line came, no verdict yet),
    /// counting the line if so.
    @inline(__always)
    private mutating func verdict(_ vertex: Int) -> Bool {
      let current = state(vertex)
      guard current == 1 || current == 2 else { return false }
      tally.lines += 1
      return true
    }
  }

  /// `12.3s` → 12.3 s.
  ///
  /// The form BuildKit prints (digits, a point and up to three digits) is read exactly without
  /// a `Double`; other forms go through one.
  static func seconds(_ text: UnsafeBufferPointer<UInt8>) -> Duration? {
    if let milliseconds = decimalMilliseconds(text) { return .milliseconds(milliseconds) }
    guard ByteSearch.hasSuffix(text, "s"),
      let value = Double(text.slice(0, text.count - 1).string), value.isFinite, value >= 0,
      value < 1e9
    else { return nil }
    return .milliseconds(Int64((value * 1000).rounded()))
  }
}

/// What BuildKit did in one job.
public struct DockerBuild: Sendable, Hashable, Codable {
  /// Dockerfile step vertices other than `FROM`, once per vertex number and build.
  public var layers = 0
  /// Layers whose first verdict was `CACHED`.
  public var cached = 0
  /// Layers that ran (`DONE` or `ERROR`).
  public var rebuilt = 0
  /// The sum of the rebuilt layers' `DONE` durations.
  public var rebuiltDuration = Duration.zero
  /// Whether a cache was imported (`importing cache manifest from …`).
  public var cacheImported = false
  /// Whether a cache was exported.
  public var cacheExported = false
  /// The builds seen (a new one starts with `#0 building with …` or vertex 1's load line).
  public var builds = 0

  /// Creates an empty record.
  public init() {}
}

/// Folds ``BuildKit/Line``s into a ``DockerBuild``.
struct BuildKitBuilder {
  private enum Verdict {
    case cached
    case ran(Duration?)
  }
  private var build = DockerBuild()
  private var seen = false
  /// The layers the parser counted itself (``BuildKit/Line/tally(_:)``).
  private var tallied = BuildKit.Tally()
  /// Per vertex of the current build: whether it is a layer and its first verdict.
  private var vertices: [Int: (layer: Bool?, verdict: Verdict?)] = [:]
  private var finished: [(layer: Bool?, verdict: Verdict?)] = []
  /// A build began and no vertex has been seen since (`#0 building with` then `#1 [internal]
  /// load build definition` are one build).
  private var justStarted = false

  mutating func apply(_ line: BuildKit.Line) {
    if case .buildStarted = line {
      guard !justStarted else { return }
      justStarted = true
      endBuild()
      build.builds += 1
      return
    }
    justStarted = false
    switch line {
    case .buildStarted:
      break
    case .step(let vertex, let from):
      seen = true
      if vertices[vertex]?.layer == nil { vertices[vertex, default: (nil, nil)].layer = !from }
    case .cached(let vertex):
      if vertices[vertex]?.verdict == nil {
        vertices[vertex, default: (nil, nil)].verdict = .cached
      }
    case .done(let vertex, let duration):
      if vertices[vertex]?.verdict == nil {
        vertices[vertex, default: (nil, nil)].verdict = .ran(duration)
      }
    case .error(let vertex):
      if vertices[vertex]?.verdict == nil {
        vertices[vertex, default: (nil, nil)].verdict = .ran(nil)
      }
    case .cacheImport:
      seen = true
      build.cacheImported = true
    case .cacheExport:
      seen = true
      build.cacheExported = true
    case .tally(let counts):
      // Stands for step lines and verdicts: a build was seen, and it is under way.
      seen = true
      tallied.lines += counts.lines
      tallied.layers += counts.layers
      tallied.cached += counts.cached
      tallied.rebuilt += counts.rebuilt
      tallied.rebuiltDuration += counts.rebuiltDuration
    }
  }

  /// A step started or a new build began: vertex numbers start again.
  mutating func endBuild() {
    if case .none = vertices.first { return }
    finished += vertices.values
    vertices = [:]
  }

  func result() -> DockerBuild? {
    guard seen else { return nil }
    var copy = self
    copy.endBuild()
    var build = copy.build
    build.layers = tallied.layers
    build.cached = tallied.cached
    build.rebuilt = tallied.rebuilt
    build.rebuiltDuration = tallied.rebuiltDuration
    for vertex in copy.finished where vertex.layer == true {
      build.layers += 1
      switch vertex.verdict {
      case .cached: build.cached += 1
      case .ran(let duration):
        build.rebuilt += 1
        build.rebuiltDuration += duration ?? .zero
      case nil: break
      }
    }
    build.builds = max(build.builds, 1)
    return build
  }
}

extension BuildKit {
  /// `12.3s` in milliseconds, for up to nine integer digits and three fraction digits (exact);
  /// `nil` for another form.
  static func decimalMilliseconds(_ text: UnsafeBufferPointer<UInt8>) -> Int64? {
    guard text.count >= 2, text[text.count - 1] == UInt8(ascii: "s") else { return nil }
    var index = 0
    var whole: Int64 = 0
    while index < text.count - 1, text[index] &- UInt8(ascii: "0") < 10 {
      guard index < 9 else { return nil }
      whole = whole * 10 + Int64(text[index] &- UInt8(ascii: "0"))
      index += 1
    }
    guard index > 0 else { return nil }
    var fraction: Int64 = 0
    var digits = 0
    if index < text.count - 1 {
      guard text[index] == UInt8(ascii: ".") else { return nil }
      index += 1
      guard index < text.count - 1 else { return nil }
      while index < text.count - 1 {
        let digit = text[index] &- UInt8(ascii: "0")
        guard digit < 10, digits < 3 else { return nil }
        fraction = fraction * 10 + Int64(digit)
        digits += 1
        index += 1
      }
    }
    while digits < 3 {
      fraction *= 10
      digits += 1
    }
    return whole * 1000 + fraction
  }
}
