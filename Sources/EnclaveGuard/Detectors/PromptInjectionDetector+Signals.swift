// Enclave guardrails: prompt-injection signals other than phrases: delimiters, CJK, encodings, quoting.

extension PromptInjectionDetector {
    /// Chat-template markers, matched ignoring case, with their weights and signal keys.
    static let markers: [(StaticString, Double, Int)] = [
        ("<|im_start|>system", 0.75, -1), ("<|im_start|>", 0.5, -2), ("<|im_end|>", 0.4, -3), ("<|system|>", 0.6, -4),
        ("<|start_header_id|>system", 0.75, -5), ("<|start_header_id|>", 0.45, -5), ("<|eot_id|>", 0.4, -6), ("<|endoftext|>", 0.4, -7),
        ("<<sys>>", 0.6, -8), ("</s>", 0.3, -9), ("<|assistant|>", 0.4, -11), ("<|user|>", 0.4, -11), ("<start_of_turn>", 0.45, -12),
        ("<system>", 0.4, -13), ("</system>", 0.4, -13), ("[inst]", 0.4, -14), ("[/inst]", 0.4, -14), ("[system]", 0.45, -15),
    ]

    /// Line starts that fake a system or assistant turn.
    static let lineMarkers: [(StaticString, Double, Int)] = [
        ("### system", 0.5, -16), ("###system", 0.5, -16), ("## system", 0.5, -16), ("# system", 0.45, -16), ("### instruction", 0.35, -16),
        ("### new instruction", 0.5, -16), ("system prompt:", 0.45, -17), ("system:", 0.4, -17), ("system message:", 0.45, -17),
        ("admin:", 0.3, -17), ("assistant:", 0.25, -18), ("ai:", 0.2, -18),
    ]

    func delimiterSignals(_ text: ScanBytes, into signals: inout [Signal]) {
        var index = 0
        var lineStart = true
        while index < text.count {
            let byte = text[index]
            if byte == UInt8(ascii: "\n") {
                lineStart = true
                index += 1
                continue
            }
            if lineStart {
                let start = text.runEnd(from: index, limit: 8, while: Byte.isBlank)
                for (marker, weight, key) in Self.lineMarkers where text.matchesFolded(marker, at: start) {
                    signals.append(Signal(weight: weight, range: start..<start + marker.utf8CodeUnitCount, category: "delimiter", key: key))
                    break
                }
                lineStart = false
            }
            if byte == UInt8(ascii: "<") || byte == UInt8(ascii: "[") {
                for (marker, weight, key) in Self.markers where text.matchesFolded(marker, at: index) {
                    signals.append(Signal(weight: weight, range: index..<index + marker.utf8CodeUnitCount, category: "delimiter", key: key))
                    break
                }
            }
            index += 1
        }
    }

    static let cjkVerbBytes = cjkVerbs.map { Array($0.utf8) }
    static let cjkNounBytes = cjkNouns.map { Array($0.utf8) }
    static let cjkExtractionBytes = cjkExtraction.map { Array($0.utf8) }
    static let cjkRevealBytes = ["告诉", "输出", "打印", "显示", "重复", "泄露", "透露", "给我看", "教えて", "表示", "보여"].map { Array($0.utf8) }

    func cjkSignals(_ text: ScanBytes, into signals: inout [Signal]) {
        for verb in Self.cjkVerbBytes {
            var from = 0
            while let position = Self.find(verb, in: text, from: from) {
                let window = position + verb.count..<min(text.count, position + verb.count + 40)
                for noun in Self.cjkNounBytes {
                    if let nounAt = Self.find(noun, in: text, from: window.lowerBound), nounAt < window.upperBound {
                        signals.append(Signal(weight: 0.85, range: position..<nounAt + noun.count, category: "override", key: -20))
                        break
                    }
                }
                from = position + verb.count
            }
        }
        // Japanese and Korean put the verb last: "以前の指示を無視して", "이전 지시를 무시하고".
        for noun in Self.cjkNounBytes {
            var from = 0
            while let position = Self.find(noun, in: text, from: from) {
                let window = position + noun.count..<min(text.count, position + noun.count + 18)
                for verb in Self.cjkVerbBytes {
                    if let verbAt = Self.find(verb, in: text, from: window.lowerBound), verbAt < window.upperBound {
                        signals.append(Signal(weight: 0.85, range: position..<verbAt + verb.count, category: "override", key: -20))
                        break
                    }
                }
                from = position + noun.count
            }
        }
        for term in Self.cjkExtractionBytes {
            guard let position = Self.find(term, in: text, from: 0) else { continue }
            let revealed = Self.cjkRevealBytes.contains { reveal in
                guard let at = Self.find(reveal, in: text, from: max(0, position - 30)) else { return false }
                return at < position + term.count + 30
            }
            signals.append(Signal(weight: revealed ? 0.85 : 0.45, range: position..<position + term.count, category: "extraction", key: -21))
        }
    }

