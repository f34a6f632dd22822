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

  /// `12.3s` → 12.3 s.
  static func seconds(_ text: UnsafeBufferPointer<UInt8>) -> Duration? {
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
