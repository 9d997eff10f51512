// Enclave: turns a stream of generated tokens into text chunks without splitting characters.

/// Decodes generated tokens one at a time into text that is safe to send.
///
/// A token can end in the middle of a UTF-8 character (byte-fallback tokens such as `<0xF0>` carry one
/// byte of an emoji, and byte-level BPE tokens can cut CJK characters). The detokenizer keeps such an
/// incomplete tail until the next token completes it, so no chunk ever contains half a character.
/// ``finish()`` drops a trailing sequence that never completed (a generation cut by its token limit in the
/// middle of a character ends with the characters before it, not with U+FFFD).
/// Control tokens print nothing unless `renderSpecial` is on.
///
/// Each token's piece is printed as is (a leading space is kept), which is what a continuation needs.
///
/// ```swift
/// var detokenizer = StreamingDetokenizer(tokenizer: tokenizer)
/// for id in generated { send(detokenizer.append(id)) }
/// send(detokenizer.finish())
/// ```
public struct StreamingDetokenizer: Sendable {
    private let tokenizer: any Tokenizer
    private let renderSpecial: Bool
    private var pending: [UInt8] = []

    /// - Parameters:
    ///   - tokenizer: The model's tokenizer.
    ///   - renderSpecial: Print control tokens such as `<|im_end|>` instead of dropping them.
    public init(tokenizer: any Tokenizer, renderSpecial: Bool = false) {
        self.tokenizer = tokenizer
        self.renderSpecial = renderSpecial
    }

    /// Adds one token and returns the text that is now complete (possibly empty).
    public mutating func append(_ id: Int32) -> String {
        pending.append(contentsOf: tokenizer.tokenBytes(id, renderSpecial: renderSpecial))
        let keep = UTF8Scalars.incompleteSuffixLength(pending)
        guard pending.count > keep else { return "" }
        let text = String(decoding: pending[..<(pending.count - keep)], as: UTF8.self)
        pending.removeFirst(pending.count - keep)
        return text
    }

    /// Returns whatever complete text is still buffered, dropping an incomplete trailing sequence, and resets
    /// the detokenizer. (``append(_:)`` only ever keeps an incomplete tail, so this is empty unless the bytes
    /// before it were invalid.)
    public mutating func finish() -> String {
        defer { pending.removeAll() }
        let keep = UTF8Scalars.incompleteSuffixLength(pending)
        return String(decoding: pending[..<(pending.count - keep)], as: UTF8.self)
    }

    /// Whether bytes of an incomplete character are waiting for the next token.
    public var hasPendingBytes: Bool { !pending.isEmpty }
}
