// Enclave guardrails: phone numbers.

/// Finds phone numbers in international (E.164, `+` and a country code) and common national formats:
/// North American `(555) 123-4567`, `555-123-4567`, `555.123.4567`, `1-555-123-4567`; French pairs
/// `01 23 45 67 89`; UK and German trunk-prefixed numbers `020 7946 0958`, `07700 900123`, `030 1234567`,
/// `089/12345678`, `(030) 1234 5678`.
///
/// The digit run is read whole (digits joined by single spaces, dashes, dots, slashes or parentheses) and
/// its grouping must be one of those formats, so dates (`2024-01-15`, `15.01.2024`), versions, times,
/// ISBNs, card numbers and bare order numbers are not phone numbers. Not caught: national numbers written
/// without any separator (`5551234567`), vanity numbers (`1-800-FLOWERS`), and national formats of other
/// countries unless written with `+` and the country code.
public struct PhoneNumberDetector: ByteDetector {
    /// Creates the detector.
    public init() {}

    var reportedEntities: [GuardEntity] { [.phoneNumber] }

    /// The phone numbers in `text`.
    public func findings(in text: String, entities: Set<GuardEntity>) -> [GuardFinding] {
        resolvedFindings(in: text, entities: entities)
    }

    /// A digit run read as groups: what it starts with, its groups and the separators between them.
    struct Run {
        var plus = false
        var openParen = false
        var groups: [Range<Int>] = []
        var separators: [UInt8] = []  // one code per gap: the separator byte, or `(` / `)` when parentheses are involved
        var digits = 0
        var end = 0
    }

    func scan(_ text: ScanBytes, into findings: inout [GuardFinding]) {
        var index = 0
        while index < text.count {
            let byte = text[index]
            let starts =
                (byte == UInt8(ascii: "+") || byte == UInt8(ascii: "(")) ? Byte.isDigit(text[index + 1]) : Byte.isDigit(byte)
            guard starts, startsToken(text, index) else {
                index += 1
                continue
            }
            // Fewer than 7 digits within the candidate's reach cannot be a phone number: skip without reading groups.
            var digits = 0
            var probe = index
            while probe < text.count, probe < index + 24 {
                let byte = text[probe]
                if Byte.isDigit(byte) {
                    digits += 1
                } else if !(byte == UInt8(ascii: " ") || byte == UInt8(ascii: "-") || byte == UInt8(ascii: ".") || byte == UInt8(ascii: "/")
                    || byte == UInt8(ascii: "(") || byte == UInt8(ascii: ")") || byte == UInt8(ascii: "+"))
                {
                    break
                }
                probe += 1
            }
            guard digits >= 7 else {
                index = max(index + 1, text.runEnd(from: index, while: Byte.isDigit))
                continue
            }
            let run = read(text, from: index)
            if run.end > index, run.digits <= 15, endsToken(text, run.end), isPhone(run, text) {
                findings.append(GuardFinding(entity: .phoneNumber, range: index..<run.end))
            }
            index = max(index + 1, run.end)
        }
    }

    private func startsToken(_ text: ScanBytes, _ index: Int) -> Bool {
        let before = text[index - 1]
        if Byte.isWord(before) { return false }
        switch before {
        case UInt8(ascii: "."), UInt8(ascii: "+"), UInt8(ascii: "-"), UInt8(ascii: "/"), UInt8(ascii: "#"), UInt8(ascii: "$"),
            UInt8(ascii: "="):
            return false
        default: return true
        }
    }

    private func endsToken(_ text: ScanBytes, _ end: Int) -> Bool {
        let after = text[end]
        if Byte.isWord(after) { return false }
        if after == UInt8(ascii: "%") || after == UInt8(ascii: "/") || after == UInt8(ascii: "@") { return false }
        return !((after == UInt8(ascii: ".") || after == UInt8(ascii: ",") || after == UInt8(ascii: ":")) && Byte.isDigit(text[end + 1]))
    }

    /// Reads the digit groups from `start` (at `+`, `(` or a digit).
    func read(_ text: ScanBytes, from start: Int) -> Run {
        var run = Run()
        var index = start
        if text[index] == UInt8(ascii: "+") {
            run.plus = true
            index += 1
        } else if text[index] == UInt8(ascii: "(") {
            run.openParen = true
            index += 1
        }
        while true {
            let groupStart = index
            index = text.runEnd(from: index, limit: 16, while: Byte.isDigit)
            run.groups.append(groupStart..<index)
            run.digits += index - groupStart
            run.end = index
            guard run.digits <= 15, let (code, next) = separator(text, at: index), Byte.isDigit(text[next]) else { break }
            run.separators.append(code)
            index = next
        }
        if run.openParen, run.separators.first != UInt8(ascii: ")") { run.end = start }
        return run
    }

