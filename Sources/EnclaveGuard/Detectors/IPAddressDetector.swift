// Enclave guardrails: IPv4 and IPv6 addresses.

/// Finds IP addresses: IPv4 in dotted decimal (each octet 0-255, no leading zeros) and IPv6 in full,
/// compressed (`2001:db8::1`, `::1`, `fe80::1`) and IPv4-embedded (`::ffff:192.0.2.1`) forms, each with an
/// optional CIDR suffix (`/24`, `/64`).
///
/// Not reported: dotted runs of more than four numbers (`1.2.3.4.5`, SNMP OIDs), four numbers after a
/// version word (`v1.2.3.4`, `version 1.2.3.4`, `build 10.0.0.1`), MAC addresses, times (`12:30:45`), and
/// compressed IPv6 look-alikes without a digit or with only short groups (`dead::beef`, `ab::cd`, C++ `std::`).
public struct IPAddressDetector: ByteDetector {
    /// Creates the detector.
    public init() {}

    var reportedEntities: [GuardEntity] { [.ipAddress] }

    /// The IP addresses in `text`.
    public func findings(in text: String, entities: Set<GuardEntity>) -> [GuardFinding] {
        resolvedFindings(in: text, entities: entities)
    }

    func scan(_ text: ScanBytes, into findings: inout [GuardFinding]) {
        scanIPv4(text, into: &findings)
        scanIPv6(text, into: &findings)
    }

    /// Words after which four dotted numbers are a version, not an address.
    static let versionWords: Set<String> = [
        "v", "ver", "version", "versions", "release", "build", "firmware", "revision", "rev", "driver", "kernel", "chrome", "firefox",
        "windows", "macos", "ios", "android", "patch", "update", "bump", "bumped", "upgrade", "upgraded", "tag", "oid",
    ]

    private func scanIPv4(_ text: ScanBytes, into findings: inout [GuardFinding]) {
        var index = 0
        while index < text.count {
            guard Byte.isDigit(text[index]), !Byte.isWord(text[index - 1]), text[index - 1] != UInt8(ascii: ".") else {
                index += 1
                continue
            }
            guard let end = Self.ipv4End(text, from: index) else {
                index = text.runEnd(from: index, while: { Byte.isDigit($0) || $0 == UInt8(ascii: ".") })
                continue
            }
            let after = text[end]
            let continues =
                Byte.isWord(after) || (after == UInt8(ascii: ".") && Byte.isAlnum(text[end + 1]))
            // 0.x.x.x is "this network": only 0.0.0.0 is written in practice; 0.9.13.0 is a version.
            let zeroNetwork = text[index] == UInt8(ascii: "0") && !text.matches("0.0.0.0", at: index)
            if !continues, !zeroNetwork, !followsVersionWord(text, index) {
                findings.append(GuardFinding(entity: .ipAddress, range: index..<cidrEnd(text, end, maximum: 32), kind: "ipv4"))
            }
            index = end
        }
    }

    /// The end of four dotted octets starting at `start`, or nil.
    static func ipv4End(_ text: ScanBytes, from start: Int) -> Int? {
        var cursor = start
        for part in 0..<4 {
            let end = text.runEnd(from: cursor, limit: 4, while: Byte.isDigit)
            let length = end - cursor
            guard (1...3).contains(length), length == 1 || text[cursor] != UInt8(ascii: "0") else { return nil }
            let value = (cursor..<end).reduce(0) { $0 * 10 + Byte.digit(text[$1]) }
            guard value <= 255 else { return nil }
            cursor = end
            if part < 3 {
                guard text[cursor] == UInt8(ascii: "."), Byte.isDigit(text[cursor + 1]) else { return nil }
                cursor += 1
            }
        }
        return cursor
    }

    /// The end of an optional `/N` suffix (N up to `maximum`) at `end`.
    func cidrEnd(_ text: ScanBytes, _ end: Int, maximum: Int) -> Int {
        guard text[end] == UInt8(ascii: "/"), Byte.isDigit(text[end + 1]) else { return end }
        let digitsEnd = text.runEnd(from: end + 1, limit: 4, while: Byte.isDigit)
        let value = (end + 1..<digitsEnd).reduce(0) { $0 * 10 + Byte.digit(text[$1]) }
        guard digitsEnd - end - 1 <= 3, value <= maximum, !Byte.isWord(text[digitsEnd]) else { return end }
        return digitsEnd
    }

    /// Whether the word just before `start` (across spaces, `:`, `=` or `-`) is a version word.
    private func followsVersionWord(_ text: ScanBytes, _ start: Int) -> Bool {
        var end = start
        while end > 0, end > start - 4, [UInt8(ascii: " "), UInt8(ascii: ":"), UInt8(ascii: "="), UInt8(ascii: "-")].contains(text[end - 1]) {
            end -= 1
        }
        let wordStart = text.runStart(before: end, limit: 12, while: Byte.isAlpha)
        guard wordStart < end, !Byte.isAlpha(text[wordStart - 1]) else { return false }
        return Self.versionWords.contains(String(decoding: (wordStart..<end).map { Byte.lower(text[$0]) }, as: UTF8.self))
    }
}
