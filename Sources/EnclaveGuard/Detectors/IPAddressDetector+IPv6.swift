// Enclave guardrails: the IPv6 half of the IP address detector.

extension IPAddressDetector {
    func scanIPv6(_ text: ScanBytes, into findings: inout [GuardFinding]) {
        var colon = 0
        while colon < text.count {
            guard text[colon] == UInt8(ascii: ":") else {
                colon += 1
                continue
            }
            let start = text.runStart(before: colon, limit: 5, while: Byte.isHex)
            let before = text[start - 1]
            guard colon - start <= 4, !Byte.isWord(before), before != UInt8(ascii: ":"), before != UInt8(ascii: "."),
                let end = Self.ipv6End(text, from: start)
            else {
                colon = text.runEnd(from: colon, while: { $0 == UInt8(ascii: ":") || Byte.isHex($0) })
                continue
            }
            findings.append(GuardFinding(entity: .ipAddress, range: start..<cidrEnd(text, end, maximum: 128), kind: "ipv6"))
            colon = end
        }
    }

    /// The end of an IPv6 address starting at `start`, or nil when the text there is not one.
    static func ipv6End(_ text: ScanBytes, from start: Int) -> Int? {
        var cursor = start
        var groups = 0
        var compressed = false
        var hasDigit = false
        var hasLongGroup = false
        var end = start
        while true {
            if text[cursor] == UInt8(ascii: ":") && text[cursor + 1] == UInt8(ascii: ":") {
                guard !compressed, text[cursor + 2] != UInt8(ascii: ":") else { return nil }
                compressed = true
                cursor += 2
                end = cursor
                if !Byte.isHex(text[cursor]) { break }
            } else if cursor > start {
                guard text[cursor] == UInt8(ascii: ":"), Byte.isHex(text[cursor + 1]) else { break }
                cursor += 1
            }
            if groups <= 6, let v4End = ipv4End(text, from: cursor), !Byte.isWord(text[v4End]),
                text[v4End] != UInt8(ascii: ".") || !Byte.isDigit(text[v4End + 1])
            {
                groups += 2
                hasDigit = true
                hasLongGroup = true
                end = v4End
                break
            }
            let groupEnd = text.runEnd(from: cursor, limit: 5, while: Byte.isHex)
            guard (1...4).contains(groupEnd - cursor) else { return nil }
            for position in cursor..<groupEnd where Byte.isDigit(text[position]) { hasDigit = true }
            if groupEnd - cursor >= 3 { hasLongGroup = true }
            groups += 1
            cursor = groupEnd
            end = groupEnd
            guard groups <= 8 else { return nil }
        }
        guard !Byte.isWord(text[end]) else { return nil }
        if !compressed { return groups == 8 ? end : nil }
        guard groups <= 7 else { return nil }
        if groups == 1 && text.matches("::1", at: start) { return end }
        return groups >= 2 && hasDigit && hasLongGroup ? end : nil
    }
}
