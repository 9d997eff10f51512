// Enclave guardrails: postal addresses, where a pattern finds them with good precision.

/// Finds street addresses of three shapes, each with what follows it on the line when that is a unit,
/// a city, a state or a postal code:
/// - English: a house number, one to four capitalised words and a street type (`221B Baker Street`,
///   `1600 Pennsylvania Ave NW, Washington, DC 20500`);
/// - German: a capitalised street name ending in `straße`, `strasse`, `str.`, `weg`, `gasse`, `allee`,
///   `platz`, `ring` or `damm`, and a house number (`Hauptstraße 5, 10115 Berlin`);
/// - French: a house number, `rue`, `avenue`, `boulevard`, `place`, `chemin`, `quai` or `impasse`, and the
///   name (`12 rue de la Paix, 75002 Paris`).
///
/// Not caught: addresses without a house number or a street type, post-office boxes, addresses in other
/// languages, and a city or postal code alone.
public struct PostalAddressDetector: ByteDetector {
    /// Creates the detector.
    public init() {}

    var reportedEntities: [GuardEntity] { [.postalAddress] }

    /// The street addresses in `text`.
    public func findings(in text: String, entities: Set<GuardEntity>) -> [GuardFinding] {
        resolvedFindings(in: text, entities: entities)
    }

    /// English street types, as written.
    static let streetTypes: Set<String> = [
        "Street", "St", "Avenue", "Ave", "Road", "Rd", "Boulevard", "Blvd", "Lane", "Ln", "Drive", "Dr", "Court", "Ct", "Way", "Place",
        "Pl", "Terrace", "Parkway", "Pkwy", "Highway", "Hwy", "Square", "Sq", "Circle", "Cir", "Trail", "Close", "Crescent", "Row",
    ]
    /// Endings of German street names, lower case.
    static let germanEndings: [StaticString] = ["stra\u{DF}e", "strasse", "str.", "weg", "gasse", "allee", "platz", "ring", "damm"]
    /// French street words, lower case.
    static let frenchWords: [StaticString] = ["rue", "avenue", "boulevard", "bd", "place", "chemin", "quai", "impasse", "all\u{E9}e"]

    func scan(_ text: ScanBytes, into findings: inout [GuardFinding]) {
        var index = 0
        while index < text.count {
            let byte = text[index]
            guard text.isTokenStart(index), Byte.isDigit(byte) || Byte.isUpper(byte) else {
                index += 1
                continue
            }
            let end = Byte.isDigit(byte) ? numberedAddressEnd(text, from: index) : germanAddressEnd(text, from: index)
            if let end {
                findings.append(GuardFinding(entity: .postalAddress, range: index..<tailEnd(text, from: end), score: 0.8))
                index = end
            } else {
                index += 1
            }
        }
    }

    private func word(_ text: ScanBytes, at start: Int) -> Int {
        text.runEnd(from: start, limit: 40) { Byte.isAlpha($0) || $0 >= 0x80 }
    }

    /// `221B Baker Street` or `12 rue de la Paix`.
    private func numberedAddressEnd(_ text: ScanBytes, from start: Int) -> Int? {
        var cursor = text.runEnd(from: start, limit: 6, while: Byte.isDigit)
        guard cursor - start <= 5 else { return nil }
        if Byte.isAlpha(text[cursor]), !Byte.isAlpha(text[cursor + 1]) { cursor += 1 }
        if text[cursor] == UInt8(ascii: ",") { cursor += 1 }
        guard text[cursor] == UInt8(ascii: " ") else { return nil }
        cursor += 1
        for french in Self.frenchWords where text.matchesFolded(french, at: cursor) && !Byte.isAlpha(text[cursor + french.utf8CodeUnitCount]) {
            return frenchNameEnd(text, from: cursor + french.utf8CodeUnitCount)
        }
        var words = 0
        while words < 5, Byte.isUpper(text[cursor]) {
            let wordEnd = word(text, at: cursor)
            guard wordEnd > cursor else { return nil }
            if words > 0, !Byte.isAlnum(text[wordEnd]), text[wordEnd] != UInt8(ascii: "-"), Self.streetTypes.contains(text.string(cursor..<wordEnd)) {
                var end = wordEnd
                if text[end] == UInt8(ascii: ".") { end += 1 }
                for direction: StaticString in [" NW", " NE", " SW", " SE", " N", " S", " E", " W"]
                where text.matches(direction, at: end) && !Byte.isAlpha(text[end + direction.utf8CodeUnitCount]) {
                    end += direction.utf8CodeUnitCount
                    break
                }
                return end
            }
            words += 1
            guard text[wordEnd] == UInt8(ascii: " ") else { return nil }
            cursor = wordEnd + 1
        }
        return nil
    }