    /// The separator at `index` and where the next group starts: one of space, `-`, `.`, `/`; `)` for
    /// `) `, `)`, `)-`; `(` for ` (` and `(`.
    private func separator(_ text: ScanBytes, at index: Int) -> (UInt8, Int)? {
        let byte = text[index]
        switch byte {
        case UInt8(ascii: " "):
            return text[index + 1] == UInt8(ascii: "(") ? (UInt8(ascii: "("), index + 2) : (byte, index + 1)
        case UInt8(ascii: "-"), UInt8(ascii: "."), UInt8(ascii: "/"):
            return (byte, index + 1)
        case UInt8(ascii: ")"):
            let next = text[index + 1]
            return next == UInt8(ascii: " ") || next == UInt8(ascii: "-") ? (byte, index + 2) : (byte, index + 1)
        case UInt8(ascii: "("):
            return (byte, index + 1)
        default: return nil
        }
    }

    private func isPhone(_ run: Run, _ text: ScanBytes) -> Bool {
        let lengths = run.groups.map(\.count)
        let first = run.groups[0]
        let firstDigit = text[first.lowerBound]
        let seps = run.separators
        if run.plus {
            // +CC ...: 8-15 digits, a 1-3 digit country code not starting with 0 (or a bare +CCNNN...).
            guard (8...15).contains(run.digits), firstDigit != UInt8(ascii: "0") else { return false }
            guard lengths.count == 1 || lengths[0] <= 3 else { return false }
            return !seps.contains(UInt8(ascii: "/")) && (lengths.count == 1 || lengths.allSatisfy { $0 <= 10 }) && !looksLikeDate(lengths, seps)
        }
        if run.openParen {
            // (NNN) NNN-NNNN or (0NN) NNNN NNNN.
            if lengths == [3, 3, 4], isNANP(text, run.groups[0], run.groups[1]) { return true }
            return firstDigit == UInt8(ascii: "0") && text[first.lowerBound + 1] != UInt8(ascii: "0") && (9...12).contains(run.digits)
                && lengths.count <= 4
        }
        if lengths == [3, 3, 4], seps.allSatisfy({ [UInt8(ascii: "-"), UInt8(ascii: "."), UInt8(ascii: " ")].contains($0) }),
            seps[0] == seps[1] || seps[0] == UInt8(ascii: " ")
        {
            return isNANP(text, run.groups[0], run.groups[1])
        }
        if lengths == [1, 3, 3, 4], firstDigit == UInt8(ascii: "1"), Set(seps).count == 1, seps[0] != UInt8(ascii: "/") {
            return isNANP(text, run.groups[1], run.groups[2])
        }
        if lengths == [2, 2, 2, 2, 2], firstDigit == UInt8(ascii: "0"), text[first.lowerBound + 1] != UInt8(ascii: "0"), Set(seps).count == 1,
            seps[0] != UInt8(ascii: "/")
        {
            return true
        }
        // UK and German numbers with a trunk 0: 10-12 digits in 2-4 groups, the first of 3-5 digits.
        guard firstDigit == UInt8(ascii: "0"), text[first.lowerBound + 1] != UInt8(ascii: "0") else { return false }
        guard (10...12).contains(run.digits), (2...4).contains(lengths.count), (3...5).contains(lengths[0]) else { return false }
        guard lengths.dropFirst().allSatisfy({ $0 >= 3 }) else { return false }
        return seps.allSatisfy { $0 == UInt8(ascii: " ") || $0 == UInt8(ascii: "-") || $0 == UInt8(ascii: "/") } && Set(seps).count == 1
            || (seps.first == UInt8(ascii: "/") && seps.dropFirst().allSatisfy { $0 == UInt8(ascii: " ") })
    }

    /// A North American area code and exchange: neither starts with 0 or 1.
    private func isNANP(_ text: ScanBytes, _ area: Range<Int>, _ exchange: Range<Int>) -> Bool {
        text[area.lowerBound] >= UInt8(ascii: "2") && text[exchange.lowerBound] >= UInt8(ascii: "2")
    }

    /// `+` followed by a date-like grouping such as 2024-01-15 is a time zone or an offset, not a number.
    private func looksLikeDate(_ lengths: [Int], _ seps: [UInt8]) -> Bool {
        (lengths == [4, 2, 2] || lengths == [2, 2, 4]) && Set(seps).count == 1
    }
}
