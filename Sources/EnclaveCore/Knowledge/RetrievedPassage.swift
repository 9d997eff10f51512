// Enclave: a passage retrieval found.

/// A passage retrieval found for a query, with where it comes from (for the prompt's numbered sources and
/// the response's citations) and how relevant it is.
public struct RetrievedPassage: Sendable, Hashable {
    /// The chunk and its document.
    public var record: ChunkRecord
    /// Cosine similarity of the query's and the chunk's embeddings (-1 to 1): what thresholds compare.
    public var relevance: Double
    /// The fused rank score (reciprocal rank fusion, or the reranker's score); larger is better.
    public var score: Double

    /// Creates a passage.
    public init(record: ChunkRecord, relevance: Double, score: Double) {
        self.record = record
        self.relevance = relevance
        self.score = score
    }
}
