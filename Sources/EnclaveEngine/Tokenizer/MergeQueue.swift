// Enclave: the priority queue of candidate merges used by both BPE algorithms.

/// A candidate merge of two adjacent symbols. `priority` orders the queue (smallest first): for BPE it
/// packs the merge rank and the left position, for SentencePiece the negated score and the left position,
/// so ties always go to the leftmost pair as in llama.cpp.
struct MergeCandidate {
    var priority: UInt64
    var left: Int32
    var right: Int32
    /// What the pair must still look like for the candidate to be current (ids for BPE, byte length for SPM).
    var checkLeft: Int32
    var checkRight: Int32
    /// The token the merge produces.
    var result: Int32
}

/// A binary min-heap of ``MergeCandidate`` by `priority`.
struct MergeQueue {
    private var heap: [MergeCandidate] = []

    var isEmpty: Bool { heap.isEmpty }

    mutating func removeAll() { heap.removeAll(keepingCapacity: true) }

    mutating func push(_ candidate: MergeCandidate) {
        heap.append(candidate)
        var child = heap.count - 1
        while child > 0 {
            let parent = (child - 1) / 2
            if heap[parent].priority <= heap[child].priority { break }
            heap.swapAt(parent, child)
            child = parent
        }
    }

    mutating func pop() -> MergeCandidate? {
        guard let last = heap.popLast() else { return nil }
        guard !heap.isEmpty else { return last }
        let top = heap[0]
        heap[0] = last
        var parent = 0
        let count = heap.count
        while true {
            let left = 2 * parent + 1
            if left >= count { break }
            let right = left + 1
            let smallest = right < count && heap[right].priority < heap[left].priority ? right : left
            if heap[parent].priority <= heap[smallest].priority { break }
            heap.swapAt(parent, smallest)
            parent = smallest
        }
        return top
    }

    /// The BPE priority: lower rank first, then leftmost.
    @inline(__always)
    static func priority(rank: Int32, left: Int32) -> UInt64 {
        UInt64(UInt32(bitPattern: rank)) << 32 | UInt64(UInt32(bitPattern: left))
    }

    /// The SentencePiece priority: higher score first, then leftmost.
    @inline(__always)
    static func priority(score: Float, left: Int32) -> UInt64 {
        // Map the float to an unsigned key that sorts in the same order, then invert it.
        let bits = score.bitPattern
        let ordered = bits & 0x8000_0000 != 0 ? ~bits : bits | 0x8000_0000
        return UInt64(~ordered) << 32 | UInt64(UInt32(bitPattern: left))
    }
}
