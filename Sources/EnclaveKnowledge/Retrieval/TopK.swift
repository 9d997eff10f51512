// Enclave knowledge: the best k of a stream of scores.

/// Keeps the `capacity` largest scores seen, in a binary min-heap whose root is the worst kept; ties keep
/// the smaller id so results do not depend on insertion order.
struct TopK {
    private(set) var heap: [(score: Float, id: Int64)] = []
    let capacity: Int

    init(capacity: Int) {
        self.capacity = capacity
        heap.reserveCapacity(capacity)
    }

    /// The worst kept score, or -infinity while there is room.
    var threshold: Float { heap.count < capacity ? -.infinity : heap[0].score }

    /// Whether `a` ranks below `b`.
    @inline(__always)
    private static func worse(_ a: (score: Float, id: Int64), _ b: (score: Float, id: Int64)) -> Bool {
        a.score < b.score || (a.score == b.score && a.id > b.id)
    }

    mutating func insert(_ score: Float, _ id: Int64) {
        guard capacity > 0 else { return }
        let item = (score, id)
        if heap.count < capacity {
            heap.append(item)
            var child = heap.count - 1
            while child > 0 {
                let parent = (child - 1) / 2
                guard Self.worse(heap[child], heap[parent]) else { break }
                heap.swapAt(child, parent)
                child = parent
            }
        } else if Self.worse(heap[0], item) {
            heap[0] = item
            var parent = 0
            while true {
                let left = 2 * parent + 1
                guard left < heap.count else { break }
                var worst = left
                if left + 1 < heap.count, Self.worse(heap[left + 1], heap[left]) { worst = left + 1 }
                guard Self.worse(heap[worst], heap[parent]) else { break }
                heap.swapAt(worst, parent)
                parent = worst
            }
        }
    }

    /// The kept items, best first.
    func sorted() -> [(score: Float, id: Int64)] {
        heap.sorted { Self.worse($1, $0) }
    }
}
