// Enclave OpenAI dialect: the body of POST /v1/embeddings.

/// The request of OpenAI's embeddings API: `model`, `input` (a string, an array of strings, an array of token
/// ids or an array of token-id arrays), `encoding_format` (`float` or `base64`), `dimensions` and `user`.
/// Decoding checks the shapes and names the field at fault; the route checks the contents against the model
/// (empty inputs, lengths, token ids, `dimensions`).
public struct EmbeddingRequest: Codable, Sendable {
    /// How the vectors are written.
    public enum EncodingFormat: String, Codable, Sendable {
        /// A JSON array of numbers (the default).
        case float
        /// The little-endian float32 bytes, base64-encoded.
        case base64
    }

    public var model: String
    public var input: EmbeddingInput
    public var encodingFormat: EncodingFormat?
    public var dimensions: Int?
    public var user: String?

    /// Creates a request (for clients).
    public init(model: String, input: EmbeddingInput, encodingFormat: EncodingFormat? = nil, dimensions: Int? = nil) {
        self.model = model
        self.input = input
        self.encodingFormat = encodingFormat
        self.dimensions = dimensions
    }

    enum CodingKeys: String, CodingKey {
        case model, input, dimensions, user
        case encodingFormat = "encoding_format"
    }

    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        model = try container.decode(String.self, forKey: .model)
        input = try container.decode(EmbeddingInput.self, forKey: .input)
        if let text = try container.decodeIfPresent(String.self, forKey: .encodingFormat) {
            guard let format = EncodingFormat(rawValue: text) else {
                throw DecodingError.dataCorruptedError(
                    forKey: .encodingFormat,
                    in: container,
                    debugDescription: "must be 'float' or 'base64', got '\(text)'"
                )
            }
            encodingFormat = format
        }
        dimensions = try container.decodeIfPresent(Int.self, forKey: .dimensions)
        user = try container.decodeIfPresent(String.self, forKey: .user)
    }
}
