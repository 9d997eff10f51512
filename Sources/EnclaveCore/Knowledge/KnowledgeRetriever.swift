// Enclave: what finds passages for a question.

/// Finds the passages of some collections that answer a query: hybrid BM25 and vector search fused by
/// reciprocal rank fusion, thresholded by relevance (`HybridRetriever` in EnclaveKnowledge is the real one).
///
/// The caller has already checked that the principal may read every collection it passes.
public protocol KnowledgeRetriever: Sendable {
    /// The best passages for `query` in `collectionIDs`, best first, at most `settings.topK`, each at least
    /// `settings.minRelevance` relevant; empty when nothing is.
    func retrieve(_ query: String, inCollections collectionIDs: [String], settings: RetrievalSettings) async throws -> [RetrievedPassage]
}
