// Enclave guardrails: international bank account numbers.

/// Finds IBANs (ISO 13616): a country code from the IBAN registry, two check digits and the country's
/// BBAN, of exactly the registry's length, written either without spaces or in groups of four separated by
/// single spaces, whose mod-97 check gives 1.
///
/// Not reported: IBANs in lower case, with other separators or with a wrong length or checksum (a typo is
/// not redacted), and national account numbers without the IBAN prefix.
public struct IBANDetector: ByteDetector {
    /// Creates the detector.
    public init() {}

    var reportedEntities: [GuardEntity] { [.iban] }

    /// The IBANs in `text`.
    public func findings(in text: String, entities: Set<GuardEntity>) -> [GuardFinding] {
        resolvedFindings(in: text, entities: entities)
    }

    func scan(_ text: ScanBytes, into findings: inout [GuardFinding]) {
        guard text.count >= 15 else { return }
        var characters: [UInt8] = []
        characters.reserveCapacity(34)
        var index = 0
        while index + 3 < text.count {
            guard Byte.isUpper(text[index]), Byte.isUpper(text[index + 1]), Byte.isDigit(text[index + 2]), Byte.isDigit(text[index + 3]),
                !Byte.isAlnum(text[index - 1]),
                let length = Self.length(text[index], text[index + 1])
            else {
                index += 1
                continue
            }
            characters.removeAll(keepingCapacity: true)
            var cursor = index
            var grouped: Bool?
            while characters.count < length {
                let byte = text[cursor]
                if Byte.isUpper(byte) || Byte.isDigit(byte) {
                    // Grouped: every group of four is followed by a space.
                    if grouped == true, characters.count % 4 == 0, text[cursor - 1] != UInt8(ascii: " ") { break }
                    characters.append(byte)
                    cursor += 1
                } else if byte == UInt8(ascii: " "), characters.count % 4 == 0, grouped != false, Byte.isAlnum(text[cursor + 1]) {
                    grouped = true
                    cursor += 1
                } else {
                    break
                }
                if characters.count == 4 && grouped == nil && Byte.isAlnum(text[cursor]) { grouped = false }
            }
            if characters.count == length, !Byte.isAlnum(text[cursor]), Self.passesMod97(characters) {
                findings.append(GuardFinding(entity: .iban, range: index..<cursor))
                index = cursor
            } else {
                index += 1
            }
        }
    }

    /// The mod-97 check of ISO 7064 over the IBAN with its first four characters moved to the end.
    static func passesMod97(_ characters: [UInt8]) -> Bool {
        var remainder = 0
        for offset in 0..<characters.count {
            let byte = characters[(offset + 4) % characters.count]
            if Byte.isDigit(byte) {
                remainder = (remainder * 10 + Byte.digit(byte)) % 97
            } else {
                remainder = (remainder * 100 + Int(byte - UInt8(ascii: "A")) + 10) % 97
            }
        }
        return remainder == 1
    }

    /// The IBAN length of a country, or nil for a code outside the registry.
    static func length(_ first: UInt8, _ second: UInt8) -> Int? {
        let value = lengths[Int(first - UInt8(ascii: "A")) * 26 + Int(second - UInt8(ascii: "A"))]
        return value == 0 ? nil : Int(value)
    }

    /// IBAN lengths by country, from the SWIFT IBAN registry.
    static let registry: [String: Int] = [
        "AD": 24, "AE": 23, "AL": 28, "AT": 20, "AZ": 28, "BA": 20, "BE": 16, "BG": 22, "BH": 22, "BI": 27, "BR": 29, "BY": 28,
        "CH": 21, "CR": 22, "CY": 28, "CZ": 24, "DE": 22, "DJ": 27, "DK": 18, "DO": 28, "EE": 20, "EG": 29, "ES": 24, "FI": 18,
        "FK": 18, "FO": 18, "FR": 27, "GB": 22, "GE": 22, "GI": 23, "GL": 18, "GR": 27, "GT": 28, "HR": 21, "HU": 28, "IE": 22,
        "IL": 23, "IQ": 23, "IS": 26, "IT": 27, "JO": 30, "KW": 30, "KZ": 20, "LB": 28, "LC": 32, "LI": 21, "LT": 20, "LU": 20,
        "LV": 21, "LY": 25, "MC": 27, "MD": 24, "ME": 22, "MK": 19, "MN": 20, "MR": 27, "MT": 31, "MU": 30, "NI": 28, "NL": 18,
        "NO": 15, "OM": 23, "PK": 24, "PL": 28, "PS": 29, "PT": 25, "QA": 29, "RO": 24, "RS": 22, "RU": 33, "SA": 24, "SC": 31,
        "SD": 18, "SE": 24, "SI": 19, "SK": 24, "SM": 27, "SO": 23, "ST": 25, "SV": 28, "TL": 23, "TN": 24, "TR": 26, "UA": 29,
        "VA": 22, "VG": 24, "XK": 20, "YE": 30,
    ]

    /// ``registry`` as a table indexed by the two letters, for the scan.
    private static let lengths: [UInt8] = {
        var table = [UInt8](repeating: 0, count: 26 * 26)
        for (code, length) in registry {
            let bytes = Array(code.utf8)
            table[Int(bytes[0] - UInt8(ascii: "A")) * 26 + Int(bytes[1] - UInt8(ascii: "A"))] = UInt8(length)
        }
        return table
    }()
}
