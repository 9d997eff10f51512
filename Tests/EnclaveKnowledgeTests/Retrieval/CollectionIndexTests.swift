// Enclave knowledge tests: one collection's index in step with the store, exact then graph.

import EnclaveCore
import EnclaveKnowledge
import EnclaveTesting
import Testing

@Suite("Collection index")
struct CollectionIndexTests {
    @Test("Past the threshold a graph takes over after its background build, changes made meanwhile included")
    func switchesToGraph() async throws {
        let fixture = try await KnowledgeFixture()
        let words = ["alpha", "beta", "gamma", "delta", "epsilon", "zeta", "eta", "theta", "iota", "kappa"]
        func passages(_ range: Range<Int>) -> [String] { range.map { "\(words[$0 % 10]) \(words[($0 / 10) % 10]) item\($0)" } }
        let configuration = CollectionIndex.Configuration(approximateThreshold: 40, graph: .init(m: 8, efConstruction: 40, efSearch: 40))
        let index = CollectionIndex(collectionID: fixture.collectionID, dimensions: 64, store: fixture.store, configuration: configuration)

        try await fixture.add("a.md", passages(0..<30))
        try await index.refresh()
        #expect(await index.kind == .exact)
        #expect(await index.count == 30)

        try await fixture.add("b.md", passages(30..<60))
        try await index.refresh()
        let late = try await fixture.add("c.md", passages(60..<70))
        try await index.refresh()  // while the graph builds: applied to the exact index, then replayed onto the graph
        await index.waitForBuild()
        #expect(await index.kind == .approximate)
        #expect(await index.count == 70)

        let query = try await fixture.embedder.vector("gamma delta item32")
        let exact = try await Self.exactTop(fixture: fixture, query: query)
        #expect(await index.search(query, k: 1).map(\.chunkID) == [exact])

        try await fixture.store.deleteDocument(id: late)
        try await index.refresh()
        #expect(await index.count == 60)
        let ids = Set(await index.search(query, k: 70).map(\.chunkID))
        #expect(ids.count == 60)
        #expect(await index.cosines(of: query, chunkIDs: [exact, 9999]).keys.sorted() == [exact])
    }

    /// The chunk id most similar to `query` by a scan of the store's vectors.
    static func exactTop(fixture: KnowledgeFixture, query: [Float]) async throws -> Int64 {
        let all = try await fixture.store.vectorChanges(inCollection: fixture.collectionID, after: .start).added
        func cosine(_ vector: [Float]) -> Float { zip(vector, query).map { $0 * $1 }.reduce(0, +) }
        return all.max { cosine($0.vector) < cosine($1.vector) }!.chunkID
    }
}
