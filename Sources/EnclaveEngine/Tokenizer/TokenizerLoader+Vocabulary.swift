// Enclave: reading the vocabulary arrays and special tokens from GGUF metadata.

extension TokenizerLoader {
    /// llama.cpp's defaults for a tokenizer type, used when the file has no key for them.
    struct SpecialDefaults {
        var bos: Int32?
        var eos: Int32?
        var unknown: Int32?
        var addBOS: Bool
    }

    /// Texts that end generation (llama.cpp's list; tokens with these texts are also made control tokens).
    static let endOfGenerationTexts = [
        "<|eot_id|>", "<|im_end|>", "<|end|>", "<|return|>", "<|call|>", "<|flush|>", "<|calls|>", "<end_of_turn>",
        "<|endoftext|>", "</s>", "<|eom_id|>", "<EOT>", "_<EOT>", "[EOT]", "[EOS]", "<|end_of_text|>",
        "<end_of_utterance>", "<eos>", "<turn|>", "<|tool_response>", "<｜end▁of▁sentence｜>", "[e~[",
    ]

    /// Fill-in-the-middle texts llama.cpp makes control tokens (they do not end chat generation here).
    static let fillInTheMiddleTexts = [
        "<|fim_prefix|>", "<fim-prefix>", "<fim_prefix>", "<｜fim▁begin｜>", "<PRE>", "▁<PRE>", "<|code_prefix|>", "<|prefix|>",
        "<|fim_suffix|>", "<fim-suffix>", "<fim_suffix>", "<｜fim▁hole｜>", "<SUF>", "▁<SUF>", "<|code_suffix|>", "<|suffix|>",
        "<|fim_middle|>", "<fim-middle>", "<fim_middle>", "<｜fim▁end｜>", "<MID>", "▁<MID>", "<|code_middle|>", "<|middle|>",
        "<|fim_pad|>", "<fim-pad>", "<fim_pad>", "<PAD>", "[PAD]",
        "<|fim_repo|>", "<|repo_name|>", "<fim-repo>", "<REPO>", "<reponame>", "<|file_sep|>",
    ]

    /// Builds the shared vocabulary: attributes (with llama.cpp's promotions), special ids, BOS/EOS
    /// policy, end-of-generation set and the printable piece of every token.
    static func buildVocabulary(
        _ raw: RawVocabulary,
        _ reader: MetadataReader,
        defaults: SpecialDefaults,
        decodeNormal: (UnsafeBufferPointer<UInt8>, inout [UInt8]) -> Void
    ) throws -> TokenVocabulary {
        let count = raw.texts.count
        let table = ByteStringTable(bytes: raw.bytes, offsets: raw.offsets)
        var attributes: [TokenAttributes] =
            raw.types.map { types in types.map { TokenAttributes(ggufTokenType: $0) } }
            ?? [TokenAttributes](repeating: .normal, count: count)
        let scores = raw.scores ?? [Float](repeating: 0, count: count)

        func inRange(_ id: Int32?) -> Int32? { id.flatMap { Int($0) < count ? $0 : nil } }
        let bos = try reader.optionalTokenID("tokenizer.ggml.bos_token_id", vocabularySize: count) ?? inRange(defaults.bos)
        let eos = try reader.optionalTokenID("tokenizer.ggml.eos_token_id", vocabularySize: count) ?? inRange(defaults.eos)
        let unknown = try reader.optionalTokenID("tokenizer.ggml.unknown_token_id", vocabularySize: count) ?? inRange(defaults.unknown)
        let endOfTurn = try reader.optionalTokenID("tokenizer.ggml.eot_token_id", vocabularySize: count)
        let endOfMessage = try reader.optionalTokenID("tokenizer.ggml.eom_token_id", vocabularySize: count)

        let addBOS = try reader.optionalBool("tokenizer.ggml.add_bos_token") ?? defaults.addBOS
        let addEOS = try reader.optionalBool("tokenizer.ggml.add_eos_token") ?? false
        if addBOS && bos == nil {
            throw TokenizerError(.invalidValue, "tokenizer.ggml.add_bos_token is true but the model has no BOS token (tokenizer.ggml.bos_token_id)")
        }
        if addEOS && eos == nil {
            throw TokenizerError(.invalidValue, "tokenizer.ggml.add_eos_token is true but the model has no EOS token (tokenizer.ggml.eos_token_id)")
        }

        var endOfGeneration = Set([eos, endOfTurn, endOfMessage].compactMap { $0 })
        for text in endOfGenerationTexts {
            let id = table.find(text)
            guard id >= 0 else { continue }
            endOfGeneration.insert(id)
            attributes[Int(id)].insert(.control)
        }
        for text in fillInTheMiddleTexts {
            let id = table.find(text)
            if id >= 0 { attributes[Int(id)].insert(.control) }
        }

        return TokenVocabulary(
            texts: raw.texts,
            table: table,
            attributes: attributes,
            scores: scores,
            bos: bos,
            eos: eos,
            unknown: unknown,
            endOfGeneration: endOfGeneration,
            addBOS: addBOS,
            addEOS: addEOS,
            decodeNormal: decodeNormal
        )
    }
}
