// Enclave knowledge: one retriever per embedding model, chosen by each collection's model.

public import EnclaveCore

/// Retrieves from collections whose vectors come from different embedding models: each collection is
/// searched by the ``HybridRetriever`` of its `embeddingModel`, and when a query spans several models the
/// passages are merged by relevance (cosine with the query in each collection's own model). A collection
/// whose model is not served is skipped (nothing can embed its queries).
public struct EmbeddingRoutedRetriever: KnowledgeRetriever {
    let store: any KnowledgeStore
    let retrievers: [String: HybridRetriever]

    /// Creates one hybrid retriever per embedding model.
    public init(store: any KnowledgeStore, embedders: [any EmbeddingBackend], reranker: (any PassageReranker)? = nil) {
        self.store = store
        self.retrievers = Dictionary(
            embedders.map { ($0.descriptor.id, HybridRetriever(store: store, embedder: $0, reranker: reranker)) },
            uniquingKeysWith: { first, _ in first }
        )
    }

    public func retrieve(_ query: String, inCollections collectionIDs: [String], settings: RetrievalSettings) async throws -> [RetrievedPassage] {
        var byModel: [String: [String]] = [:]
        for id in collectionIDs {
            guard let collection = try await store.collection(id: id), retrievers[collection.embeddingModel] != nil else { continue }
            byModel[collection.embeddingModel, default: []].append(id)
        }
        if byModel.count == 1, let (model, ids) = byModel.first, let retriever = retrievers[model] {
            return try await retriever.retrieve(query, inCollections: ids, settings: settings)
        }
        var passages: [RetrievedPassage] = []
        for (model, ids) in byModel.sorted(by: { $0.key < $1.key }) {
            guard let retriever = retrievers[model] else { continue }
            passages += try await retriever.retrieve(query, inCollections: ids, settings: settings)
        }
        return Array(passages.sorted { $0.relevance > $1.relevance }.prefix(settings.topK))
    }
}
