/// Actions that do not cache (or cache outside the GitHub cache service) but that runlens
/// knows for one thing: they declare a post step, so a `Post job cleanup.` belongs to them.
///
/// Post steps run in the reverse order of the main steps that have one; knowing every such
/// action lets the builder name post steps after their main steps. To add one, add it to
/// ``withPostStep``.
enum OtherActions {
  /// `actions/checkout`.
  static let checkout = "actions/checkout"
  /// `actions/create-github-app-token`.
  static let createGitHubAppToken = "actions/create-github-app-token"
  /// `DeterminateSystems/nix-installer-action`.
  static let nixInstaller = "DeterminateSystems/nix-installer-action"
  /// `DeterminateSystems/magic-nix-cache-action`.
  static let magicNixCache = "DeterminateSystems/magic-nix-cache-action"
  /// `DeterminateSystems/flakehub-cache-action`.
  static let flakeHubCache = "DeterminateSystems/flakehub-cache-action"
  /// `docker/login-action`.
  static let dockerLogin = "docker/login-action"
  /// `docker/build-push-action`.
  static let dockerBuildPush = "docker/build-push-action"
  /// `hendrikmuhs/ccache-action`.
  static let ccache = "hendrikmuhs/ccache-action"
  /// `docker/setup-buildx-action`.
  static let dockerSetupBuildx = "docker/setup-buildx-action"
  /// `cachix/cachix-action`.
  static let cachix = "cachix/cachix-action"
  /// `jdx/mise-action`.
  static let mise = "jdx/mise-action"
  /// `webfactory/ssh-agent`.
  static let sshAgent = "webfactory/ssh-agent"
  /// `mozilla-actions/sccache-action`.
  static let sccache = "mozilla-actions/sccache-action"

  /// The actions of this list, each of which has a post step.
  static let withPostStep: Set<String> = [
    checkout, createGitHubAppToken, nixInstaller, magicNixCache, flakeHubCache, dockerLogin,
    dockerSetupBuildx, dockerBuildPush, cachix, mise, sshAgent, sccache, ccache,
  ]
}
