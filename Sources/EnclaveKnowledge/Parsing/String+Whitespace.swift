// Enclave knowledge: whitespace clean-up shared by the parsers.

extension String {
    /// The text with every run of whitespace (newlines and no-break spaces included) turned into one space,
    /// trimmed at both ends.
    var collapsingWhitespace: String {
        var result = ""
        result.reserveCapacity(utf8.count)
        var pendingSpace = false
        for character in self {
            if character.isWhitespace {
                pendingSpace = !result.isEmpty
            } else {
                if pendingSpace { result.append(" ") }
                pendingSpace = false
                result.append(character)
            }
        }
        return result
    }
}
