// Enclave knowledge: a second opinion on the fused candidates.

public import EnclaveCore

/// Scores candidate passages against a query more carefully than the first stage (a cross-encoder, or a
/// chat model asked whether a passage answers the question); ``HybridRetriever`` reorders its candidates
/// by these scores when ``RetrievalSettings/rerank`` is on.
public protocol PassageReranker: Sendable {
    /// One score per passage, in order; larger is more relevant.
    func rerank(_ query: String, passages: [ChunkRecord]) async throws -> [Double]
}
