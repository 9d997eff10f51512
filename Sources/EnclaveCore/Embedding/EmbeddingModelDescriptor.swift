// Enclave: what an embedding model says about itself.

/// What an embedding model says about itself, as `/v1/models` lists it and `/v1/embeddings` checks inputs.
public struct EmbeddingModelDescriptor: Sendable, Hashable {
    /// The id clients send as `model`.
    public var id: String
    /// The width of every vector (384 for all-MiniLM-L6-v2); fixed, so `dimensions` cannot change it.
    public var dimensions: Int
    /// The longest input in tokens, markers included (256 for all-MiniLM-L6-v2).
    public var maxInputTokens: Int
    /// Token ids a client may send are below this.
    public var vocabularySize: Int
    /// Unix time (seconds) of when the model was loaded.
    public var created: Int

    /// Creates a descriptor.
    public init(id: String, dimensions: Int, maxInputTokens: Int, vocabularySize: Int, created: Int) {
        self.id = id
        self.dimensions = dimensions
        self.maxInputTokens = maxInputTokens
        self.vocabularySize = vocabularySize
        self.created = created
    }

    /// The model as `/v1/models` lists it (its context is its longest input).
    public var modelDescriptor: ModelDescriptor {
        ModelDescriptor(id: id, ownedBy: "enclave", contextLength: maxInputTokens, created: created)
    }
}
