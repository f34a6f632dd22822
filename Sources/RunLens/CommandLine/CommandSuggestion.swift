/// What to say about a first argument that looks like a mistyped command rather than an input.
package enum CommandSuggestion {
  /// The message for `word` when it looks like a mistyped command: not one of `commands`, at
  /// least three letters or dashes, not an option; with the closest command (at most two
  /// edits away) as a hint.
  ///
  /// The caller checks first that no file is named `word` (an input of the default command).
  ///
  /// - Returns: The message, or `nil` when `word` does not look like a command.
  package static func message(for word: String, commands: [String]) -> String? {
    guard !commands.contains(word), word.count >= 3,
      word.allSatisfy({ $0.isLetter || $0 == "-" }), !word.hasPrefix("-")
    else { return nil }
    let close = commands.filter { editDistance(word, $0) <= 2 }
    let hint = close.isEmpty ? "" : " (did you mean '\(close[0])'?)"
    return "unknown command '\(word)'\(hint)"
  }

  /// The Levenshtein distance between two short words.
  package static func editDistance(_ first: String, _ second: String) -> Int {
    let a = Array(first)
    let b = Array(second)
    var previous = Array(0...b.count)
    for (i, x) in a.enumerated() {
      var current = [i + 1]
      for (j, y) in b.enumerated() {
        current.append(min(previous[j + 1] + 1, current[j] + 1, previous[j] + (x == y ? 0 : 1)))
      }
      previous = current
    }
    return previous[b.count]
  }
}
