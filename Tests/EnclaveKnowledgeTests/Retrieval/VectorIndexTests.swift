// Enclave knowledge tests: the exact and graph vector indexes.

import EnclaveKnowledge
import Testing

@Suite("Vector indexes")
struct VectorIndexTests {
    @Test("The exact index returns the true top k, best first, ties by smaller id")
    func exactTopK() {
        var generator = ClusteredVectors(dimensions: 40, clusters: 4, seed: 7)
        var index = ExactVectorIndex(dimensions: 40)
        var stored: [(Int64, [Float])] = []
        for id in 1...500 {
            let v = generator.vector()
            stored.append((Int64(id), v))
            index.add(Int64(id), vector: v)
        }
        let query = generator.vector()
        let expected = stored.map { ($0.0, zip($0.1, query).map(*).reduce(0, +)) }.sorted { $0.1 > $1.1 }.prefix(10).map(\.0)
        let found = index.search(query, k: 10)
        #expect(found.map(\.chunkID) == Array(expected))
        #expect(zip(found, found.dropFirst()).allSatisfy { $0.cosine >= $1.cosine })
        #expect(index.search(query, k: 1000).count == 500)
        #expect(index.search(query, k: 0).isEmpty)

        var ties = ExactVectorIndex(dimensions: 2)
        for id in [5, 3, 9] as [Int64] { ties.add(id, vector: [1, 0]) }
        #expect(ties.search([1, 0], k: 2).map(\.chunkID) == [3, 5])
    }

    @Test("Removal from the exact index moves the last vector into the hole and keeps the rest")
    func exactRemoval() {
        var index = ExactVectorIndex(dimensions: 3)
        index.add(1, vector: [1, 0, 0])
        index.add(2, vector: [0, 1, 0])
        index.add(3, vector: [0, 0, 1])
        index.remove(1)
        index.remove(42)
        #expect(index.count == 2)
        #expect(index.vector(for: 1) == nil)
        #expect(index.vector(for: 3) == [0, 0, 1])
        #expect(index.search([1, 0, 0], k: 5).map(\.chunkID).sorted() == [2, 3])
        #expect(index.search([0, 0, 1], k: 1).map(\.chunkID) == [3])
        index.add(2, vector: [0, 0, 1])
        #expect(index.count == 2)
        #expect(index.vector(for: 2) == [0, 0, 1])
    }

    @Test("The graph index recalls at least 95% of the exact top 10 on 5,000 clustered vectors")
    func hnswRecall() {
        var generator = ClusteredVectors(dimensions: 48, clusters: 20, seed: 2026)
        var exact = ExactVectorIndex(dimensions: 48)
        var graph = HNSWIndex(dimensions: 48, configuration: .init(m: 16, efConstruction: 100, efSearch: 64))
        for id in 1...5000 {
            let v = generator.vector()
            exact.add(Int64(id), vector: v)
            graph.add(Int64(id), vector: v)
        }
        #expect(graph.count == 5000)
        let queries = (0..<100).map { _ in generator.vector() }
        let recall = Self.recall(graph, against: exact, queries: queries)
        #expect(recall >= 0.95, "recall@10 \(recall)")
    }

    @Test("The graph index never returns a removed chunk, and a rebuild drops its tombstones")
    func hnswRemoval() {
        var generator = ClusteredVectors(dimensions: 24, clusters: 5, seed: 11)
        var graph = HNSWIndex(dimensions: 24)
        var exact = ExactVectorIndex(dimensions: 24)
        for id in 1...1000 {
            let v = generator.vector()
            graph.add(Int64(id), vector: v)
            exact.add(Int64(id), vector: v)
        }
        for id in stride(from: 1, through: 1000, by: 2) {
            graph.remove(Int64(id))
            exact.remove(Int64(id))
        }
        #expect(graph.count == 500)
        #expect(graph.tombstoneFraction == 0.5)
        #expect(graph.vector(for: 1) == nil)
        #expect(graph.vector(for: 2) != nil)
        let queries = (0..<50).map { _ in generator.vector() }
        for query in queries {
            let found = graph.search(query, k: 10)
            #expect(found.count == 10)
            #expect(found.allSatisfy { $0.chunkID % 2 == 0 })
        }
        #expect(Self.recall(graph, against: exact, queries: queries) >= 0.95)
        let fresh = graph.rebuilt()
        #expect(fresh.count == 500)
        #expect(fresh.tombstoneFraction == 0)
        #expect(Self.recall(fresh, against: exact, queries: queries) >= 0.95)
    }

    @Test("The same vectors in the same order build the same graph")
    func hnswDeterministic() {
        var a = HNSWIndex(dimensions: 16)
        var b = HNSWIndex(dimensions: 16)
        var generator = ClusteredVectors(dimensions: 16, clusters: 3, seed: 5)
        for id in 1...300 {
            let v = generator.vector()
            a.add(Int64(id), vector: v)
            b.add(Int64(id), vector: v)
        }
        let query = generator.vector()
        #expect(a.levels == b.levels)
        #expect(a.baseLinks == b.baseLinks)
        #expect(a.search(query, k: 10) == b.search(query, k: 10))
    }

    static func recall(_ graph: HNSWIndex, against exact: ExactVectorIndex, queries: [[Float]], k: Int = 10) -> Double {
        var hits = 0
        for query in queries {
            let truth = Set(exact.search(query, k: k).map(\.chunkID))
            hits += graph.search(query, k: k).filter { truth.contains($0.chunkID) }.count
        }
        return Double(hits) / Double(queries.count * k)
    }
}
