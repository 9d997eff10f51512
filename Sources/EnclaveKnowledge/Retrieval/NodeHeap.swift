// Enclave knowledge: the priority queues of the graph search.

/// A binary max-heap of graph nodes by score (push a negated score for a min-heap).
struct NodeHeap {
    private(set) var items: [(score: Float, node: Int32)] = []

    init(capacity: Int) { items.reserveCapacity(capacity) }

    var count: Int { items.count }
    var top: (score: Float, node: Int32)? { items.first }

    mutating func push(_ score: Float, _ node: Int32) {
        items.append((score, node))
        var child = items.count - 1
        while child > 0 {
            let parent = (child - 1) >> 1
            guard items[child].score > items[parent].score else { break }
            items.swapAt(child, parent)
            child = parent
        }
    }

    @discardableResult
    mutating func pop() -> (score: Float, node: Int32)? {
        guard let first = items.first else { return nil }
        let last = items.removeLast()
        guard !items.isEmpty else { return first }
        items[0] = last
        var parent = 0
        while true {
            let left = 2 * parent + 1
            guard left < items.count else { break }
            var best = left
            if left + 1 < items.count, items[left + 1].score > items[left].score { best = left + 1 }
            guard items[best].score > items[parent].score else { break }
            items.swapAt(best, parent)
            parent = best
        }
        return first
    }
}
