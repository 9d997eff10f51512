// Enclave guardrails: payment card numbers.

/// Finds payment card numbers: 13 to 19 digits, bare or grouped with single spaces or dashes (the same
/// separator throughout, in groups of 4, or Amex's and Diners' 4-6-5 and 4-6-4), whose issuer prefix is a
/// known network's (Visa, Mastercard, American Express, Discover, Diners Club, JCB, UnionPay, Maestro, Mir)
/// and whose check digit passes the Luhn test.
///
/// Not reported: digit runs that fail Luhn (most order, invoice and tracking numbers), runs with an
/// unknown prefix (9 in 10 random runs that pass Luhn by chance), and runs inside longer digit strings.
public struct CreditCardDetector: ByteDetector {
    /// Creates the detector.
    public init() {}

    var reportedEntities: [GuardEntity] { [.creditCard] }

    /// The card numbers in `text`.
    public func findings(in text: String, entities: Set<GuardEntity>) -> [GuardFinding] {
        resolvedFindings(in: text, entities: entities)
    }

    func scan(_ text: ScanBytes, into findings: inout [GuardFinding]) {
        var index = 0
        var digits: [UInt8] = []
        digits.reserveCapacity(20)
        var groups: [Int] = []
        groups.reserveCapacity(8)
        while index < text.count {
            guard Byte.isDigit(text[index]), isStart(text, index) else {
                index += 1
                continue
            }
            digits.removeAll(keepingCapacity: true)
            groups.removeAll(keepingCapacity: true)
            var cursor = index
            var separator: UInt8 = 0
            var end = index
            while true {
                let groupStart = cursor
                cursor = text.runEnd(from: cursor, limit: 20, while: Byte.isDigit)
                for position in groupStart..<cursor { digits.append(text[position] &- 0x30) }
                groups.append(cursor - groupStart)
                end = cursor
                let next = text[cursor]
                guard digits.count <= 19, next == UInt8(ascii: " ") || next == UInt8(ascii: "-"), Byte.isDigit(text[cursor + 1]) else { break }
                if separator == 0 { separator = next } else if separator != next { break }
                cursor += 1
            }
            if isEnd(text, end), (13...19).contains(digits.count), Self.isGrouping(groups), Self.knownIssuer(digits),
                Self.passesLuhn(digits)
            {
                findings.append(GuardFinding(entity: .creditCard, range: index..<end))
            }
            index = end + 1
        }
    }

    private func isStart(_ text: ScanBytes, _ index: Int) -> Bool {
        let before = text[index - 1]
        if Byte.isWord(before) { return false }
        return !((before == UInt8(ascii: ".") || before == UInt8(ascii: "-") || before == UInt8(ascii: ",")) && Byte.isDigit(text[index - 2]))
    }

    private func isEnd(_ text: ScanBytes, _ end: Int) -> Bool {
        let after = text[end]
        if Byte.isWord(after) { return false }
        return !((after == UInt8(ascii: ".") || after == UInt8(ascii: ",") || after == UInt8(ascii: "-")) && Byte.isDigit(text[end + 1]))
    }

    /// Bare digits, groups of four (the last may be shorter), or 4-6-5 / 4-6-4.
    static func isGrouping(_ groups: [Int]) -> Bool {
        if groups.count == 1 { return true }
        if groups == [4, 6, 5] || groups == [4, 6, 4] { return true }
        guard groups.count >= 4 else { return false }
        return groups.dropLast().allSatisfy { $0 == 4 } && (1...4).contains(groups[groups.count - 1])
    }

    /// Whether the leading digits and length belong to a card network.
    static func knownIssuer(_ digits: [UInt8]) -> Bool {
        func prefix(_ count: Int) -> Int { digits.prefix(count).reduce(0) { $0 * 10 + Int($1) } }
        let length = digits.count
        let two = prefix(2)
        let three = prefix(3)
        let four = prefix(4)
        switch digits[0] {
        case 4: return length == 13 || length == 16 || length == 19  // Visa
        case 5:
            if (51...55).contains(two) { return length == 16 }  // Mastercard
            return two == 50 || (56...59).contains(two) ? (12...19).contains(length) : false  // Maestro
        case 2:
            if (2221...2720).contains(four) { return length == 16 }  // Mastercard 2-series
            return (2200...2204).contains(four) && (16...19).contains(length)  // Mir
        case 3:
            if two == 34 || two == 37 { return length == 15 }  // American Express
            if (300...305).contains(three) || two == 36 || two == 38 || two == 39 { return (14...19).contains(length) }  // Diners
            return (3528...3589).contains(four) && (16...19).contains(length)  // JCB
        case 6:
            if four == 6011 || (644...649).contains(three) || two == 65 { return (16...19).contains(length) }  // Discover
            if two == 62 || two == 81 { return (16...19).contains(length) }  // UnionPay
            return (12...19).contains(length) && (two == 63 || two == 67)  // Maestro
        default: return false
        }
    }

    /// The Luhn (mod 10) check over all digits, the last being the check digit.
    static func passesLuhn(_ digits: [UInt8]) -> Bool {
        var sum = 0
        for (offset, digit) in digits.reversed().enumerated() {
            var value = Int(digit)
            if offset % 2 == 1 {
                value *= 2
                if value > 9 { value -= 9 }
            }
            sum += value
        }
        return sum % 10 == 0
    }
}
