/// What runlens knows about the actions that cache.
enum CacheActions {
  /// Whether a main step restores a cache: actions/cache (not its `save` sub-action),
  /// cache-nix-action and rust-cache.
  static func restores(_ step: Step, inputs: [String: String]) -> Bool {
    guard step.kind == .action, let action = step.action else { return false }
    switch action {
    case "actions/cache", "nix-community/cache-nix-action": return !step.name.contains("/save@")
    case "Swatinem/rust-cache": return true
    case "actions/setup-go": return inputs["cache"] == "true"
    case "actions/setup-node", "actions/setup-python", "actions/setup-java", "actions/setup-dotnet":
      return !(inputs["cache"] ?? "").isEmpty && inputs["cache"] != "false"
    default: return false
    }
  }

  /// Whether an action restores only its primary key (no restore keys), so a restored key is
  /// an exact hit even when the log does not show the key it looked up.
  static func usesOnlyPrimaryKey(_ action: String?) -> Bool {
    guard let action else { return false }
    return [
      "actions/setup-node", "actions/setup-python", "actions/setup-java", "actions/setup-dotnet",
    ]
    .contains(action)
  }

  /// Whether a main step's action has a post step (so a `Post job cleanup.` belongs to it).
  static func hasPostStep(_ step: Step, inputs: [String: String]) -> Bool {
    guard let action = step.action else { return false }
    switch action {
    case "actions/cache", "nix-community/cache-nix-action":
      return !step.name.contains("/save@") && !step.name.contains("/restore@")
    case "actions/checkout", "Swatinem/rust-cache",
      "DeterminateSystems/nix-installer-action", "DeterminateSystems/magic-nix-cache-action",
      "DeterminateSystems/flakehub-cache-action", "docker/login-action",
      "docker/setup-buildx-action", "cachix/cachix-action", "actions/setup-go",
      "jdx/mise-action", "webfactory/ssh-agent", "actions/create-github-app-token",
      "mozilla-actions/sccache-action", "actions/setup-node", "actions/setup-python",
      "actions/setup-java", "actions/setup-dotnet":
      // The setup actions declare a post step whether or not caching is on.
      return true
    default:
      return false
    }
  }

  /// The non-empty lines of a multi-line input value.
  static func keyList(_ value: String?) -> [String] {
    guard let value else { return [] }
    return value.split(whereSeparator: \.isNewline).map {
      $0.trimmedWhitespace()
    }.filter { !$0.isEmpty }
  }
}