    /// The name after a French street word: up to five words, lower-case particles allowed.
    private func frenchNameEnd(_ text: ScanBytes, from start: Int) -> Int? {
        var cursor = start
        var end: Int?
        for _ in 0..<6 {
            guard text[cursor] == UInt8(ascii: " ") || text[cursor] == UInt8(ascii: "'") else { break }
            cursor += 1
            let wordEnd = word(text, at: cursor)
            guard wordEnd > cursor else { break }
            if Byte.isUpper(text[cursor]) {
                end = wordEnd
            } else if wordEnd - cursor > 3 {
                break
            }
            cursor = wordEnd
        }
        return end
    }

    /// `Hauptstraße 5` or `Am Mühlweg 12a`.
    private func germanAddressEnd(_ text: ScanBytes, from start: Int) -> Int? {
        let wordEnd = text.runEnd(from: start, limit: 40) { Byte.isAlpha($0) || $0 >= 0x80 || $0 == UInt8(ascii: "-") || $0 == UInt8(ascii: ".") }
        guard wordEnd - start >= 4, text[wordEnd] == UInt8(ascii: " "), Byte.isDigit(text[wordEnd + 1]) else { return nil }
        guard
            Self.germanEndings.contains(where: {
                wordEnd - $0.utf8CodeUnitCount > start && text.matchesFolded($0, at: wordEnd - $0.utf8CodeUnitCount)
            })
        else { return nil }
        guard text[wordEnd] == UInt8(ascii: " "), Byte.isDigit(text[wordEnd + 1]) else { return nil }
        var end = text.runEnd(from: wordEnd + 1, limit: 4, while: Byte.isDigit)
        guard end - wordEnd - 1 <= 3 else { return nil }
        if Byte.isLower(text[end]), !Byte.isAlpha(text[end + 1]) { end += 1 }
        return Byte.isAlnum(text[end]) ? nil : end
    }

    /// Extends an address over `, Apt 4`, `, Springfield`, `, IL 62704`, `, 10115 Berlin` on the same line.
    private func tailEnd(_ text: ScanBytes, from start: Int) -> Int {
        var end = start
        var cursor = start
        for _ in 0..<4 {
            guard text[cursor] == UInt8(ascii: ",") || text[cursor] == UInt8(ascii: " ") else { break }
            var next = text.runEnd(from: cursor + 1, limit: 2, while: Byte.isBlank)
            if text[cursor] == UInt8(ascii: " ") { next = cursor + 1 }
            if let part = postalPartEnd(text, from: next) {
                end = part
                cursor = part
            } else {
                break
            }
        }
        return end
    }

    /// A postal code and optional city (`10115 Berlin`, `62704`), a state and ZIP (`IL 62704`), a unit
    /// (`Apt 4B`, `Suite 200`) or a capitalised city name.
    private func postalPartEnd(_ text: ScanBytes, from start: Int) -> Int? {
        if Byte.isDigit(text[start]) {
            var end = text.runEnd(from: start, limit: 6, while: Byte.isDigit)
            guard end - start == 5 || end - start == 4 else { return nil }
            if text[end] == UInt8(ascii: "-"), text.runEnd(from: end + 1, limit: 5, while: Byte.isDigit) == end + 5 { end += 5 }
            guard !Byte.isAlnum(text[end]) else { return nil }
            if text[end] == UInt8(ascii: " "), Byte.isUpper(text[end + 1]) {
                let city = word(text, at: end + 1)
                if city - end - 1 >= 2 { return city }
            }
            return end
        }
        for unit: StaticString in ["Apt", "Suite", "Unit", "Floor", "#"] where text.matches(unit, at: start) {
            var cursor = start + unit.utf8CodeUnitCount
            if text[cursor] == UInt8(ascii: ".") { cursor += 1 }
            cursor = text.runEnd(from: cursor, limit: 1, while: Byte.isBlank)
            let end = text.runEnd(from: cursor, limit: 6, while: Byte.isAlnum)
            return end > cursor ? end : nil
        }
        guard Byte.isUpper(text[start]) else { return nil }
        let wordEnd = word(text, at: start)
        if wordEnd - start == 2, Byte.isUpper(text[start + 1]) {
            let zipStart = wordEnd + 1
            guard text[wordEnd] == UInt8(ascii: " "), Byte.isDigit(text[zipStart]) else { return wordEnd }
            return postalPartEnd(text, from: zipStart) ?? wordEnd
        }
        guard wordEnd - start >= 3, (start + 1..<wordEnd).allSatisfy({ !Byte.isUpper(text[$0]) }) else { return nil }
        if text[wordEnd] == UInt8(ascii: " "), Byte.isUpper(text[wordEnd + 1]) {
            let second = word(text, at: wordEnd + 1)
            if second - wordEnd - 1 >= 3, text[second] == UInt8(ascii: ",") { return second }
        }
        return wordEnd
    }
}
