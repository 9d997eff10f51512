// Enclave knowledge: a tolerant HTML tokenizer.

/// Cuts HTML into start tags, end tags and text, the way browsers tolerate real pages: unquoted and
/// valueless attributes, stray `<`, unclosed comments; comments, doctypes and processing instructions are
/// skipped; the contents of `script`, `style`, `title` and the other raw-text elements are one text token.
struct HTMLTokenizer {
    enum Token: Equatable {
        /// A start tag: lower-cased name, attributes (lower-cased names, entity-decoded values), `/>`.
        case start(name: String, attributes: [String: String], selfClosing: Bool)
        /// An end tag's lower-cased name.
        case end(name: String)
        /// Text as written (character references not yet decoded).
        case text(String)
    }

    /// Elements whose contents are text up to their end tag, never markup.
    static let rawTextElements: Set<String> = ["script", "style", "title", "textarea", "xmp", "iframe", "noembed", "noframes"]

    private let bytes: [UInt8]

    init(_ html: String) {
        bytes = Array(html.utf8)
    }

    /// The tokens in document order.
    func tokens() -> [Token] {
        var tokens: [Token] = []
        var index = 0
        var textStart = 0
        func flushText(upTo end: Int) {
            if end > textStart { tokens.append(.text(String(decoding: bytes[textStart..<end], as: UTF8.self))) }
        }
        while index < bytes.count {
            guard bytes[index] == UInt8(ascii: "<"), index + 1 < bytes.count else {
                index += 1
                continue
            }
            let next = bytes[index + 1]
            if next == UInt8(ascii: "!") || next == UInt8(ascii: "?") {
                flushText(upTo: index)
                index = skipMarkupDeclaration(from: index, into: &tokens)
                textStart = index
            } else if next == UInt8(ascii: "/"), index + 2 < bytes.count, Self.isLetter(bytes[index + 2]) {
                flushText(upTo: index)
                let (name, after) = readName(from: index + 2)
                tokens.append(.end(name: name))
                index = skip(past: UInt8(ascii: ">"), from: after)
                textStart = index
            } else if Self.isLetter(next) {
                flushText(upTo: index)
                let (name, attributes, selfClosing, after) = readStartTag(from: index + 1)
                tokens.append(.start(name: name, attributes: attributes, selfClosing: selfClosing))
                index = after
                if Self.rawTextElements.contains(name), !selfClosing {
                    let (contentEnd, tagEnd) = findEndTag(of: name, from: index)
                    if contentEnd > index { tokens.append(.text(String(decoding: bytes[index..<contentEnd], as: UTF8.self))) }
                    tokens.append(.end(name: name))
                    index = tagEnd
                }
                textStart = index
            } else {
                index += 1
            }
        }
        flushText(upTo: bytes.count)
        return tokens
    }

    private static func isLetter(_ byte: UInt8) -> Bool {
        (byte >= UInt8(ascii: "a") && byte <= UInt8(ascii: "z")) || (byte >= UInt8(ascii: "A") && byte <= UInt8(ascii: "Z"))
    }

    private static func isSpace(_ byte: UInt8) -> Bool {
        byte == 0x20 || byte == 0x09 || byte == 0x0A || byte == 0x0C || byte == 0x0D
    }

    private func starts(with prefix: String, at index: Int, caseInsensitive: Bool = false) -> Bool {
        let pattern = Array(prefix.utf8)
        guard index + pattern.count <= bytes.count else { return false }
        for (offset, expected) in pattern.enumerated() {
            var byte = bytes[index + offset]
            if caseInsensitive, byte >= UInt8(ascii: "A"), byte <= UInt8(ascii: "Z") { byte += 32 }
            if byte != expected { return false }
        }
        return true
    }

    /// The index after the first `byte` at or after `start` (the end of input if there is none).
    private func skip(past byte: UInt8, from start: Int) -> Int {
        var index = start
        while index < bytes.count, bytes[index] != byte { index += 1 }
        return min(index + 1, bytes.count)
    }

