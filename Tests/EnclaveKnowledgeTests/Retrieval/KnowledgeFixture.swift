// Enclave knowledge tests: a collection in the in-memory store, documents added by text.

import EnclaveCore
import EnclaveTesting
import Foundation

/// A collection in a knowledge store (in memory unless given) whose documents are given as passages and embedded with
/// ``HashedWordsEmbedder``.
struct KnowledgeFixture {
    let store: any KnowledgeStore
    let embedder = HashedWordsEmbedder()
    let collectionID: String

    init(collectionID: String = "col_0000000000000001", store: any KnowledgeStore = InMemoryKnowledgeStore()) async throws {
        self.store = store
        self.collectionID = collectionID
        try await store.createCollection(
            KnowledgeCollection(id: collectionID, name: collectionID, teamIDs: [], embeddingModel: "hashed-words", createdAt: Date())
        )
    }

    /// A fixture over another's store and an existing collection.
    init(store: any KnowledgeStore, collectionID: String) {
        self.store = store
        self.collectionID = collectionID
    }

    /// Adds a ready document named `name` with one chunk per passage; returns its id.
    @discardableResult
    func add(_ name: String, _ passages: [String], replacing: String? = nil) async throws -> String {
        let id = "doc_\(name)_\(UUID().uuidString.prefix(6))"
        let document = KnowledgeDocument(
            id: id,
            collectionID: collectionID,
            name: name,
            sha256: "",
            byteCount: 0,
            format: "text",
            status: .queued,
            createdAt: Date(),
            updatedAt: Date()
        )
        try await store.addDocument(document, content: Data())
        let chunks = passages.enumerated().map {
            DocumentChunk(documentID: id, ordinal: $0.offset, text: $0.element, page: nil, headingPath: [], tokenCount: 1)
        }
        var vectors: [[Float]] = []
        for passage in passages { vectors.append(try await embedder.vector(passage)) }
        try await store.commit(document: document, chunks: chunks, vectors: vectors, replacing: replacing)
        return id
    }
}
