/// What runlens knows about the actions that cache.
enum CacheActions {
  /// Whether a main step restores a cache: actions/cache (not its `save` sub-action),
  /// cache-nix-action and rust-cache.
  static func restores(_ step: Step) -> Bool {
    guard step.kind == .action, let action = step.action else { return false }
    switch action {
    case "actions/cache": return !step.name.contains("/cache/save@")
    case "nix-community/cache-nix-action", "Swatinem/rust-cache": return true
    default: return false
    }
  }

  /// Whether a main step's action has a post step (so a `Post job cleanup.` belongs to it).
  static func hasPostStep(_ step: Step, inputs: [String: String]) -> Bool {
    guard let action = step.action else { return false }
    switch action {
    case "actions/cache":
      return !step.name.contains("/cache/save@") && !step.name.contains("/cache/restore@")
    case "actions/checkout", "nix-community/cache-nix-action", "Swatinem/rust-cache",
      "DeterminateSystems/nix-installer-action", "DeterminateSystems/magic-nix-cache-action",
      "DeterminateSystems/flakehub-cache-action", "docker/login-action",
      "docker/setup-buildx-action", "cachix/cachix-action", "actions/setup-go",
      "jdx/mise-action", "webfactory/ssh-agent", "actions/create-github-app-token",
      "mozilla-actions/sccache-action":
      return true
    case "actions/setup-node", "actions/setup-python", "actions/setup-java", "actions/setup-dotnet":
      return !(inputs["cache"] ?? "").isEmpty
    default:
      return false
    }
  }

  /// The non-empty lines of a multi-line input value.
  static func keyList(_ value: String?) -> [String] {
    guard let value else { return [] }
    return value.split(whereSeparator: \.isNewline).map {
      $0.trimmingCharacters(in: " \t\r")
    }.filter { !$0.isEmpty }
  }
}

extension Substring {
  fileprivate func trimmingCharacters(in set: String) -> String {
    var slice = self[...]
    while let first = slice.first, set.contains(first) { slice = slice.dropFirst() }
    while let last = slice.last, set.contains(last) { slice = slice.dropLast() }
    return String(slice)
  }
}
