// Enclave guardrails: dates of birth, when labelled as such.

/// Finds a date right after a birth label: `DOB`, `D.O.B.`, `date of birth`, `birth date`, `birthday`,
/// `born (on)`, `geboren (am)`, `Geburtsdatum`, `geb.`, `né(e) le`, `date de naissance`,
/// `fecha de nacimiento`, `nacido/a el`, `data di nascita`, `nato/a il`, `data de nascimento`, `geboortedatum`.
/// The date is numeric (`14/02/1990`, `1990-02-14`, `14.2.90`) or has a month name in English, German or
/// French (`14 February 1990`, `February 14, 1990`, `14. Februar 1990`, `14 février 1990`); only the date
/// is reported.
///
/// Not caught: dates without a label (a date alone is not personal), ages, and dates more than a few words
/// after the label.
public struct DateOfBirthDetector: ByteDetector {
    /// Creates the detector.
    public init() {}

    var reportedEntities: [GuardEntity] { [.dateOfBirth] }

    /// The labelled dates of birth in `text`.
    public func findings(in text: String, entities: Set<GuardEntity>) -> [GuardFinding] {
        resolvedFindings(in: text, entities: entities)
    }

    /// Labels, lower case, longest first where one is a prefix of another.
    static let labels: [StaticString] = [
        "date of birth", "birth date", "birthdate", "birthday", "born on", "born", "d.o.b.", "d.o.b", "dob", "geburtsdatum", "geboren am",
        "geboren", "geb.", "n\u{E9}e le", "n\u{E9} le", "date de naissance", "fecha de nacimiento", "nacido el", "nacida el",
        "data di nascita", "nato il", "nata il", "data de nascimento", "geboortedatum", "geboren op",
    ]

    /// Words that may sit between a label and the date.
    static let fillers: [StaticString] = ["is", "was", "on", "am", "le", "el", "il", "op", "the", "of", ":"]

    func scan(_ text: ScanBytes, into findings: inout [GuardFinding]) {
        var index = 0
        while index < text.count {
            let first = Byte.lower(text[index])
            guard
                first == UInt8(ascii: "d") || first == UInt8(ascii: "b") || first == UInt8(ascii: "g") || first == UInt8(ascii: "n")
                    || first == UInt8(ascii: "f"),
                text.isTokenStart(index), Self.mayStartLabel(first, Byte.lower(text[index + 1])), let labelEnd = label(text, at: index)
            else {
                index += 1
                continue
            }
            var cursor = skipFillers(text, from: labelEnd)
            if let end = Self.dateEnd(text, from: cursor) {
                findings.append(GuardFinding(entity: .dateOfBirth, range: cursor..<end))
                cursor = end
            }
            index = max(index + 1, cursor)
        }
    }

    /// Whether two lower-case bytes can start a label (a cheap filter before comparing the labels).
    @inline(__always) static func mayStartLabel(_ first: UInt8, _ second: UInt8) -> Bool {
        switch (first, second) {
        case (UInt8(ascii: "d"), UInt8(ascii: "a")), (UInt8(ascii: "d"), UInt8(ascii: "o")), (UInt8(ascii: "d"), UInt8(ascii: ".")),
            (UInt8(ascii: "b"), UInt8(ascii: "i")), (UInt8(ascii: "b"), UInt8(ascii: "o")), (UInt8(ascii: "g"), UInt8(ascii: "e")),
            (UInt8(ascii: "n"), 0xC3), (UInt8(ascii: "n"), UInt8(ascii: "a")), (UInt8(ascii: "f"), UInt8(ascii: "e")):
            return true
        default: return false
        }
    }

    private func label(_ text: ScanBytes, at index: Int) -> Int? {
        for label in Self.labels where text.matchesFolded(label, at: index) {
            let end = index + label.utf8CodeUnitCount
            if !Byte.isAlpha(text[end]) { return end }
        }
        return nil
    }

    private func skipFillers(_ text: ScanBytes, from start: Int) -> Int {
        var cursor = start
        for _ in 0..<4 {
            cursor = text.runEnd(from: cursor, limit: 4) {
                Byte.isBlank($0) || $0 == UInt8(ascii: ":") || $0 == UInt8(ascii: "-") || $0 == UInt8(ascii: "=")
            }
            guard Byte.isAlpha(text[cursor]) else { break }
            var matched = false
            for filler in Self.fillers where text.matchesFolded(filler, at: cursor) && !Byte.isAlpha(text[cursor + filler.utf8CodeUnitCount]) {
                cursor += filler.utf8CodeUnitCount
                matched = true
                break
            }
            if !matched { break }
        }
        return cursor
    }

    /// The end of a date starting at `start`, or nil.
    static func dateEnd(_ text: ScanBytes, from start: Int) -> Int? {
        if Byte.isDigit(text[start]) {
            return numericDateEnd(text, from: start) ?? dayMonthNameEnd(text, from: start)
        }
        return monthNameDayEnd(text, from: start)
    }

