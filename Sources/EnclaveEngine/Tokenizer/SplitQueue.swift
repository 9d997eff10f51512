// Enclave: the priority queue of special-token occurrences used by the splitter.

/// An occurrence of a special token in the text being split.
struct SplitCandidate {
    var length: Int32
    var id: Int32
    var start: Int32

    /// llama.cpp's order: longer text first, then lower id, then leftmost.
    @inline(__always)
    func precedes(_ other: SplitCandidate) -> Bool {
        if length != other.length { return length > other.length }
        if id != other.id { return id < other.id }
        return start < other.start
    }
}

/// A binary heap of ``SplitCandidate`` popping the one that precedes all others.
struct SplitQueue {
    private var heap: [SplitCandidate] = []

    var isEmpty: Bool { heap.isEmpty }

    mutating func push(_ candidate: SplitCandidate) {
        heap.append(candidate)
        var child = heap.count - 1
        while child > 0 {
            let parent = (child - 1) / 2
            guard heap[child].precedes(heap[parent]) else { break }
            heap.swapAt(parent, child)
            child = parent
        }
    }

    mutating func pop() -> SplitCandidate? {
        guard let last = heap.popLast() else { return nil }
        guard !heap.isEmpty else { return last }
        let top = heap[0]
        heap[0] = last
        var parent = 0
        while true {
            let left = 2 * parent + 1
            guard left < heap.count else { break }
            let right = left + 1
            let first = right < heap.count && heap[right].precedes(heap[left]) ? right : left
            guard heap[first].precedes(heap[parent]) else { break }
            heap.swapAt(parent, first)
            parent = first
        }
        return top
    }
}
