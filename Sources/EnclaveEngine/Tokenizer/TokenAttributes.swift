// Enclave: per-token attributes, as llama.cpp derives them from `tokenizer.ggml.token_type`.

/// What kind of vocabulary entry a token is. Several flags can be set at once: llama.cpp promotes
/// end-of-generation and fill-in-the-middle tokens found by their text to control tokens while
/// keeping their original flag.
struct TokenAttributes: OptionSet, Sendable, Hashable {
    let rawValue: UInt8

    static let normal = TokenAttributes(rawValue: 1 << 0)
    static let unknown = TokenAttributes(rawValue: 1 << 1)
    static let control = TokenAttributes(rawValue: 1 << 2)
    static let userDefined = TokenAttributes(rawValue: 1 << 3)
    static let unused = TokenAttributes(rawValue: 1 << 4)
    static let byte = TokenAttributes(rawValue: 1 << 5)
    static let undefined = TokenAttributes(rawValue: 1 << 6)

    /// Tokens cut out of the text before the model's tokenizer runs (when eligible).
    static let special: TokenAttributes = [.control, .userDefined, .unknown]
    /// Tokens that are only matched in text, and only printed, when special handling is on.
    static let hidden: TokenAttributes = [.control, .unknown]

    /// The attributes for a GGUF token type: 1 normal, 2 unknown, 3 control, 4 user-defined,
    /// 5 unused, 6 byte; anything else is undefined.
    init(ggufTokenType type: Int) {
        switch type {
        case 1: self = .normal
        case 2: self = .unknown
        case 3: self = .control
        case 4: self = .userDefined
        case 5: self = .unused
        case 6: self = .byte
        default: self = .undefined
        }
    }

    init(rawValue: UInt8) { self.rawValue = rawValue }
}
