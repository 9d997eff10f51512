// Enclave knowledge: approximate nearest neighbours on a navigable small-world graph.

import Foundation

/// A hierarchical navigable small-world graph (Malkov and Yashunin, 2016) over L2-normalised vectors:
/// search walks from the top layer's entry point down to layer 0 and keeps the ``Configuration/efSearch``
/// best nodes seen, so it reads a few thousand vectors instead of all of them and may miss a few true
/// neighbours (recall@10 against ``ExactVectorIndex`` is measured by `enclave bench retrieval` and asserted
/// by the tests).
///
/// Levels come from a seeded generator, so the same vectors added in the same order give the same graph.
/// Removal leaves a tombstone: the node still routes searches but is never returned; ``tombstoneFraction``
/// tells the owner when to rebuild with ``rebuilt()``.
public struct HNSWIndex: VectorIndex {
    /// How the graph is built and searched.
    public struct Configuration: Sendable, Hashable {
        /// Links per node on upper layers (twice as many on layer 0).
        public var m: Int
        /// Candidates kept while linking a new node: larger builds slower and finds better links.
        public var efConstruction: Int
        /// Candidates kept while searching (at least `k`): larger is slower and recalls more.
        public var efSearch: Int
        /// The seed of the level generator.
        public var seed: UInt64

        /// Creates a configuration; the defaults give recall@10 above 0.95 on clustered 384-float vectors.
        public init(m: Int = 16, efConstruction: Int = 128, efSearch: Int = 96, seed: UInt64 = 0x5EED_1DE0) {
            precondition(m >= 2 && efConstruction >= 1 && efSearch >= 1, "m at least 2, ef at least 1")
            self.m = m
            self.efConstruction = efConstruction
            self.efSearch = efSearch
            self.seed = seed
        }
    }

    public let dimensions: Int
    /// How the graph is built and searched (``Configuration/efSearch`` may change at any time).
    public var configuration: Configuration

    var vectors: [Float] = []
    var ids: [Int64] = []
    var nodeOf: [Int64: Int32] = [:]
    var deleted: [Bool] = []
    var deletedCount = 0
    /// Each node's top layer (what the seeded level generator drew); public so tests can compare graphs.
    public internal(set) var levels: [Int] = []
    /// Layer-0 links: `maxBaseLinks` slots per node, the first `baseCounts[node]` used.
    public internal(set) var baseLinks: [Int32] = []
    var baseCounts: [Int32] = []
    /// Links on layers 1 and up: `upperLinks[node][level - 1]`.
    var upperLinks: [[[Int32]]] = []
    var entry: Int32 = -1
    var maxLevel = -1
    var generator: SeededGenerator
    let maxBaseLinks: Int
    let levelScale: Double

    /// Creates an empty graph of `dimensions`-wide vectors.
    public init(dimensions: Int, configuration: Configuration = Configuration()) {
        precondition(dimensions > 0, "vectors have at least one dimension")
        self.dimensions = dimensions
        self.configuration = configuration
        generator = SeededGenerator(seed: configuration.seed)
        maxBaseLinks = 2 * configuration.m
        levelScale = 1 / log(Double(configuration.m))
    }

    public var count: Int { ids.count - deletedCount }

    /// The share of nodes that are tombstones (0 when empty).
    public var tombstoneFraction: Double { ids.isEmpty ? 0 : Double(deletedCount) / Double(ids.count) }

    public mutating func add(_ chunkID: Int64, vector: [Float]) {
        precondition(vector.count == dimensions, "a vector of \(vector.count) floats in an index of \(dimensions)")
        remove(chunkID)
        insert(chunkID, vector)
    }

    public mutating func remove(_ chunkID: Int64) {
        guard let node = nodeOf.removeValue(forKey: chunkID) else { return }
        deleted[Int(node)] = true
        deletedCount += 1
    }

    public func vector(for chunkID: Int64) -> [Float]? {
        guard let node = nodeOf[chunkID] else { return nil }
        let start = Int(node) * dimensions
        return Array(vectors[start..<start + dimensions])
    }

    /// The same live vectors in a new graph without tombstones (same configuration and seed).
    public func rebuilt() -> HNSWIndex {
        var fresh = HNSWIndex(dimensions: dimensions, configuration: configuration)
        for node in ids.indices where !deleted[node] {
            let start = node * dimensions
            fresh.add(ids[node], vector: Array(vectors[start..<start + dimensions]))
        }
        return fresh
    }
}

extension HNSWIndex {
    /// What a graph is built from in the background.
    enum Snapshot: Sendable {
        case exact(ExactVectorIndex)
        case graph(HNSWIndex)

        func build(_ configuration: Configuration) -> HNSWIndex {
            switch self {
            case .graph(let graph):
                return graph.rebuilt()
            case .exact(let exact):
                var graph = HNSWIndex(dimensions: exact.dimensions, configuration: configuration)
                for id in exact.chunkIDs.sorted() { graph.add(id, vector: exact.vector(for: id)!) }
                return graph
            }
        }
    }
}
