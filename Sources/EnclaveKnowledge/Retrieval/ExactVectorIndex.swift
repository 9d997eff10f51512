// Enclave knowledge: exact nearest neighbours by a full scan.

/// Every vector in one contiguous Float32 buffer, searched by a full scan of SIMD dot products with a
/// top-k heap: exact, and fast while a collection is small (0.5 ms per query at 10,000 vectors of 384
/// floats on one core, 7 ms at 100,000; see docs/performance.md). Removal moves the last vector into the hole.
public struct ExactVectorIndex: VectorIndex {
    public let dimensions: Int
    private var storage: [Float] = []
    private var ids: [Int64] = []
    private var positions: [Int64: Int] = [:]

    /// Creates an empty index of `dimensions`-wide vectors.
    public init(dimensions: Int) {
        precondition(dimensions > 0, "vectors have at least one dimension")
        self.dimensions = dimensions
    }

    public var count: Int { ids.count }

    /// Every chunk id, in storage order.
    public var chunkIDs: [Int64] { ids }

    public mutating func add(_ chunkID: Int64, vector: [Float]) {
        precondition(vector.count == dimensions, "a vector of \(vector.count) floats in an index of \(dimensions)")
        if let position = positions[chunkID] {
            storage.replaceSubrange(position * dimensions..<(position + 1) * dimensions, with: vector)
            return
        }
        positions[chunkID] = ids.count
        ids.append(chunkID)
        storage.append(contentsOf: vector)
    }

    public mutating func remove(_ chunkID: Int64) {
        guard let position = positions.removeValue(forKey: chunkID) else { return }
        let last = ids.count - 1
        if position != last {
            let moved = ids[last]
            ids[position] = moved
            positions[moved] = position
            for d in 0..<dimensions { storage[position * dimensions + d] = storage[last * dimensions + d] }
        }
        ids.removeLast()
        storage.removeLast(dimensions)
    }

    public func search(_ query: [Float], k: Int) -> [VectorMatch] {
        precondition(query.count == dimensions, "a query of \(query.count) floats in an index of \(dimensions)")
        guard k > 0, !ids.isEmpty else { return [] }
        var top = TopK(capacity: min(k, ids.count))
        let dimensions = self.dimensions
        storage.withUnsafeBufferPointer { rows in
            query.withUnsafeBufferPointer { q in
                guard let base = rows.baseAddress, let q = q.baseAddress else { return }
                for row in 0..<ids.count {
                    let score = VectorMath.dot(base + row &* dimensions, q, count: dimensions)
                    if score >= top.threshold { top.insert(score, ids[row]) }
                }
            }
        }
        return top.sorted().map { VectorMatch(chunkID: $0.id, cosine: $0.score) }
    }

    public func vector(for chunkID: Int64) -> [Float]? {
        guard let position = positions[chunkID] else { return nil }
        return Array(storage[position * dimensions..<(position + 1) * dimensions])
    }
}
