// Enclave guardrails: person names, where a pattern finds them with good precision.

/// Finds a person's name only where the text says it is one: one to three capitalised words after a title
/// (`Mr.`, `Mrs.`, `Ms.`, `Miss`, `Mx.`, `Dr.`, `Prof.`, `Herr`, `Frau`, `Monsieur`, `Madame`, `Mme`), after
/// `my name is`, `I'm called`, `ich heiße`, `je m'appelle`, `me llamo`, `mi chiamo`, or after a `Name:` /
/// `Full name:` field. Only the name is reported.
///
/// Not caught, by design: names without such a cue ("Ana Silva called"), lower-case names, and names in
/// scripts without letter case. Finding names in free text needs a statistical model, which Enclave does
/// not ship.
public struct PersonNameDetector: ByteDetector {
    /// Creates the detector.
    public init() {}

    var reportedEntities: [GuardEntity] { [.person] }

    /// The cued person names in `text`.
    public func findings(in text: String, entities: Set<GuardEntity>) -> [GuardFinding] {
        resolvedFindings(in: text, entities: entities)
    }

    /// Titles matched with their case as written (an optional `.` follows).
    static let titles: [StaticString] = ["Mrs", "Mr", "Ms", "Miss", "Mx", "Dr", "Prof", "Herr", "Frau", "Monsieur", "Madame", "Mme"]
    /// Phrases matched ignoring case, lower case here.
    static let phrases: [StaticString] = [
        "my name is", "i'm called", "i am called", "ich hei\u{DF}e", "je m'appelle", "me llamo", "mi chiamo", "full name:", "name:",
        "full name is", "patient name:", "customer name:",
    ]
    /// Capitalised words that start sentences rather than names.
    static let stopWords: Set<String> = [
        "The", "A", "An", "And", "Or", "Is", "I", "It", "This", "That", "Not", "No", "Yes", "Your", "My", "Our", "Their", "His", "Her",
        "Unknown", "None", "Null", "Required", "Optional", "Name", "First", "Last", "Full", "String", "Text", "Example",
    ]

    func scan(_ text: ScanBytes, into findings: inout [GuardFinding]) {
        var index = 0
        while index < text.count {
            let byte = text[index]
            guard Byte.isAlpha(byte), text.isTokenStart(index), let cueEnd = cue(text, at: index) else {
                index += 1
                continue
            }
            if let name = nameRange(text, from: cueEnd) {
                findings.append(GuardFinding(entity: .person, range: name, score: 0.8))
                index = name.upperBound
            } else {
                index = cueEnd
            }
        }
    }

    /// The end of a cue (title or phrase) at `index`, with the space after it.
    private func cue(_ text: ScanBytes, at index: Int) -> Int? {
        let first = text[index]
        if first == UInt8(ascii: "M") || first == UInt8(ascii: "D") || first == UInt8(ascii: "P") || first == UInt8(ascii: "H")
            || first == UInt8(ascii: "F")
        {
            for title in Self.titles where text.matches(title, at: index) {
                var end = index + title.utf8CodeUnitCount
                guard !Byte.isAlpha(text[end]) else { continue }
                if text[end] == UInt8(ascii: ".") { end += 1 }
                guard text[end] == UInt8(ascii: " ") else { continue }
                if title.utf8CodeUnitCount == 2 && text.matches("Dr", at: index) && followsCapitalisedWord(text, index) { continue }
                return end + 1
            }
        }
        switch Byte.lower(text[index]) {
        case UInt8(ascii: "m"), UInt8(ascii: "i"), UInt8(ascii: "j"), UInt8(ascii: "f"), UInt8(ascii: "n"), UInt8(ascii: "p"),
            UInt8(ascii: "c"):
            break
        default: return nil
        }
        for phrase in Self.phrases where text.matchesFolded(phrase, at: index) {
            let end = index + phrase.utf8CodeUnitCount
            guard !Byte.isAlpha(text[end]) else { continue }
            return text.runEnd(from: end, limit: 3, while: Byte.isBlank)
        }
        return nil
    }

    /// `Main Dr.` is a street: the word before a `Dr` title must not be capitalised.
    private func followsCapitalisedWord(_ text: ScanBytes, _ index: Int) -> Bool {
        guard text[index - 1] == UInt8(ascii: " ") else { return false }
        let start = text.runStart(before: index - 1, limit: 30, while: Byte.isAlpha)
        return start < index - 1 && Byte.isUpper(text[start])
    }

    /// One to three capitalised words (an initial `J.` counts) from `start`.
    private func nameRange(_ text: ScanBytes, from start: Int) -> Range<Int>? {
        var cursor = start
        var end = start
        var words = 0
        var full = 0
        while words < 3 {
            guard Byte.isUpper(text[cursor]) else { break }
            let wordEnd = text.runEnd(from: cursor, limit: 30) {
                Byte.isAlpha($0) || $0 >= 0x80 || $0 == UInt8(ascii: "-") || $0 == UInt8(ascii: "'")
            }
            let length = wordEnd - cursor
            if length == 1, text[wordEnd] == UInt8(ascii: ".") {
                end = wordEnd + 1
            } else {
                guard length >= 2, !Self.stopWords.contains(text.string(cursor..<wordEnd)),
                    (cursor + 1..<wordEnd).contains(where: { Byte.isLower(text[$0]) || text[$0] >= 0x80 })
                else { break }
                end = wordEnd
                full += 1
            }
            words += 1
            guard text[end] == UInt8(ascii: " "), Byte.isUpper(text[end + 1]) else { break }
            cursor = end + 1
        }
        return full > 0 ? start..<end : nil
    }
}