    /// Skips `<!-- -->`, `<!DOCTYPE>`, `<?…>`; a CDATA section becomes text.
    private func skipMarkupDeclaration(from start: Int, into tokens: inout [Token]) -> Int {
        if starts(with: "<!--", at: start) {
            var index = start + 4
            while index < bytes.count, !starts(with: "-->", at: index) { index += 1 }
            return min(index + 3, bytes.count)
        }
        if starts(with: "<![CDATA[", at: start) {
            var index = start + 9
            while index < bytes.count, !starts(with: "]]>", at: index) { index += 1 }
            tokens.append(.text(String(decoding: bytes[(start + 9)..<index], as: UTF8.self)))
            return min(index + 3, bytes.count)
        }
        return skip(past: UInt8(ascii: ">"), from: start)
    }

    /// A tag or attribute name, lower-cased, and the index after it.
    private func readName(from start: Int) -> (String, Int) {
        var index = start
        while index < bytes.count, !Self.isSpace(bytes[index]), bytes[index] != UInt8(ascii: ">"), bytes[index] != UInt8(ascii: "/"),
            bytes[index] != UInt8(ascii: "=")
        {
            index += 1
        }
        return (String(decoding: bytes[start..<index], as: UTF8.self).lowercased(), index)
    }

    private func readStartTag(from start: Int) -> (String, [String: String], Bool, Int) {
        let (name, afterName) = readName(from: start)
        var attributes: [String: String] = [:]
        var index = afterName
        while index < bytes.count {
            while index < bytes.count, Self.isSpace(bytes[index]) { index += 1 }
            guard index < bytes.count else { break }
            if bytes[index] == UInt8(ascii: ">") { return (name, attributes, false, index + 1) }
            if starts(with: "/>", at: index) { return (name, attributes, true, index + 2) }
            if bytes[index] == UInt8(ascii: "/") {
                index += 1
                continue
            }
            let (attribute, nameEnd) = readName(from: index)
            var after = nameEnd
            if after == index {
                // A stray `=` or quote where a name should be.
                after += 1
            }
            index = after
            while index < bytes.count, Self.isSpace(bytes[index]) { index += 1 }
            var value = ""
            if index < bytes.count, bytes[index] == UInt8(ascii: "=") {
                index += 1
                while index < bytes.count, Self.isSpace(bytes[index]) { index += 1 }
                if index < bytes.count, bytes[index] == UInt8(ascii: "\"") || bytes[index] == UInt8(ascii: "'") {
                    let quote = bytes[index]
                    let valueStart = index + 1
                    index = valueStart
                    while index < bytes.count, bytes[index] != quote { index += 1 }
                    value = String(decoding: bytes[valueStart..<index], as: UTF8.self)
                    index = min(index + 1, bytes.count)
                } else {
                    let valueStart = index
                    while index < bytes.count, !Self.isSpace(bytes[index]), bytes[index] != UInt8(ascii: ">") { index += 1 }
                    value = String(decoding: bytes[valueStart..<index], as: UTF8.self)
                }
            }
            if !attribute.isEmpty, attributes[attribute] == nil { attributes[attribute] = HTMLEntities.decode(value) }
        }
        return (name, attributes, false, bytes.count)
    }

    /// Where a raw-text element's contents end and the index after its end tag (the end of input if unclosed).
    private func findEndTag(of name: String, from start: Int) -> (Int, Int) {
        var index = start
        while index < bytes.count {
            if bytes[index] == UInt8(ascii: "<"), starts(with: "</" + name, at: index, caseInsensitive: true) {
                let after = index + 2 + name.utf8.count
                if after >= bytes.count || Self.isSpace(bytes[after]) || bytes[after] == UInt8(ascii: ">") || bytes[after] == UInt8(ascii: "/") {
                    return (index, skip(past: UInt8(ascii: ">"), from: after))
                }
            }
            index += 1
        }
        return (bytes.count, bytes.count)
    }
}
