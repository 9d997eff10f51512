// Enclave guardrails tests: a small deterministic scanner, so these suites do not depend on the real detectors.

import EnclaveGuard

/// Finds, on UTF-8 bytes: e-mail addresses; runs of exactly 16 digits joined by single spaces or dashes
/// (card-like); `sk_live_` tokens; PEM private key blocks; the value after `password: `; the capitalised
/// words after `Mr ` as a person (a match over several words that needs a label); and the phrase
/// "ignore previous instructions" as a prompt injection scoring 0.9 (0.5 for "ignore the rules").
struct FixtureScanner: SensitiveTextScanning {
    func findings(in text: String, entities: Set<GuardEntity>) -> [GuardFinding] {
        let bytes = Array(text.utf8)
        var found: [GuardFinding] = []
        if entities.contains(.secret) {
            found += privateKeys(bytes) + tokens(bytes) + passwords(bytes)
        }
        if entities.contains(.emailAddress) { found += emails(bytes) }
        if entities.contains(.creditCard) { found += cards(bytes) }
        if entities.contains(.person) { found += people(bytes) }
        found.sort { $0.range.lowerBound < $1.range.lowerBound }
        var result: [GuardFinding] = []
        for finding in found where result.last.map({ finding.range.lowerBound >= $0.range.upperBound }) ?? true {
            result.append(finding)
        }
        if entities.contains(.promptInjection) {
            let lower = bytes.map { (0x41...0x5A).contains($0) ? $0 + 0x20 : $0 }
            if let start = Self.find(Array("ignore previous instructions".utf8), in: lower, from: 0) {
                result.append(GuardFinding(entity: .promptInjection, range: start..<(start + 28), score: 0.9, kind: "instruction_override"))
            } else if let start = Self.find(Array("ignore the rules".utf8), in: lower, from: 0) {
                result.append(GuardFinding(entity: .promptInjection, range: start..<(start + 16), score: 0.5, kind: "instruction_override"))
            }
        }
        return result
    }

    private static func isAlnum(_ b: UInt8) -> Bool {
        (0x30...0x39).contains(b) || (0x41...0x5A).contains(b) || (0x61...0x7A).contains(b)
    }
    private static func isDigit(_ b: UInt8) -> Bool { (0x30...0x39).contains(b) }
    private static func isLocal(_ b: UInt8) -> Bool { isAlnum(b) || "._%+-".utf8.contains(b) }
    private static func isDomain(_ b: UInt8) -> Bool { isAlnum(b) || b == 0x2E || b == 0x2D }

    private func emails(_ bytes: [UInt8]) -> [GuardFinding] {
        var found: [GuardFinding] = []
        var index = 0
        while index < bytes.count {
            defer { index += 1 }
            guard bytes[index] == UInt8(ascii: "@") else { continue }
            var start = index
            while start > 0, Self.isLocal(bytes[start - 1]) { start -= 1 }
            while start < index, bytes[start] == UInt8(ascii: ".") { start += 1 }
            var end = index + 1
            while end < bytes.count, Self.isDomain(bytes[end]) { end += 1 }
            while end > index + 1, bytes[end - 1] == UInt8(ascii: ".") || bytes[end - 1] == UInt8(ascii: "-") { end -= 1 }
            guard start < index, end > index + 1 else { continue }
            let domain = bytes[(index + 1)..<end]
            guard let dot = domain.lastIndex(of: UInt8(ascii: ".")), dot > index + 1 else { continue }
            let tld = bytes[(dot + 1)..<end]
            guard tld.count >= 2, tld.allSatisfy({ !Self.isDigit($0) && Self.isAlnum($0) }) else { continue }
            found.append(GuardFinding(entity: .emailAddress, range: start..<end))
            index = end - 1
        }
        return found
    }

