// Enclave knowledge: nearest neighbours among a collection's chunk embeddings.

/// A chunk and how close its embedding is to a query's.
public struct VectorMatch: Sendable, Hashable {
    /// The chunk's id.
    public var chunkID: Int64
    /// Cosine similarity with the query (the dot product: every vector is L2-normalised).
    public var cosine: Float

    /// Creates a match.
    public init(chunkID: Int64, cosine: Float) {
        self.chunkID = chunkID
        self.cosine = cosine
    }
}

/// Chunk embeddings searchable by similarity. Every vector is L2-normalised, so the dot product is the
/// cosine. ``ExactVectorIndex`` scans them all; ``HNSWIndex`` walks a graph and may miss a few.
///
/// ```swift
/// var index = ExactVectorIndex(dimensions: 384)
/// index.add(42, vector: embedding)
/// let best = index.search(query, k: 10)
/// ```
public protocol VectorIndex: Sendable {
    /// The width of every vector.
    var dimensions: Int { get }
    /// How many vectors are searchable.
    var count: Int { get }
    /// Adds (or replaces) the vector of `chunkID`; it has ``dimensions`` floats.
    mutating func add(_ chunkID: Int64, vector: [Float])
    /// Makes `chunkID` unsearchable; unknown ids are ignored.
    mutating func remove(_ chunkID: Int64)
    /// The `k` most similar chunks to `query` (L2-normalised), most similar first.
    func search(_ query: [Float], k: Int) -> [VectorMatch]
    /// The stored vector of `chunkID`, if it is searchable.
    func vector(for chunkID: Int64) -> [Float]?
}
