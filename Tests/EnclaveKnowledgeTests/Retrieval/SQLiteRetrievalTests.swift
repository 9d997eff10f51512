// Enclave knowledge tests: the hybrid retriever over the real store (FTS5 over hashed words, encrypted vectors).

import EnclaveCore
import EnclaveKnowledge
import EnclaveStorage
import Foundation
import Testing

@Suite("Hybrid retriever over SQLite")
struct SQLiteRetrievalTests {
    /// A SQLite knowledge store in a new temporary data directory.
    static func store() throws -> SQLiteKnowledgeStore {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("enclave-retrieval-\(UUID().uuidString)").path
        return try SQLiteKnowledgeStore(database: SQLiteDatabase(dataDirectory: directory), cipher: KnowledgeCipher(key: .generate()))
    }

    @Test("Every mode finds the passage by its words through the SQLite store, and a deleted document disappears")
    func modesAndSync() async throws {
        let fixture = try await KnowledgeFixture(store: try Self.store())
        let document = try await fixture.add("guide.md", HybridRetrieverTests.passages)
        try await fixture.add("other.md", ["sandwiches are made with bread"])
        let retriever = HybridRetriever(store: fixture.store, embedder: fixture.embedder)
        for mode in RetrievalSettings.Mode.allCases {
            let found = try await retriever.retrieve(
                "how are keys stored",
                inCollections: [fixture.collectionID],
                settings: HybridRetrieverTests.settings(mode)
            )
            #expect(found.first?.record.chunk.text == HybridRetrieverTests.passages[2], "\(mode)")
            #expect(found.first?.record.document.name == "guide.md")
            #expect(found.allSatisfy { $0.relevance >= 0.1 })
        }
        try await fixture.store.deleteDocument(id: document)
        let after = try await retriever.retrieve(
            "how are keys stored",
            inCollections: [fixture.collectionID],
            settings: HybridRetrieverTests.settings(.hybrid)
        )
        #expect(after.allSatisfy { $0.record.document.name == "other.md" })
        #expect(await retriever.index(of: fixture.collectionID).count == 1)
    }
}
