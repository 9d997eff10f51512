// Enclave: how text is split into words for keyword search.

import Foundation

/// Splits text into the words keyword search indexes and matches: lowercased, with diacritics folded
/// (`Café` → `cafe`), split on everything that is not a letter or a digit. Stores tokenize chunks and
/// queries with it alike.
///
/// ```swift
/// KeywordTokenizer.words("Crème brûlée, 2 pièces")  // ["creme", "brulee", "2", "pieces"]
/// ```
public enum KeywordTokenizer {
    /// The words of `text`, in order, repeats kept.
    public static func words(_ text: String) -> [String] {
        var words: [String] = []
        var current = String.UnicodeScalarView()
        for scalar in text.lowercased().decomposedStringWithCanonicalMapping.unicodeScalars {
            let properties = scalar.properties
            if properties.generalCategory == .nonspacingMark { continue }
            if properties.isAlphabetic || properties.numericType != nil {
                current.append(scalar)
            } else if !current.isEmpty {
                words.append(String(current))
                current = String.UnicodeScalarView()
            }
        }
        if !current.isEmpty { words.append(String(current)) }
        return words
    }
}
