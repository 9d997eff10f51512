// Enclave OpenAI dialect: the `input` of POST /v1/embeddings.

/// The `input` of an embeddings request.
public enum EmbeddingInput: Codable, Sendable, Hashable {
    /// One text.
    case text(String)
    /// Several texts.
    case texts([String])
    /// One input as token ids.
    case tokens([Int])
    /// Several inputs as token ids.
    case tokenArrays([[Int]])

    /// How many inputs this is.
    public var count: Int {
        switch self {
        case .text: 1
        case .texts(let texts): texts.count
        case .tokens: 1
        case .tokenArrays(let arrays): arrays.count
        }
    }

    public init(from decoder: any Decoder) throws {
        let container = try decoder.singleValueContainer()
        if let text = try? container.decode(String.self) {
            self = .text(text)
        } else if let texts = try? container.decode([String].self) {
            self = .texts(texts)
        } else if let tokens = try? container.decode([Int].self) {
            self = .tokens(tokens)
        } else if let arrays = try? container.decode([[Int]].self) {
            self = .tokenArrays(arrays)
        } else {
            throw DecodingError.typeMismatch(
                EmbeddingInput.self,
                .init(
                    codingPath: decoder.codingPath,
                    debugDescription: "expected a string, an array of strings, an array of integer token ids or an array of such arrays"
                )
            )
        }
    }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.singleValueContainer()
        switch self {
        case .text(let text): try container.encode(text)
        case .texts(let texts): try container.encode(texts)
        case .tokens(let tokens): try container.encode(tokens)
        case .tokenArrays(let arrays): try container.encode(arrays)
        }
    }
}
