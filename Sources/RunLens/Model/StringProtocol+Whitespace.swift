extension StringProtocol {
  /// The text without leading and trailing whitespace (spaces, tabs, CR, LF and the like).
  ///
  /// The library avoids Foundation, whose `trimmingCharacters(in:)` this replaces.
  func trimmedWhitespace() -> String {
    var slice = Substring(self)
    while let first = slice.first, first.isWhitespace { slice = slice.dropFirst() }
    while let last = slice.last, last.isWhitespace { slice = slice.dropLast() }
    return String(slice)
  }
}
