// Enclave knowledge tests: the hybrid retriever over the in-memory store.

import EnclaveCore
import EnclaveKnowledge
import EnclaveTesting
import Foundation
import Testing

@Suite("Hybrid retriever")
struct HybridRetrieverTests {
    static let passages = [
        "install the server with the package manager",
        "the server reads its configuration file at start",
        "keys are stored hashed and shown once",
        "teams share collections of documents",
    ]

    static func settings(_ mode: RetrievalSettings.Mode, topK: Int = 5, minRelevance: Double = 0.1, rerank: Bool = false) -> RetrievalSettings {
        RetrievalSettings(topK: topK, minRelevance: minRelevance, mode: mode, rerank: rerank)
    }

    @Test("Each mode finds the passage that shares the query's words, best first, with its cosine as relevance")
    func modes() async throws {
        let fixture = try await KnowledgeFixture()
        try await fixture.add("guide.md", Self.passages)
        let retriever = HybridRetriever(store: fixture.store, embedder: fixture.embedder)
        let query = "how are keys stored"
        let expected = try await fixture.embedder.vector(query)
        for mode in RetrievalSettings.Mode.allCases {
            let found = try await retriever.retrieve(query, inCollections: [fixture.collectionID], settings: Self.settings(mode))
            #expect(found.first?.record.chunk.text == Self.passages[2], "\(mode)")
            #expect(found.first?.record.document.name == "guide.md")
            let chunkVector = try await fixture.embedder.vector(Self.passages[2])
            let cosine = Double(zip(expected, chunkVector).map(*).reduce(0, +))
            #expect(abs((found.first?.relevance ?? 0) - cosine) < 1e-5)
            #expect(zip(found, found.dropFirst()).allSatisfy { $0.score >= $1.score })
        }
        // Keyword mode returns only chunks sharing a word; vector mode also the others above the threshold.
        let keyword = try await retriever.retrieve(
            "hashed",
            inCollections: [fixture.collectionID],
            settings: Self.settings(.keyword, minRelevance: -1)
        )
        #expect(keyword.map(\.record.chunk.text) == [Self.passages[2]])
        let vector = try await retriever.retrieve(
            "the server",
            inCollections: [fixture.collectionID],
            settings: Self.settings(.vector, minRelevance: -1)
        )
        #expect(vector.count == 4)
    }

    @Test("Nothing comes back when every candidate is below the minimum relevance, whatever its keyword score")
    func threshold() async throws {
        let fixture = try await KnowledgeFixture()
        try await fixture.add("guide.md", Self.passages)
        let retriever = HybridRetriever(store: fixture.store, embedder: fixture.embedder)
        for mode in RetrievalSettings.Mode.allCases {
            let strict = try await retriever.retrieve(
                "server",
                inCollections: [fixture.collectionID],
                settings: Self.settings(mode, minRelevance: 0.9)
            )
            #expect(strict.isEmpty, "\(mode)")
            let loose = try await retriever.retrieve(
                "server",
                inCollections: [fixture.collectionID],
                settings: Self.settings(mode, minRelevance: 0.2)
            )
            #expect(loose.count == 2, "\(mode)")
            #expect(loose.allSatisfy { $0.relevance >= 0.2 })
        }
        let top1 = try await retriever.retrieve("server", inCollections: [fixture.collectionID], settings: Self.settings(.hybrid, topK: 1))
        #expect(top1.count == 1)
        #expect(try await retriever.retrieve("   ", inCollections: [fixture.collectionID], settings: .default).isEmpty)
        #expect(try await retriever.retrieve("server", inCollections: [], settings: .default).isEmpty)
    }

