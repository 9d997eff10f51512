// Enclave: typed reads of the tokenizer keys, with errors that name the key.

/// Reads `tokenizer.ggml.*` keys, turning absent or malformed values into ``TokenizerError``s.
struct MetadataReader {
    let metadata: GGUFMetadata

    func optionalString(_ key: String) throws -> String? {
        guard let value = metadata[key] else { return nil }
        guard let string = value.stringValue else {
            throw TokenizerError(.invalidValue, "\(key) should be a string but is \(value)")
        }
        return string
    }

    func requiredString(_ key: String) throws -> String {
        guard let string = try optionalString(key) else {
            throw TokenizerError(.missingKey, "the model has no tokenizer: \(key) is missing")
        }
        return string
    }

    func optionalBool(_ key: String) throws -> Bool? {
        guard let value = metadata[key] else { return nil }
        guard let bool = value.boolValue else {
            throw TokenizerError(.invalidValue, "\(key) should be a Boolean but is \(value)")
        }
        return bool
    }

    /// A token id key, which must name an entry of the vocabulary.
    func optionalTokenID(_ key: String, vocabularySize: Int) throws -> Int32? {
        guard let value = metadata[key] else { return nil }
        guard let id = value.intValue else {
            throw TokenizerError(.invalidValue, "\(key) should be a token id but is \(value)")
        }
        guard id >= 0 && id < vocabularySize else {
            throw TokenizerError(.inconsistentVocabulary, "\(key) = \(id) is outside the vocabulary of \(vocabularySize) tokens")
        }
        return Int32(id)
    }

    func requiredStringArray(_ key: String) throws -> [String] {
        guard let value = metadata[key] else {
            throw TokenizerError(.missingKey, "\(key) is missing")
        }
        guard let items = value.arrayValue else {
            throw TokenizerError(.invalidValue, "\(key) should be an array of strings but is \(value)")
        }
        var strings = [String]()
        strings.reserveCapacity(items.count)
        for (i, item) in items.enumerated() {
            guard case .string(let s) = item else {
                throw TokenizerError(.invalidValue, "\(key)[\(i)] should be a string but is \(item)")
            }
            strings.append(s)
        }
        return strings
    }

    /// Reads `tokenizer.ggml.tokens` (required) with `scores` and `token_type` (optional, but when present
    /// they must have one entry per token).
    func rawVocabulary() throws -> RawVocabulary {
        let tokensKey = "tokenizer.ggml.tokens"
        guard let value = metadata[tokensKey] else {
            throw TokenizerError(.missingKey, "the model has no vocabulary: \(tokensKey) is missing")
        }
        guard let items = value.arrayValue else {
            throw TokenizerError(.invalidValue, "\(tokensKey) should be an array of strings but is \(value)")
        }
        guard !items.isEmpty, items.count < Int(Int32.max) else {
            throw TokenizerError(.invalidValue, "\(tokensKey) has \(items.count) entries")
        }
        var texts = [String]()
        texts.reserveCapacity(items.count)
        var bytes = [UInt8]()
        var offsets = [Int32]()
        offsets.reserveCapacity(items.count + 1)
        offsets.append(0)
        for (i, item) in items.enumerated() {
            guard case .string(var text) = item else {
                throw TokenizerError(.invalidValue, "\(tokensKey)[\(i)] should be a string but is \(item)")
            }
            if text.isEmpty { text = "[EMPTY_\(i)]" }  // as llama.cpp does
            text.withUTF8 { bytes.append(contentsOf: $0) }
            guard bytes.count < Int(Int32.max) else {
                throw TokenizerError(.invalidValue, "\(tokensKey) is too large")
            }
            offsets.append(Int32(bytes.count))
            texts.append(text)
        }

        var scores: [Float]?
        if let raw = metadata["tokenizer.ggml.scores"] {
            guard let items = raw.arrayValue else {
                throw TokenizerError(.invalidValue, "tokenizer.ggml.scores should be an array of numbers but is \(raw)")
            }
            try checkLength("tokenizer.ggml.scores", items.count, tokens: texts.count)
            scores = try items.enumerated().map { i, item in
                switch item {
                case .float32(let v): return v
                default:
                    guard let v = item.doubleValue else {
                        throw TokenizerError(.invalidValue, "tokenizer.ggml.scores[\(i)] should be a number but is \(item)")
                    }
                    return Float(v)
                }
            }
        }

        var types: [Int]?
        if let raw = metadata["tokenizer.ggml.token_type"] {
            guard let items = raw.arrayValue else {
                throw TokenizerError(.invalidValue, "tokenizer.ggml.token_type should be an array of integers but is \(raw)")
            }
            try checkLength("tokenizer.ggml.token_type", items.count, tokens: texts.count)
            types = try items.enumerated().map { i, item in
                guard let v = item.intValue else {
                    throw TokenizerError(.invalidValue, "tokenizer.ggml.token_type[\(i)] should be an integer but is \(item)")
                }
                return v
            }
        }
        return RawVocabulary(texts: texts, bytes: bytes, offsets: offsets, scores: scores, types: types)
    }

    private func checkLength(_ key: String, _ count: Int, tokens: Int) throws {
        guard count == tokens else {
            throw TokenizerError(
                .inconsistentVocabulary,
                "\(key) has \(count) entries but tokenizer.ggml.tokens has \(tokens); the vocabulary arrays must match"
            )
        }
    }
}
