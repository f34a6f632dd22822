import Testing

@testable import RunLens

@Suite("StepsContext")
struct StepsContextTests {
  static let context = """
    {
      "restore": {
        "outputs": {
          "cache-hit": "false",
          "cache-primary-key": "deps-Linux-abc",
          "cache-matched-key": "deps-Linux-"
        },
        "outcome": "success",
        "conclusion": "success"
      },
      "exact": {
        "outputs": {
          "cache-primary-key": "Deps-abc",
          "cache-matched-key": "deps-ABC"
        },
        "outcome": "success",
        "conclusion": "success"
      },
      "missed": {
        "outputs": {
          "cache-primary-key": "k",
          "cache-matched-key": ""
        },
        "outcome": "success",
        "conclusion": "success"
      },
      "nix": {
        "outputs": {
          "primary-key": "nix-k",
          "hit": "true",
          "hit-primary-key": "false",
          "hit-first-match": "true",
          "restored-key": "nix-"
        },
        "outcome": "success",
        "conclusion": "success"
      },
      "nix-old": {
        "outputs": {
          "hit": "true",
          "hit-primary": "true"
        },
        "outcome": "success",
        "conclusion": "success"
      },
      "rust": {
        "outputs": {
          "cache-hit": "true"
        },
        "outcome": "success",
        "conclusion": "success"
      },
      "node": {
        "outputs": {
          "cache-hit": "false"
        },
        "outcome": "success",
        "conclusion": "success"
      },
      "gradle-cache": {
        "outputs": {},
        "outcome": "success",
        "conclusion": "success"
      },
      "build": {
        "outputs": {},
        "outcome": "failure",
        "conclusion": "success"
      }
    }
    """

  @Test("each cache action's outputs give its outcome")
  func outcomes() throws {
    let steps = try StepsContext.parse(Array(Self.context.utf8))
    #expect(steps.count == 9)
    #expect(steps.first { $0.id == "build" }?.conclusion == "success")
    #expect(steps.first { $0.id == "build" }?.outcome == "failure")
    let restores = StepsContext.restores(steps)
    let outcomes = Dictionary(uniqueKeysWithValues: restores.map { ($0.step, $0.outcome) })
    #expect(
      outcomes == [
        "restore": .fallbackHit, "exact": .exactHit, "missed": .miss, "nix": .fallbackHit,
        "nix-old": .exactHit, "rust": .exactHit, "node": .unknown, "gradle-cache": .miss,
      ])
    let restore = try #require(restores.first { $0.step == "restore" })
    #expect(restore.primaryKey == "deps-Linux-abc")
    #expect(restore.restoredKey == "deps-Linux-")
    #expect(restores.first { $0.step == "nix" }?.action == "nix-community/cache-nix-action")
  }

  @Test("text that is not a steps context is refused")
  func refused() {
    #expect(throws: StepsContext.ParseError.self) { try StepsContext.parse(Array("[1]".utf8)) }
  }
}
