// Enclave OpenAI dialect: the response of POST /v1/embeddings.

/// `{"object": "list", "data": [{"object": "embedding", "index", "embedding"}], "model", "usage"}`.
public struct EmbeddingResponse: Codable, Sendable {
    /// One input's vector.
    public struct Item: Codable, Sendable {
        public var object = "embedding"
        public var index: Int
        public var embedding: EmbeddingVector

        /// The vector of input `index`.
        public init(index: Int, embedding: EmbeddingVector) {
            self.index = index
            self.embedding = embedding
        }
    }

    /// The usage of an embeddings request: its input tokens (there is no completion).
    public struct TokenUsage: Codable, Sendable, Hashable {
        public var promptTokens: Int
        public var totalTokens: Int

        /// Usage of `promptTokens` input tokens.
        public init(promptTokens: Int) {
            self.promptTokens = promptTokens
            self.totalTokens = promptTokens
        }

        enum CodingKeys: String, CodingKey {
            case promptTokens = "prompt_tokens"
            case totalTokens = "total_tokens"
        }
    }

    public var object = "list"
    public var data: [Item]
    public var model: String
    public var usage: TokenUsage

    /// The response for `vectors` (in input order) in `format`.
    public init(model: String, vectors: [[Float]], format: EmbeddingRequest.EncodingFormat, promptTokens: Int) {
        self.model = model
        data = vectors.enumerated().map { index, vector in
            Item(index: index, embedding: format == .base64 ? .base64(EmbeddingVector.base64(vector)) : .floats(vector))
        }
        usage = TokenUsage(promptTokens: promptTokens)
    }
}
