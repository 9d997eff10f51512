// Enclave knowledge: evaluating a retriever on one collection.

public import EnclaveCore

extension RetrievalEvaluation {
    /// Evaluates `retriever` on `collectionID`: each question retrieves at least 10 passages with `settings`
    /// (its mode, threshold and reranking), and the passages' document names are scored.
    public static func evaluate(
        _ questions: [RetrievalQuestion],
        collection collectionID: String,
        retriever: any KnowledgeRetriever,
        settings: RetrievalSettings
    ) async throws -> RetrievalEvaluation {
        var settings = settings
        settings.topK = max(settings.topK, 10)
        return try await evaluate(questions) { question in
            try await retriever.retrieve(question, inCollections: [collectionID], settings: settings).map(\.record.document.name)
        }
    }
}
