import Testing

@testable import RunLens

@Suite("CommandSuggestion")
struct CommandSuggestionTests {
  static let commands = ["report", "compare", "budget", "fetch", "comment", "history", "help"]

  @Test("a near miss gets the closest command as a hint; a far one gets none")
  func hints() {
    #expect(
      CommandSuggestion.message(for: "reprot", commands: Self.commands)
        == "unknown command 'reprot' (did you mean 'report'?)")
    #expect(
      CommandSuggestion.message(for: "comare", commands: Self.commands)
        == "unknown command 'comare' (did you mean 'compare'?)")
    #expect(
      CommandSuggestion.message(for: "frobnicate", commands: Self.commands)
        == "unknown command 'frobnicate'")
  }

  @Test(
    "commands, options, short words and words with other characters are not mistyped commands",
    arguments: ["report", "help", "--strict", "ab", "job.log", "logs/", "run1"])
  func notCommands(_ word: String) {
    #expect(CommandSuggestion.message(for: word, commands: Self.commands) == nil)
  }

  @Test("the edit distance counts insertions, deletions and substitutions")
  func distance() {
    #expect(CommandSuggestion.editDistance("report", "report") == 0)
    #expect(CommandSuggestion.editDistance("reprot", "report") == 2)
    #expect(CommandSuggestion.editDistance("", "abc") == 3)
    #expect(CommandSuggestion.editDistance("kitten", "sitting") == 3)
  }
}