    /// The first position of `needle` in `text` at or after `from`.
    static func find(_ needle: [UInt8], in text: ScanBytes, from: Int) -> Int? {
        guard let first = needle.first, needle.count <= text.count else { return nil }
        var index = max(0, from)
        let last = text.count - needle.count
        outer: while index <= last {
            if text.bytes[index] == first {
                for offset in 1..<needle.count where text.bytes[index + offset] != needle[offset] {
                    index += 1
                    continue outer
                }
                return index
            }
            index += 1
        }
        return nil
    }

    /// The first zero-width character inside a word.
    func hiddenRange(_ text: ScanBytes) -> Range<Int> {
        var index = 0
        while index + 2 < text.count {
            if text[index] == 0xE2,
                text[index + 1] == 0x80 && (0x8B...0x8D).contains(text[index + 2]) || text[index + 1] == 0x81 && text[index + 2] == 0xA0
            {
                return index..<index + 3
            }
            if text[index] == 0xEF, text[index + 1] == 0xBB, text[index + 2] == 0xBF { return index..<index + 3 }
            index += 1
        }
        return 0..<0
    }

    /// Base64 runs of 24 or more characters that decode to text with injection phrases.
    func encodedSignals(_ text: ScanBytes, into signals: inout [Signal]) {
        var index = 0
        while index < text.count {
            guard Byte.isBase64URL(text[index]) || text[index] == UInt8(ascii: "+") || text[index] == UInt8(ascii: "/"),
                !Byte.isBase64URL(text[index - 1])
            else {
                index += 1
                continue
            }
            let end = text.runEnd(from: index) {
                Byte.isBase64URL($0) || $0 == UInt8(ascii: "+") || $0 == UInt8(ascii: "/") || $0 == UInt8(ascii: "=")
            }
            defer { index = end + 1 }
            guard end - index >= 24 else { continue }
            var upper = false
            var lower = false
            for position in index..<end {
                if Byte.isUpper(text[position]) { upper = true } else if Byte.isLower(text[position]) { lower = true }
            }
            guard upper, lower, let decoded = Base64URL.decode(text, index..<min(end, index + 4096)), decoded.count >= 16 else { continue }
            let printable = decoded.reduce(0) { $0 + (($1 >= 0x20 && $1 < 0x7F) || $1 == 0x0A || $1 == 0x09 ? 1 : 0) }
            guard printable * 100 >= decoded.count * 90 else { continue }
            let inner = decoded.withUnsafeBufferPointer { score(ScanBytes(bytes: $0)) }
            if let inner, inner.score >= Self.reportingFloor {
                signals.append(Signal(weight: min(0.95, inner.score + 0.1), range: index..<end, category: "encoding", key: -30))
            }
        }
    }

    /// Whether `range` lies inside quotation marks that open and close on its line.
    func isQuoted(_ text: ScanBytes, _ range: Range<Int>) -> Bool {
        let lineStart = text.runStart(before: range.lowerBound, limit: 400) { $0 != UInt8(ascii: "\n") }
        var double = false
        var curly = 0
        var single = false
        var backtick = false
        var index = lineStart
        while index < range.lowerBound {
            let byte = text[index]
            switch byte {
            case UInt8(ascii: "\""): double.toggle()
            case UInt8(ascii: "`"): backtick.toggle()
            case UInt8(ascii: "'"):
                if !single, !Byte.isAlnum(text[index - 1]) { single = true } else if single, !Byte.isAlnum(text[index + 1]) { single = false }
            case 0xE2 where text[index + 1] == 0x80 && (text[index + 2] == 0x9C || text[index + 2] == 0x9E || text[index + 2] == 0x98):
                curly += 1
            case 0xE2 where text[index + 1] == 0x80 && (text[index + 2] == 0x9D || text[index + 2] == 0x99):
                curly = max(0, curly - 1)
            case 0xC2 where text[index + 1] == 0xAB: curly += 1
            case 0xC2 where text[index + 1] == 0xBB: curly = max(0, curly - 1)
            default: break
            }
            index += 1
        }
        guard double || curly > 0 || single || backtick else { return false }
        let lineEnd = text.runEnd(from: range.upperBound, limit: 400) { $0 != UInt8(ascii: "\n") }
        for position in range.upperBound..<lineEnd {
            let byte = text[position]
            if double && byte == UInt8(ascii: "\"") || backtick && byte == UInt8(ascii: "`") { return true }
            if single && byte == UInt8(ascii: "'") && !Byte.isAlnum(text[position + 1]) { return true }
            if curly > 0, byte == 0xE2, text[position + 1] == 0x80,
                text[position + 2] == 0x9D || text[position + 2] == 0x99 || text[position + 2] == 0x9C
            {
                return true
            }
            if curly > 0, byte == 0xC2, text[position + 1] == 0xBB { return true }
        }
        return false
    }
}
