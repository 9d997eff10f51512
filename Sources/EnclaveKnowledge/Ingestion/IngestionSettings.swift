// Enclave knowledge: how ingestion cuts and embeds documents.

/// How ingestion validates, cuts and embeds documents (the `knowledge:` section of the configuration).
public struct IngestionSettings: Sendable, Hashable {
    /// The largest file accepted, in bytes (`knowledge.max_document_bytes`, default 50 MiB).
    public var maxDocumentBytes: Int
    /// The most tokens in a chunk (`knowledge.chunk_tokens`); lowered to the embedding model's input less its markers.
    public var chunkTokens: Int
    /// Tokens repeated between consecutive chunks (`knowledge.chunk_overlap_tokens`).
    public var chunkOverlapTokens: Int
    /// Chunks embedded per call of the embedding model.
    public var embeddingBatchSize: Int

    /// Creates settings; the defaults are 50 MiB, 200 tokens, 32 tokens of overlap and batches of 32.
    public init(maxDocumentBytes: Int = 50 << 20, chunkTokens: Int = 200, chunkOverlapTokens: Int = 32, embeddingBatchSize: Int = 32) {
        self.maxDocumentBytes = maxDocumentBytes
        self.chunkTokens = chunkTokens
        self.chunkOverlapTokens = chunkOverlapTokens
        self.embeddingBatchSize = max(1, embeddingBatchSize)
    }
}
