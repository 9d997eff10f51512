// Enclave: the tokenizer interface shared by every vocabulary type.

/// Turns text into token ids and back, as the model's GGUF metadata describes.
///
/// Build one with ``TokenizerLoader/load(from:)``. Implementations are immutable and safe to share
/// between tasks.
///
/// ```swift
/// let file = try GGUFFile(path: "models/SmolLM2-135M-Instruct.Q4_1.gguf")
/// let tokenizer = try TokenizerLoader.load(from: file.metadata)
/// let ids = tokenizer.encode("<|im_start|>user\nHi<|im_end|>\n", addSpecial: false, parseSpecial: true)
/// print(tokenizer.decode(ids, renderSpecial: true))
/// ```
public protocol Tokenizer: Sendable {
    /// The number of entries in the vocabulary (valid ids are `0..<vocabularySize`).
    var vocabularySize: Int { get }
    /// The beginning-of-sequence token, if the model has one.
    var bosTokenID: Int32? { get }
    /// The end-of-sequence token, if the model has one.
    var eosTokenID: Int32? { get }
    /// Every token that ends generation: eos plus the tokens llama.cpp recognises by their text
    /// (`<|eot_id|>`, `<|im_end|>`, `<end_of_turn>`, ...).
    var endOfGenerationTokenIDs: Set<Int32> { get }
    /// Whether `encode(_:addSpecial: true, parseSpecial:)` prepends BOS.
    var addsBOS: Bool { get }
    /// Whether `encode(_:addSpecial: true, parseSpecial:)` appends EOS.
    var addsEOS: Bool { get }
    /// A short name for the tokenizer, e.g. `bpe/smollm` or `spm`, for logs and diagnostics.
    var tokenizerFamily: String { get }

    /// Encodes text into token ids.
    /// - Parameters:
    ///   - text: The text to encode.
    ///   - addSpecial: Add BOS/EOS as the model's metadata says (see ``addsBOS`` and ``addsEOS``).
    ///   - parseSpecial: Match control tokens (such as `<|im_start|>`) written in the text. Turn this on for
    ///     rendered chat templates and off for raw user content. User-defined tokens are always matched.
    ///   - literals: The texts that the markers of ``escapeControlTokens(in:)`` in `text` stand for; each is put
    ///     back as plain text after the control tokens have been cut out.
    /// - Returns: The token ids.
    func encode(_ text: String, addSpecial: Bool, parseSpecial: Bool, literals: [String]) -> [Int32]

    /// Makes messages safe to render with a chat template and encode with `parseSpecial`: every control-token
    /// text in `contents` (and every marker character) becomes a marker, whose text is in `literals` (see
    /// ``LiteralMarkers``). Contents without control-token text come back unchanged.
    func escapeControlTokens(in contents: [String]) -> (contents: [String], literals: [String])

    /// The raw bytes one token contributes to the output text. Control tokens give no bytes unless
    /// `renderSpecial` is true. A byte token gives its single byte, which may be part of a multi-byte
    /// UTF-8 character; invalid ids give no bytes.
    func tokenBytes(_ id: Int32, renderSpecial: Bool) -> [UInt8]

    /// The vocabulary entry of a token as stored in the model (e.g. `Ġworld` or `▁world`), for display
    /// and debugging; empty for an invalid id.
    func tokenText(_ id: Int32) -> String

    /// The id of the vocabulary entry whose stored text is exactly `text`, if there is one.
    func tokenID(forText text: String) -> Int32?

    /// Decodes token ids into text. Invalid UTF-8 (for example a cut-off byte sequence) becomes U+FFFD.
    ///
    /// Decoding is exact, so `decode(encode(text))` gives back `text`: spaces are not "cleaned up" around
    /// punctuation, and SentencePiece models with `add_space_prefix` drop the one space that encoding put at
    /// the start of the text and after each special token. To print generated tokens as they arrive, use
    /// ``StreamingDetokenizer``, which keeps every token's leading space.
    /// - Parameters:
    ///   - ids: The tokens to decode; invalid ids are skipped.
    ///   - renderSpecial: Print control tokens such as `<|im_end|>` instead of dropping them.
    func decode(_ ids: [Int32], renderSpecial: Bool) -> String
}

extension Tokenizer {
    /// Encodes text (see ``encode(_:addSpecial:parseSpecial:literals:)``) that holds no markers.
    public func encode(_ text: String, addSpecial: Bool, parseSpecial: Bool) -> [Int32] {
        encode(text, addSpecial: addSpecial, parseSpecial: parseSpecial, literals: [])
    }

    /// Encodes text with BOS/EOS as the model says and without matching control tokens in the text.
    public func encode(_ text: String) -> [Int32] {
        encode(text, addSpecial: true, parseSpecial: false)
    }

    /// Decodes token ids, dropping control tokens.
    public func decode(_ ids: [Int32]) -> String {
        decode(ids, renderSpecial: false)
    }

    /// Whether `id` ends generation.
    public func isEndOfGeneration(_ id: Int32) -> Bool {
        endOfGenerationTokenIDs.contains(id)
    }
}
