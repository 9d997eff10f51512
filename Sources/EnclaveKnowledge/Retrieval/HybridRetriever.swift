// Enclave knowledge: BM25 and vectors fused, thresholded by relevance.

public import EnclaveCore
import Synchronization

/// The ``KnowledgeRetriever`` of assistants: the query is embedded once (truncated to the model's input),
/// the store's BM25 top ``Configuration/candidates`` and the vector indexes' top ``Configuration/candidates``
/// are fused by ``ReciprocalRankFusion``, every candidate's relevance is the cosine of its vector with the
/// query's (looked up in the index for keyword-only hits), candidates below
/// ``RetrievalSettings/minRelevance`` are dropped, an optional ``PassageReranker`` reorders the rest, and
/// the first ``RetrievalSettings/topK`` are loaded from the store, best first.
///
/// Each collection has a ``CollectionIndex`` built on first use and refreshed from the store before each
/// search. Every collection searched must hold vectors of `embedder`'s model.
///
/// ```swift
/// let retriever = HybridRetriever(store: store, embedder: backend)
/// let passages = try await retriever.retrieve("How do I install it?", inCollections: [id], settings: .default)
/// ```
public final class HybridRetriever: KnowledgeRetriever {
    /// How many candidates each stage passes on.
    public struct Configuration: Sendable, Hashable {
        /// Candidates taken from each of BM25 and the vectors before fusion.
        public var candidates: Int
        /// Candidates (after the threshold) the reranker scores.
        public var rerankCandidates: Int
        /// The fusion.
        public var fusion: ReciprocalRankFusion
        /// When each collection's vectors move to the graph index.
        public var index: CollectionIndex.Configuration

        /// Creates a configuration (defaults: 50 candidates per stage, 20 reranked, RRF k = 60).
        public init(
            candidates: Int = 50,
            rerankCandidates: Int = 20,
            fusion: ReciprocalRankFusion = .init(),
            index: CollectionIndex.Configuration = .init()
        ) {
            self.candidates = candidates
            self.rerankCandidates = rerankCandidates
            self.fusion = fusion
            self.index = index
        }
    }

    let store: any KnowledgeStore
    let embedder: any EmbeddingBackend
    let reranker: (any PassageReranker)?
    let configuration: Configuration
    private let indexes = Mutex<[String: CollectionIndex]>([:])

    /// Creates a retriever over `store`, embedding queries with `embedder` (the collections' model).
    public init(
        store: any KnowledgeStore,
        embedder: any EmbeddingBackend,
        reranker: (any PassageReranker)? = nil,
        configuration: Configuration = .init()
    ) {
        self.store = store
        self.embedder = embedder
        self.reranker = reranker
        self.configuration = configuration
    }

    /// The index of `collectionID`, created empty on first use.
    public func index(of collectionID: String) -> CollectionIndex {
        indexes.withLock { indexes in
            if let index = indexes[collectionID] { return index }
            let index = CollectionIndex(
                collectionID: collectionID,
                dimensions: embedder.descriptor.dimensions,
                store: store,
                configuration: configuration.index
            )
            indexes[collectionID] = index
            return index
        }
    }

    /// The query's embedding, its tokens cut to the model's input (the end marker kept).
    public func embedQuery(_ query: String) async throws -> [Float] {
        var tokens = embedder.tokenize(query)
        let limit = embedder.descriptor.maxInputTokens
        if tokens.count > limit, let last = tokens.last { tokens = Array(tokens.prefix(limit - 1)) + [last] }
        return try await embedder.embed([tokens])[0]
    }
}