    private func cards(_ bytes: [UInt8]) -> [GuardFinding] {
        var found: [GuardFinding] = []
        var index = 0
        while index < bytes.count {
            guard Self.isDigit(bytes[index]) else {
                index += 1
                continue
            }
            let start = index
            var digits = 0
            var end = index
            var cursor = index
            while cursor < bytes.count {
                if Self.isDigit(bytes[cursor]) {
                    digits += 1
                    cursor += 1
                    end = cursor
                } else if bytes[cursor] == UInt8(ascii: " ") || bytes[cursor] == UInt8(ascii: "-"),
                    cursor + 1 < bytes.count, Self.isDigit(bytes[cursor + 1]), cursor > start, Self.isDigit(bytes[cursor - 1])
                {
                    cursor += 1
                } else {
                    break
                }
            }
            let preceded = start > 0 && Self.isAlnum(bytes[start - 1])
            let followed = end < bytes.count && Self.isAlnum(bytes[end])
            if digits == 16 && !preceded && !followed {
                found.append(GuardFinding(entity: .creditCard, range: start..<end))
            }
            index = max(end, index + 1)
        }
        return found
    }

    private func tokens(_ bytes: [UInt8]) -> [GuardFinding] {
        let prefix = Array("sk_live_".utf8)
        var found: [GuardFinding] = []
        var index = 0
        while index + prefix.count <= bytes.count {
            guard bytes[index..<(index + prefix.count)].elementsEqual(prefix) else {
                index += 1
                continue
            }
            var end = index + prefix.count
            while end < bytes.count, Self.isAlnum(bytes[end]) { end += 1 }
            if end - index - prefix.count >= 8 {
                found.append(GuardFinding(entity: .secret, range: index..<end, kind: "stripe_secret_key"))
            }
            index = end
        }
        return found
    }

    private func passwords(_ bytes: [UInt8]) -> [GuardFinding] {
        let label = Array("password: ".utf8)
        var found: [GuardFinding] = []
        var index = 0
        while index + label.count < bytes.count {
            guard bytes[index..<(index + label.count)].elementsEqual(label) else {
                index += 1
                continue
            }
            let start = index + label.count
            var end = start
            while end < bytes.count, Self.isAlnum(bytes[end]) { end += 1 }
            if end - start >= 4 { found.append(GuardFinding(entity: .secret, range: start..<end, kind: "password")) }
            index = max(end, index + 1)
        }
        return found
    }

    private func people(_ bytes: [UInt8]) -> [GuardFinding] {
        let title = Array("Mr ".utf8)
        var found: [GuardFinding] = []
        var index = 0
        while let start = Self.find(title, in: bytes, from: index) {
            var end = start + title.count
            var cursor = end
            while cursor < bytes.count, (0x41...0x5A).contains(bytes[cursor]) {
                var wordEnd = cursor + 1
                while wordEnd < bytes.count, (0x61...0x7A).contains(bytes[wordEnd]) { wordEnd += 1 }
                end = wordEnd
                guard wordEnd + 1 < bytes.count, bytes[wordEnd] == UInt8(ascii: " ") else { break }
                cursor = wordEnd + 1
            }
            if end > start + title.count { found.append(GuardFinding(entity: .person, range: (start + title.count)..<end)) }
            index = max(end, start + 1)
        }
        return found
    }

    private func privateKeys(_ bytes: [UInt8]) -> [GuardFinding] {
        let begin = Array("-----BEGIN ".utf8)
        let end = Array("-----END ".utf8)
        let closing = Array("PRIVATE KEY-----".utf8)
        var found: [GuardFinding] = []
        var index = 0
        while let start = Self.find(begin, in: bytes, from: index) {
            guard let headerEnd = Self.find(closing, in: bytes, from: start), let footer = Self.find(end, in: bytes, from: headerEnd),
                let footerEnd = Self.find(closing, in: bytes, from: footer)
            else { break }
            found.append(GuardFinding(entity: .secret, range: start..<(footerEnd + closing.count), kind: "private_key"))
            index = footerEnd + closing.count
        }
        return found
    }

    private static func find(_ needle: [UInt8], in bytes: [UInt8], from start: Int) -> Int? {
        guard bytes.count >= needle.count, start <= bytes.count - needle.count else { return nil }
        for index in start...(bytes.count - needle.count) where bytes[index..<(index + needle.count)].elementsEqual(needle) {
            return index
        }
        return nil
    }
}
