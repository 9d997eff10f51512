// Enclave: builds the right tokenizer from a model's GGUF metadata.

/// Builds a ``Tokenizer`` from the `tokenizer.ggml.*` metadata of a GGUF file.
///
/// Supported: `tokenizer.ggml.model` = `gpt2` (byte-level BPE) with the pre-tokenizers `smollm` (and its
/// aliases `starcoder`, `refact`, `command-r`, `codeshell`, `exaone`, `minerva`), `gpt2`, `llama-bpe`
/// (Llama 3) and `qwen2`; and `llama` (SentencePiece BPE). Anything else is refused with a
/// ``TokenizerError`` naming the value.
///
/// ```swift
/// let file = try GGUFFile(path: "models/gemma-3-270m-q4_k_m.gguf")
/// let tokenizer = try TokenizerLoader.load(from: file.metadata)
/// ```
public enum TokenizerLoader {
    /// Builds the tokenizer the metadata describes.
    /// - Throws: ``TokenizerError`` if a key is missing or malformed, the vocabulary arrays disagree,
    ///   or the tokenizer model or pre-tokenizer is not supported.
    public static func load(from metadata: GGUFMetadata) throws -> any Tokenizer {
        let reader = MetadataReader(metadata: metadata)
        let model = try reader.requiredString("tokenizer.ggml.model")
        switch model {
        case "gpt2":
            return try loadBPE(reader)
        case "llama":
            return try loadSentencePiece(reader)
        default:
            throw TokenizerError(
                .unsupportedModel,
                "unsupported tokenizer model '\(model)' in tokenizer.ggml.model (supported: 'gpt2' byte-level BPE, 'llama' SentencePiece)"
            )
        }
    }

    private static func loadBPE(_ reader: MetadataReader) throws -> BPETokenizer {
        guard let preName = try reader.optionalString("tokenizer.ggml.pre") else {
            throw TokenizerError(.missingKey, "the byte-level BPE tokenizer needs tokenizer.ggml.pre (the pre-tokenizer type), which is missing")
        }
        guard let pre = BPEPreTokenizer(ggufName: preName) else {
            throw TokenizerError(
                .unsupportedPreTokenizer,
                "unsupported pre-tokenizer '\(preName)' in tokenizer.ggml.pre (supported: \(BPEPreTokenizer.supportedNames.joined(separator: ", ")))"
            )
        }
        let raw = try reader.rawVocabulary()
        let mergeStrings = try reader.requiredStringArray("tokenizer.ggml.merges")
        let vocabulary = try buildVocabulary(raw, reader, defaults: SpecialDefaults(bos: nil, eos: nil, unknown: nil, addBOS: pre.addsBOSByDefault)) {
            text,
            out in ByteUnicodeMap.appendUnmapped(text, to: &out)
        }
        let merges = parseMerges(mergeStrings, table: vocabulary.table)
        return BPETokenizer(vocabulary: vocabulary, merges: merges, preTokenizer: pre, preTokenizerName: preName)
    }

    private static func loadSentencePiece(_ reader: MetadataReader) throws -> SentencePieceTokenizer {
        let raw = try reader.rawVocabulary()
        let addSpacePrefix = try reader.optionalBool("tokenizer.ggml.add_space_prefix") ?? true
        let vocabulary = try buildVocabulary(raw, reader, defaults: SpecialDefaults(bos: 1, eos: 2, unknown: 0, addBOS: true)) {
            text,
            out in
            var i = 0
            while i < text.count {
                if i + 2 < text.count && text[i] == 0xE2 && text[i + 1] == 0x96 && text[i + 2] == 0x81 {
                    out.append(0x20)
                    i += 3
                } else {
                    out.append(text[i])
                    i += 1
                }
            }
        }
        return SentencePieceTokenizer(vocabulary: vocabulary, addSpacePrefix: addSpacePrefix)
    }

    /// Turns "left right" merge lines into id triples. A line without a separating space, or naming a
    /// piece (or producing a concatenation) that is not in the vocabulary, can never apply and is skipped.
    static func parseMerges(_ lines: [String], table: ByteStringTable) -> MergeTable {
        var merges = [(left: Int32, right: Int32, result: Int32)]()
        merges.reserveCapacity(lines.count)
        var joined = [UInt8]()
        for var line in lines {
            line.withUTF8 { bytes in
                // Like llama.cpp, split at the first space after the first byte.
                guard bytes.count >= 3, let space = bytes[1...].firstIndex(of: 0x20) else { return }
                let left = table.find(UnsafeBufferPointer(rebasing: bytes[..<space]))
                let right = table.find(UnsafeBufferPointer(rebasing: bytes[(space + 1)...]))
                guard left >= 0, right >= 0 else { return }
                joined.removeAll(keepingCapacity: true)
                joined.append(contentsOf: bytes[..<space])
                joined.append(contentsOf: bytes[(space + 1)...])
                let result = table.find(joined)
                guard result >= 0 else { return }
                merges.append((left, right, result))
            }
        }
        return MergeTable(merges: merges)
    }
}
