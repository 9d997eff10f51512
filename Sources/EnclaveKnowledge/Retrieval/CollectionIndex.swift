// Enclave knowledge: one collection's vectors, kept in step with the store.

public import EnclaveCore

/// The searchable vectors of one collection, synchronised with a ``KnowledgeStore`` through
/// ``KnowledgeStore/vectorChanges(inCollection:after:)``: each search first asks for what changed after
/// its cursor (one cheap query when nothing did), so documents the CLI ingests while the server runs are
/// found at once.
///
/// Below ``Configuration/approximateThreshold`` vectors an ``ExactVectorIndex`` answers. When a collection
/// reaches it, an ``HNSWIndex`` is built from a snapshot on a background task while the exact index keeps
/// serving; changes made meanwhile are replayed onto the graph before it takes over. The graph is rebuilt
/// the same way once more than ``Configuration/rebuildTombstoneFraction`` of its nodes are tombstones.
public actor CollectionIndex {
    /// When to switch to the graph and how to build it.
    public struct Configuration: Sendable, Hashable {
        /// Vectors from which the graph index serves (exact search reads every vector: 0.5 ms per
        /// query at 10,000 vectors of 384 floats, 7 ms at 100,000, where the graph takes 0.5 ms).
        public var approximateThreshold: Int
        /// The graph's parameters.
        public var graph: HNSWIndex.Configuration
        /// The share of tombstones that triggers a rebuild of the graph.
        public var rebuildTombstoneFraction: Double

        /// Creates a configuration (defaults: graph from 20,000 vectors, rebuilt at 20% tombstones).
        public init(approximateThreshold: Int = 20_000, graph: HNSWIndex.Configuration = .init(), rebuildTombstoneFraction: Double = 0.2) {
            self.approximateThreshold = approximateThreshold
            self.graph = graph
            self.rebuildTombstoneFraction = rebuildTombstoneFraction
        }
    }

    /// Which index answers searches.
    public enum Kind: String, Sendable, Hashable {
        /// The full scan.
        case exact
        /// The graph.
        case approximate
    }

    /// The collection.
    public let collectionID: String
    /// The width of its vectors.
    public let dimensions: Int
    private let store: any KnowledgeStore
    private let configuration: Configuration
    private var exact: ExactVectorIndex
    private var graph: HNSWIndex?
    private var cursor = KnowledgeCursor.start
    private var syncing: Task<Void, any Error>?
    private var build: Task<Void, Never>?
    /// Changes applied since the building graph's snapshot: `nil` vector for a removal.
    private var replay: [(chunkID: Int64, vector: [Float]?)] = []

    /// Creates an empty index of `collectionID` over `store`; the first search loads it.
    public init(collectionID: String, dimensions: Int, store: any KnowledgeStore, configuration: Configuration = Configuration()) {
        self.collectionID = collectionID
        self.dimensions = dimensions
        self.store = store
        self.configuration = configuration
        exact = ExactVectorIndex(dimensions: dimensions)
    }

    /// Searchable vectors.
    public var count: Int { graph?.count ?? exact.count }

    /// The index answering searches now.
    public var kind: Kind { graph == nil ? .exact : .approximate }

    /// Applies what changed in the store since the last call; concurrent callers share one request.
    public func refresh() async throws {
        if let syncing {
            try await syncing.value
            return
        }
        let task = Task { try await self.pull() }
        syncing = task
        defer { syncing = nil }
        try await task.value
    }

    /// The `k` chunks most similar to `query` (refresh first).
    public func search(_ query: [Float], k: Int) -> [VectorMatch] {
        graph?.search(query, k: k) ?? exact.search(query, k: k)
    }

    /// The cosine of `query` with each of `chunkIDs` this collection holds.
    public func cosines(of query: [Float], chunkIDs: [Int64]) -> [Int64: Float] {
        var result: [Int64: Float] = [:]
        for id in chunkIDs {
            guard let vector = graph?.vector(for: id) ?? exact.vector(for: id) else { continue }
            result[id] = zip(vector, query).reduce(0) { $0 + $1.0 * $1.1 }
        }
        return result
    }

    /// Waits for a graph being built in the background, if any, to take over (tests and benchmarks).
    public func waitForBuild() async {
        await build?.value
    }

    private func pull() async throws {
        let changes = try await store.vectorChanges(inCollection: collectionID, after: cursor)
        for id in changes.removed { apply(id, nil) }
        for added in changes.added { apply(added.chunkID, added.vector) }
        cursor = changes.cursor
        maybeBuild()
    }

    private func apply(_ chunkID: Int64, _ vector: [Float]?) {
        if var current = graph {
            graph = nil  // keep the graph uniquely referenced so it mutates in place
            if let vector { current.add(chunkID, vector: vector) } else { current.remove(chunkID) }
            graph = current
        } else if let vector {
            exact.add(chunkID, vector: vector)
        } else {
            exact.remove(chunkID)
        }
        if build != nil { replay.append((chunkID, vector)) }
    }

    private func maybeBuild() {
        guard build == nil else { return }
        let snapshot: HNSWIndex.Snapshot
        if let graph {
            guard graph.tombstoneFraction > configuration.rebuildTombstoneFraction else { return }
            snapshot = .graph(graph)
        } else {
            guard exact.count >= configuration.approximateThreshold else { return }
            snapshot = .exact(exact)
        }
        let settings = configuration.graph
        replay = []
        build = Task {
            let built = await Task.detached(priority: .utility) { snapshot.build(settings) }.value
            self.install(built)
        }
    }

    private func install(_ built: HNSWIndex) {
        var graph = built
        for change in replay {
            if let vector = change.vector { graph.add(change.chunkID, vector: vector) } else { graph.remove(change.chunkID) }
        }
        replay = []
        self.graph = graph
        exact = ExactVectorIndex(dimensions: dimensions)  // the graph keeps the vectors
        build = nil
    }
}
