// Enclave: cuts control and user-defined tokens out of text before the model's tokenizer runs.

/// Splits text into literal special tokens and plain-text fragments, exactly as llama.cpp does.
///
/// llama.cpp takes the special tokens longest text first and, for each one, cuts every occurrence out
/// of the fragments that are still plain text, scanning left to right. This type gives the same result
/// without one pass per token: it finds occurrences with a byte trie and accepts them in that priority
/// order (longer text first, then lower id, then leftmost), skipping any that overlap an accepted one.
///
/// User-defined tokens are always eligible; control and unknown tokens only when `parseSpecial` is on.
struct SpecialTokenSplitter: Sendable {
    /// A piece of the split text: a byte range of plain text, or a special token.
    enum Fragment: Equatable, Sendable {
        case text(Range<Int>)
        case token(Int32)
    }

    private let rootChildren: [Int32]
    private let children: [Int: Int32]
    /// Per trie node: the token ending there that is matched without special parsing, or -1.
    private let alwaysMatch: [Int32]
    /// Per trie node: the token ending there that is matched with special parsing, or -1.
    private let specialMatch: [Int32]
    private let hasAlwaysTokens: Bool
    private let hasSpecialTokens: Bool

    /// Builds the trie over every control, user-defined and unknown token with a non-empty text.
    init(table: ByteStringTable, attributes: [TokenAttributes]) {
        var rootChildren = [Int32](repeating: -1, count: 256)
        var children = [Int: Int32]()
        var alwaysMatch: [Int32] = [-1]
        var specialMatch: [Int32] = [-1]
        var hasAlways = false
        var hasSpecial = false
        table.bytes.withUnsafeBufferPointer { bytes in
            for id in attributes.indices where !attributes[id].isDisjoint(with: .special) {
                let start = Int(table.offsets[id])
                let end = Int(table.offsets[id + 1])
                guard end > start else { continue }
                var node: Int32 = 0
                for i in start..<end {
                    let byte = bytes[i]
                    let next: Int32? =
                        node == 0
                        ? (rootChildren[Int(byte)] >= 0 ? rootChildren[Int(byte)] : nil)
                        : children[Int(node) << 8 | Int(byte)]
                    if let next {
                        node = next
                    } else {
                        let created = Int32(alwaysMatch.count)
                        alwaysMatch.append(-1)
                        specialMatch.append(-1)
                        if node == 0 { rootChildren[Int(byte)] = created } else { children[Int(node) << 8 | Int(byte)] = created }
                        node = created
                    }
                }
                // Ids ascend, so the first token to claim a node has the lowest id.
                if specialMatch[Int(node)] < 0 { specialMatch[Int(node)] = Int32(id) }
                hasSpecial = true
                if attributes[id].isDisjoint(with: .hidden) {
                    if alwaysMatch[Int(node)] < 0 { alwaysMatch[Int(node)] = Int32(id) }
                    hasAlways = true
                }
            }
        }
        self.rootChildren = rootChildren
        self.children = children
        self.alwaysMatch = alwaysMatch
        self.specialMatch = specialMatch
        self.hasAlwaysTokens = hasAlways
        self.hasSpecialTokens = hasSpecial
    }

    /// Splits `text` into plain-text ranges and special tokens, in order. Empty text gives no fragments.
    ///
    /// Occurrences are taken in llama.cpp's priority order (longer text, then lower id, then leftmost) from a
    /// heap that holds at most one candidate per start position: the longest match there that could still
    /// fit. When a candidate overlaps an accepted token, its position is retried with the longest match that
    /// ends before the first covered byte (or dropped if the position itself is covered). Every skipped
    /// length would overlap the same byte later too, so the result is the same as trying them all, but the
    /// work stays near-linear even for long runs of overlapping tokens (e.g. Gemma's space runs).
    func split(_ text: UnsafeBufferPointer<UInt8>, parseSpecial: Bool) -> [Fragment] {
        let n = text.count
        guard n > 0 else { return [] }
        guard parseSpecial ? hasSpecialTokens : hasAlwaysTokens else { return [.text(0..<n)] }
        let match = parseSpecial ? specialMatch : alwaysMatch

        /// The longest eligible token starting at `start` whose text is at most `limit` bytes long.
        func longestMatch(at start: Int, limit: Int) -> SplitCandidate? {
            var node = rootChildren[Int(text[start])]
            var length = 1
            var best: SplitCandidate?
            while node >= 0 {
                let id = match[Int(node)]
                if id >= 0 { best = SplitCandidate(length: Int32(length), id: id, start: Int32(start)) }
                guard length < limit, start + length < n, let next = children[Int(node) << 8 | Int(text[start + length])] else { break }
                node = next
                length += 1
            }
            return best
        }

        var queue = SplitQueue()
        for start in 0..<n {
            if let candidate = longestMatch(at: start, limit: n - start) { queue.push(candidate) }
        }
        guard !queue.isEmpty else { return [.text(0..<n)] }

        var covered = [Bool](repeating: false, count: n)
        var accepted = [SplitCandidate]()
        while let candidate = queue.pop() {
            let start = Int(candidate.start)
            let end = start + Int(candidate.length)
            if covered[start] { continue }
            var firstCovered = start + 1
            while firstCovered < end && !covered[firstCovered] { firstCovered += 1 }
            if firstCovered == end {
                for i in start..<end { covered[i] = true }
                accepted.append(candidate)
            } else if let shorter = longestMatch(at: start, limit: firstCovered - start) {
                queue.push(shorter)
            }
        }
        accepted.sort { $0.start < $1.start }

        var fragments = [Fragment]()
        fragments.reserveCapacity(accepted.count * 2 + 1)
        var position = 0
        for token in accepted {
            let start = Int(token.start)
            if start > position { fragments.append(.text(position..<start)) }
            fragments.append(.token(token.id))
            position = start + Int(token.length)
        }
        if position < n { fragments.append(.text(position..<n)) }
        return fragments
    }
}
