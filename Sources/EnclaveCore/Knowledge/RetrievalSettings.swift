// Enclave: how an assistant retrieves.

/// How many passages an assistant retrieves, how relevant they must be and how.
public struct RetrievalSettings: Sendable, Hashable, Codable {
    /// Which indexes retrieval uses.
    public enum Mode: String, Sendable, Hashable, Codable, CaseIterable {
        /// BM25 and vectors, fused by reciprocal rank fusion (the default).
        case hybrid
        /// BM25 only.
        case keyword
        /// Vectors only.
        case vector
    }

    /// Passages to return at most.
    public var topK: Int
    /// The least cosine similarity (query embedding against chunk embedding, -1 to 1) a passage needs; a
    /// passage below it is never returned, whatever its keyword score.
    public var minRelevance: Double
    /// Which indexes to use.
    public var mode: Mode
    /// Rerank the fused candidates with the configured reranker, if any.
    public var rerank: Bool

    /// The defaults: 5 passages, relevance at least 0.25, hybrid, no reranking.
    public static let `default` = RetrievalSettings(topK: 5, minRelevance: 0.25, mode: .hybrid, rerank: false)

    /// Creates settings.
    public init(topK: Int, minRelevance: Double, mode: Mode, rerank: Bool) {
        self.topK = topK
        self.minRelevance = minRelevance
        self.mode = mode
        self.rerank = rerank
    }
}