    @Test("Documents added, replaced and deleted after the first search are reflected by the next")
    func cursorSync() async throws {
        let fixture = try await KnowledgeFixture()
        let retriever = HybridRetriever(store: fixture.store, embedder: fixture.embedder)
        let ids = [fixture.collectionID]
        #expect(try await retriever.retrieve("hashed keys", inCollections: ids, settings: Self.settings(.vector)).isEmpty)
        let first = try await fixture.add("keys.md", ["keys are stored hashed"])
        #expect(
            try await retriever.retrieve("hashed keys", inCollections: ids, settings: Self.settings(.vector)).map(\.record.document.id) == [first]
        )
        let second = try await fixture.add("keys.md", ["keys are hashed with a secret"], replacing: first)
        let replaced = try await retriever.retrieve("hashed keys", inCollections: ids, settings: Self.settings(.vector))
        #expect(replaced.map(\.record.document.id) == [second])
        #expect(await retriever.index(of: fixture.collectionID).count == 1)
        try await fixture.store.deleteDocument(id: second)
        #expect(try await retriever.retrieve("hashed keys", inCollections: ids, settings: Self.settings(.hybrid)).isEmpty)
        #expect(await retriever.index(of: fixture.collectionID).count == 0)
    }

    @Test("Only the collections asked are searched, several at once")
    func collections() async throws {
        let a = try await KnowledgeFixture(collectionID: "col_a")
        try await a.add("a.md", ["alpha server notes"])
        try await a.store.createCollection(KnowledgeCollection(id: "col_b", name: "b", teamIDs: [], embeddingModel: "hashed-words", createdAt: .now))
        let b = KnowledgeFixture(store: a.store, collectionID: "col_b")
        try await b.add("b.md", ["beta server notes"])
        let retriever = HybridRetriever(store: a.store, embedder: a.embedder)
        let onlyA = try await retriever.retrieve("server notes", inCollections: ["col_a"], settings: Self.settings(.hybrid))
        #expect(onlyA.map(\.record.document.name) == ["a.md"])
        let both = try await retriever.retrieve("server notes", inCollections: ["col_a", "col_b"], settings: Self.settings(.hybrid))
        #expect(Set(both.map(\.record.document.name)) == ["a.md", "b.md"])
    }

    @Test("A query longer than the model's input is cut to it")
    func longQuery() async throws {
        let fixture = try await KnowledgeFixture()
        try await fixture.add("guide.md", Self.passages)
        let retriever = HybridRetriever(store: fixture.store, embedder: fixture.embedder)
        let query = "keys stored hashed " + Array(repeating: "word", count: 40).joined(separator: " ")
        let found = try await retriever.retrieve(query, inCollections: [fixture.collectionID], settings: Self.settings(.hybrid, minRelevance: 0))
        #expect(found.first?.record.chunk.text == Self.passages[2])
    }

    @Test("The reranker reorders the candidates when settings ask for it, and only then")
    func reranking() async throws {
        let fixture = try await KnowledgeFixture()
        try await fixture.add("guide.md", Self.passages)
        let retriever = HybridRetriever(store: fixture.store, embedder: fixture.embedder, reranker: ShortestFirst())
        let plain = try await retriever.retrieve(
            "the server",
            inCollections: [fixture.collectionID],
            settings: Self.settings(.hybrid, minRelevance: -1)
        )
        let reranked = try await retriever.retrieve(
            "the server",
            inCollections: [fixture.collectionID],
            settings: Self.settings(.hybrid, minRelevance: -1, rerank: true)
        )
        #expect(plain.first?.record.chunk.text != Self.passages[2])
        #expect(reranked.map(\.record.chunk.text) == Self.passages.sorted { $0.count < $1.count })
        #expect(reranked.map(\.score) == reranked.map { -Double($0.record.chunk.text.count) })
    }
}

/// Scores shorter passages higher.
struct ShortestFirst: PassageReranker {
    func rerank(_ query: String, passages: [ChunkRecord]) async throws -> [Double] {
        passages.map { -Double($0.chunk.text.count) }
    }
}

@Suite("Retrieval evaluation over a retriever")
struct RetrievalEvaluationRetrieverTests {
    @Test("Each question's document is looked for among the retrieved chunks' documents")
    func endToEnd() async throws {
        let fixture = try await KnowledgeFixture()
        try await fixture.add("install.md", ["install the server with the package manager"])
        try await fixture.add("keys.md", ["keys are stored hashed and shown once"])
        try await fixture.add("teams.md", ["teams share collections of documents"])
        let retriever = HybridRetriever(store: fixture.store, embedder: fixture.embedder)
        let questions = [
            RetrievalQuestion(question: "how do I install the server", document: "install.md"),
            RetrievalQuestion(question: "are keys hashed", document: "keys.md"),
            RetrievalQuestion(question: "who shares collections", document: "install.md"),
        ]
        let settings = RetrievalSettings(topK: 1, minRelevance: 0.3, mode: .hybrid, rerank: false)
        let result = try await RetrievalEvaluation.evaluate(questions, collection: fixture.collectionID, retriever: retriever, settings: settings)
        #expect(result.questions == 3)
        #expect(abs(result.recallAt1 - 2.0 / 3) < 1e-12)
        #expect(abs(result.recallAt10 - 2.0 / 3) < 1e-12)
        #expect(abs(result.mrr - 2.0 / 3) < 1e-12)
    }
}
