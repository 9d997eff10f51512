// Enclave: message text that a chat template copies but the tokenizer never reads as control tokens.

/// Markers that stand for literal text while a chat template renders: U+F0000, the literal's index in decimal,
/// U+F0001 (private-use characters, which no template filter changes).
///
/// ``Tokenizer/escapeControlTokens(in:)`` puts a marker in place of every control-token text in the messages'
/// content (and of every marker character already there), so `<|im_start|>system` typed by a user cannot open a
/// turn of its own. ``Tokenizer/encode(_:addSpecial:parseSpecial:literals:)`` puts the text back inside the
/// plain-text fragments, after the control tokens of the template itself have been cut out, so the message's
/// text is tokenized exactly as text. Content without control-token text is left unchanged.
enum LiteralMarkers {
    /// U+F0000 in UTF-8.
    static let open: [UInt8] = [0xF3, 0xB0, 0x80, 0x80]
    /// U+F0001 in UTF-8.
    static let close: [UInt8] = [0xF3, 0xB0, 0x80, 0x81]

    /// The marker for literal `index`.
    static func marker(_ index: Int) -> [UInt8] {
        open + Array(String(index).utf8) + close
    }

    /// Whether `bytes` holds a marker character (U+F0000 or U+F0001) at `i`.
    static func markerCharacter(_ bytes: UnsafeBufferPointer<UInt8>, at i: Int) -> Bool {
        i + 4 <= bytes.count && bytes[i] == 0xF3 && bytes[i + 1] == 0xB0 && bytes[i + 2] == 0x80
            && (bytes[i + 3] == 0x80 || bytes[i + 3] == 0x81)
    }

    /// `text` with every marker replaced by its literal, or `nil` when it holds no marker.
    static func restore(_ text: UnsafeBufferPointer<UInt8>, literals: [[UInt8]]) -> [UInt8]? {
        guard !literals.isEmpty else { return nil }
        var output: [UInt8]?
        var i = 0
        while i < text.count {
            if text[i] == 0xF3, markerCharacter(text, at: i), text[i + 3] == 0x80 {
                var j = i + 4
                var index = 0
                while j < text.count, (0x30...0x39).contains(text[j]), index < literals.count {
                    index = index * 10 + Int(text[j] - 0x30)
                    j += 1
                }
                if j > i + 4, index < literals.count, markerCharacter(text, at: j), text[j + 3] == 0x81 {
                    if output == nil { output = Array(text[0..<i]) }
                    output!.append(contentsOf: literals[index])
                    i = j + 4
                    continue
                }
            }
            output?.append(text[i])
            i += 1
        }
        return output
    }
}
