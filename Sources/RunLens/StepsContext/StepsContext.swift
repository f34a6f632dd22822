internal import FoundationEssentials

/// Reads `${{ toJSON(steps) }}`: the steps of the current job that have an `id` and already ran,
/// with their outcome and outputs, and tells the cache restores from the outputs of cache
/// actions.
///
/// Output names (each action's `action.yml`):
/// - `actions/cache`: `cache-hit` (`"true"` exact, `"false"` restore-key match, unset on a
///   miss); `actions/cache/restore` adds `cache-primary-key` and `cache-matched-key`
///   (matched case-insensitively against the primary key).
/// - `nix-community/cache-nix-action` v5+: `primary-key`, `hit`, `hit-primary-key`
///   (`hit-primary` before), `hit-first-match`, `restored-key`.
/// - `Swatinem/rust-cache`: `cache-hit` (`"true"` only on a full key match).
/// - `actions/setup-node`, `setup-python`, `setup-go`: `cache-hit` (setup-node v7 adds
///   `cache-primary-key`, `cache-matched-key`).
package enum StepsContext {
  /// One entry of the steps context.
  package struct Step: Sendable, Hashable {
    /// The step's `id:`.
    package var id: String
    /// `success`, `failure`, `cancelled` or `skipped`, before `continue-on-error`.
    package var outcome: String?
    /// The same after `continue-on-error`.
    package var conclusion: String?
    /// The step's outputs (always strings).
    package var outputs: [String: String]
  }

  /// A document that is not a steps context.
  package typealias ParseError = DocumentError

  /// The steps of `${{ toJSON(steps) }}`, sorted by id (the object's order is not kept by
  /// the decoder; ids are unique).
  ///
  /// - Throws: ``ParseError`` when the text is not a JSON object of steps.
  package static func parse(_ bytes: [UInt8]) throws(ParseError) -> [Step] {
    let raw: [String: Raw]
    do {
      raw = try JSONDecoder().decode([String: Raw].self, from: Data(bytes))
    } catch {
      throw ParseError(
        message:
          "not a steps context: expected the JSON object of ${{ toJSON(steps) }} (step id → outcome, conclusion, outputs)"
      )
    }
    return raw.map { id, step in
      Step(id: id, outcome: step.outcome, conclusion: step.conclusion, outputs: step.outputs ?? [:])
    }.sorted { $0.id < $1.id }
  }

  /// The cache restores the steps' outputs show, in id order.
  ///
  /// A step counts as a cache restore when its outputs carry a cache action's names, or when
  /// its id contains `cache` and it succeeded without outputs (actions/cache leaves `cache-hit`
  /// unset on a miss).
  package static func restores(_ steps: [Step]) -> [CacheRestore] {
    steps.compactMap(restore)
  }

  /// The restore one step shows, `nil` when it is not a cache step.
  package static func restore(_ step: Step) -> CacheRestore? {
    let outputs = step.outputs
    func value(_ name: String) -> String? {
      outputs[name].flatMap { $0.isEmpty ? nil : $0 }
    }
    if step.outcome == "skipped" { return nil }
    var restore = CacheRestore(step: step.id, action: nil, outcome: .unknown, line: 0)
    if outputs["cache-matched-key"] != nil || outputs["cache-primary-key"] != nil {
      // actions/cache/restore (and setup-node v7): the matched key against the primary key.
      restore.action = "actions/cache"
      restore.primaryKey = value("cache-primary-key")
      restore.restoredKey = value("cache-matched-key")
      if let matched = restore.restoredKey {
        let exact =
          restore.primaryKey.map { $0.lowercased() == matched.lowercased() }
          ?? (value("cache-hit") == "true")
        restore.outcome = exact ? .exactHit : .fallbackHit
        restore.fallbackLevel = exact ? 0 : nil
      } else {
        restore.outcome = .miss
      }
    } else if outputs["hit"] != nil || outputs["hit-primary-key"] != nil
      || outputs["hit-primary"] != nil
    {
      restore.action = "nix-community/cache-nix-action"
      restore.primaryKey = value("primary-key")
      restore.restoredKey = value("restored-key")
      if (value("hit-primary-key") ?? value("hit-primary")) == "true" {
        restore.outcome = .exactHit
        restore.fallbackLevel = 0
      } else if value("hit-first-match") == "true" || value("hit") == "true" {
        restore.outcome = .fallbackHit
      } else {
        restore.outcome = .miss
      }
    } else if let hit = outputs["cache-hit"] {
      switch hit {
      case "true":
        restore.outcome = .exactHit
        restore.fallbackLevel = 0
      case "false":
        restore.outcome = .unknown
        restore.message =
          "cache-hit is false: restored by a restore key (actions/cache), or not fully "
          + "(rust-cache, setup-*); actions/cache/restore's cache-matched-key tells which"
      default:
        restore.outcome = .miss
      }
    } else if step.id.lowercased().contains("cache"), outputs.isEmpty,
      step.outcome == "success"
    {
      restore.outcome = .miss
      restore.message = "no outputs: actions/cache leaves cache-hit unset on a miss"
    } else {
      return nil
    }
    if step.outcome == "failure" {
      restore.outcome = .error
      restore.message = "the step failed"
    }
    return restore
  }

  private struct Raw: Decodable {
    var outcome: String?
    var conclusion: String?
    var outputs: [String: String]?
  }
}
