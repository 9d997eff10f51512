// Enclave knowledge: recognising Markdown's block constructs, one line at a time.

import Foundation

extension MarkdownParser.Builder {
    /// Leading spaces, a tab counting as four.
    static func indentation(of line: String) -> Int {
        var width = 0
        for character in line {
            switch character {
            case " ": width += 1
            case "\t": width += 4 - width % 4
            default: return width
            }
        }
        return width
    }

    /// The line without up to `width` columns of leading indentation.
    static func removingIndentation(_ line: String, upTo width: Int) -> String {
        var removed = 0
        var index = line.startIndex
        while index < line.endIndex, removed < width {
            switch line[index] {
            case " ": removed += 1
            case "\t": removed += 4 - removed % 4
            default: return String(line[index...])
            }
            index = line.index(after: index)
        }
        return String(line[index...])
    }

    /// A code fence's character and length (three or more backticks or tildes).
    static func fence(_ trimmed: String) -> (marker: Character, length: Int)? {
        guard let marker = trimmed.first, marker == "`" || marker == "~" else { return nil }
        let length = trimmed.prefix { $0 == marker }.count
        guard length >= 3 else { return nil }
        // A backtick fence's info string cannot contain backticks.
        if marker == "`", trimmed.dropFirst(length).contains("`") { return nil }
        return (marker, length)
    }

    /// An ATX heading's level and title (`## Title ##`).
    static func atxHeading(_ trimmed: String) -> (Int, String)? {
        let level = trimmed.prefix { $0 == "#" }.count
        guard (1...6).contains(level) else { return nil }
        let rest = trimmed.dropFirst(level)
        guard rest.isEmpty || rest.first == " " || rest.first == "\t" else { return nil }
        var title = rest.trimmingCharacters(in: .whitespaces)
        // A closing sequence of #s is dropped when it is preceded by a space (or is the whole title).
        let closing = title.reversed().prefix { $0 == "#" }.count
        if closing > 0 {
            let head = title.dropLast(closing)
            if head.isEmpty || head.last == " " || head.last == "\t" { title = head.trimmingCharacters(in: .whitespaces) }
        }
        return (level, title)
    }

    /// The level a setext underline (`===` or `---`) gives the paragraph above it.
    static func setextLevel(_ trimmed: String) -> Int? {
        guard let first = trimmed.first, first == "=" || first == "-", trimmed.allSatisfy({ $0 == first }) else { return nil }
        return first == "=" ? 1 : 2
    }

    /// `***`, `---`, `___` (spaces allowed between).
    static func isThematicBreak(_ trimmed: String) -> Bool {
        let marks = trimmed.filter { $0 != " " && $0 != "\t" }
        guard let first = marks.first, "-*_".contains(first), marks.count >= 3 else { return false }
        return marks.allSatisfy { $0 == first }
    }

    /// `[label]: destination "title"`.
    static func isLinkReferenceDefinition(_ trimmed: String) -> Bool {
        guard trimmed.hasPrefix("["), !trimmed.hasPrefix("[^"), let close = trimmed.firstIndex(of: "]") else { return false }
        return trimmed[trimmed.index(after: close)...].hasPrefix(":")
    }

    /// A list item's text with its marker normalised: `- text` for bullets, `3. text` for ordered items,
    /// the box of a task item dropped.
    static func listItem(_ trimmed: String) -> String? {
        var marker: String
        var rest: Substring
        if let first = trimmed.first, "-*+".contains(first) {
            marker = "-"
            rest = trimmed.dropFirst()
        } else {
            let digits = trimmed.prefix { $0.isASCII && $0.isNumber }
            guard (1...9).contains(digits.count) else { return nil }
            rest = trimmed.dropFirst(digits.count)
            guard let delimiter = rest.first, delimiter == "." || delimiter == ")" else { return nil }
            marker = digits + "."
            rest = rest.dropFirst()
        }
        guard rest.isEmpty || rest.first == " " || rest.first == "\t" else { return nil }
        var text = rest.trimmingCharacters(in: .whitespaces)
        for box in ["[ ] ", "[x] ", "[X] "] where text.hasPrefix(box) { text = String(text.dropFirst(box.count)) }
        return text.isEmpty ? marker : "\(marker) \(text)"
    }

    /// A table row's cells joined by ` | `; `nil` for the delimiter row (`|---|:--:|`).
    static func tableRow(_ trimmed: String) -> String? {
        var cells = trimmed.split(separator: "|", omittingEmptySubsequences: false).map { $0.trimmingCharacters(in: .whitespaces) }
        if trimmed.hasPrefix("|") { cells.removeFirst() }
        if trimmed.hasSuffix("|"), !cells.isEmpty { cells.removeLast() }
        if cells.allSatisfy({ !$0.isEmpty && $0.allSatisfy { ":-".contains($0) } }) { return nil }
        let row = cells.filter { !$0.isEmpty }.joined(separator: " | ")
        return row.isEmpty ? nil : row
    }
}