    private static func number(_ text: ScanBytes, _ range: Range<Int>) -> Int {
        range.reduce(0) { $0 * 10 + Byte.digit(text[$1]) }
    }

    private static func numericDateEnd(_ text: ScanBytes, from start: Int) -> Int? {
        let firstEnd = text.runEnd(from: start, limit: 5, while: Byte.isDigit)
        let separator = text[firstEnd]
        guard separator == UInt8(ascii: "/") || separator == UInt8(ascii: ".") || separator == UInt8(ascii: "-") else { return nil }
        let secondEnd = text.runEnd(from: firstEnd + 1, limit: 3, while: Byte.isDigit)
        guard (1...2).contains(secondEnd - firstEnd - 1), text[secondEnd] == separator else { return nil }
        let thirdEnd = text.runEnd(from: secondEnd + 1, limit: 5, while: Byte.isDigit)
        let first = number(text, start..<firstEnd)
        let second = number(text, firstEnd + 1..<secondEnd)
        let third = number(text, secondEnd + 1..<thirdEnd)
        let firstLength = firstEnd - start
        let thirdLength = thirdEnd - secondEnd - 1
        guard !Byte.isAlnum(text[thirdEnd]) else { return nil }
        if firstLength == 4 {
            guard (1...2).contains(thirdLength), (1...12).contains(second), (1...31).contains(third) else { return nil }
            return (1900...2100).contains(first) ? thirdEnd : nil
        }
        guard (1...2).contains(firstLength), thirdLength == 2 || thirdLength == 4 else { return nil }
        guard (1...31).contains(first), (1...31).contains(second), first <= 12 || second <= 12 else { return nil }
        return thirdLength == 2 || (1900...2100).contains(third) ? thirdEnd : nil
    }

    /// `14 February 1990`, `14. Februar 1990`, `14th of February, 1990`.
    private static func dayMonthNameEnd(_ text: ScanBytes, from start: Int) -> Int? {
        let dayEnd = text.runEnd(from: start, limit: 3, while: Byte.isDigit)
        guard (1...2).contains(dayEnd - start), (1...31).contains(number(text, start..<dayEnd)) else { return nil }
        var cursor = dayEnd
        for suffix: StaticString in ["st", "nd", "rd", "th", "."] where text.matchesFolded(suffix, at: cursor) {
            cursor += suffix.utf8CodeUnitCount
            break
        }
        cursor = text.runEnd(from: cursor, limit: 2, while: Byte.isBlank)
        if text.matchesFolded("of ", at: cursor) { cursor += 3 }
        guard let monthEnd = monthEnd(text, at: cursor) else { return nil }
        return yearEnd(text, after: monthEnd)
    }

    /// `February 14, 1990`.
    private static func monthNameDayEnd(_ text: ScanBytes, from start: Int) -> Int? {
        guard let monthEnd = monthEnd(text, at: start) else { return nil }
        let dayStart = text.runEnd(from: monthEnd, limit: 2, while: Byte.isBlank)
        let dayEnd = text.runEnd(from: dayStart, limit: 3, while: Byte.isDigit)
        guard (1...2).contains(dayEnd - dayStart), (1...31).contains(number(text, dayStart..<dayEnd)) else { return nil }
        var cursor = dayEnd
        for suffix: StaticString in ["st", "nd", "rd", "th"] where text.matchesFolded(suffix, at: cursor) {
            cursor += 2
            break
        }
        return yearEnd(text, after: cursor)
    }

    private static func yearEnd(_ text: ScanBytes, after start: Int) -> Int? {
        var cursor = start
        if text[cursor] == UInt8(ascii: ",") { cursor += 1 }
        cursor = text.runEnd(from: cursor, limit: 2, while: Byte.isBlank)
        let end = text.runEnd(from: cursor, limit: 5, while: Byte.isDigit)
        guard end - cursor == 4, (1900...2100).contains(number(text, cursor..<end)), !Byte.isAlnum(text[end]) else { return nil }
        return end
    }

    /// Month names (English with abbreviations, German, French), lower case.
    static let months: [StaticString] = [
        "january", "february", "march", "april", "may", "june", "july", "august", "september", "october", "november", "december",
        "sept", "jan", "feb", "mar", "apr", "jun", "jul", "aug", "sep", "oct", "nov", "dec", "januar", "februar", "m\u{E4}rz", "maerz",
        "mai", "juni", "juli", "oktober", "dezember", "janvier", "f\u{E9}vrier", "mars", "avril", "juin", "juillet", "ao\u{FB}t",
        "septembre", "octobre", "novembre", "d\u{E9}cembre",
    ]

    private static func monthEnd(_ text: ScanBytes, at start: Int) -> Int? {
        var best: Int?
        for month in months where text.matchesFolded(month, at: start) {
            let end = start + month.utf8CodeUnitCount
            if !Byte.isAlpha(text[end]) && text[end] < 0x80 { best = max(best ?? 0, end) }
        }
        guard var end = best else { return nil }
        if text[end] == UInt8(ascii: ".") { end += 1 }
        return end
    }
}
