// Enclave knowledge: walking the graph.

extension HNSWIndex {
    public func search(_ query: [Float], k: Int) -> [VectorMatch] {
        precondition(query.count == dimensions, "a query of \(query.count) floats in an index of \(dimensions)")
        guard k > 0, entry >= 0, count > 0 else { return [] }
        return query.withUnsafeBufferPointer { buffer in
            let q = buffer.baseAddress!
            let start = descend(q, from: entry, to: 0)
            // Tombstones take room among the candidates: widen the search by their share.
            let ef = Int(Double(max(configuration.efSearch, k)) / max(1 - tombstoneFraction, 0.05))
            let found = searchLayer(q, entries: [start], ef: ef, level: 0)
            var matches: [VectorMatch] = []
            matches.reserveCapacity(k)
            for candidate in found where !deleted[Int(candidate.node)] {
                matches.append(VectorMatch(chunkID: ids[Int(candidate.node)], cosine: candidate.score))
                if matches.count == k { break }
            }
            return matches
        }
    }

    /// The similarity of the query at `q` and `node`'s vector.
    @inline(__always)
    func similarity(_ q: UnsafePointer<Float>, _ node: Int32) -> Float {
        vectors.withUnsafeBufferPointer { VectorMath.dot($0.baseAddress! + Int(node) &* dimensions, q, count: dimensions) }
    }

    /// `node`'s links on `level`.
    @inline(__always)
    func links(of node: Int32, level: Int) -> ArraySlice<Int32> {
        if level == 0 {
            let start = Int(node) * maxBaseLinks
            return baseLinks[start..<start + Int(baseCounts[Int(node)])]
        }
        return upperLinks[Int(node)][level - 1][...]
    }

    /// Greedy descent from `node` on ``maxLevel`` down to `level + 1`: the closest node found, with its similarity.
    func descend(_ q: UnsafePointer<Float>, from node: Int32, to level: Int) -> (score: Float, node: Int32) {
        var current = node
        var best = similarity(q, current)
        var layer = maxLevel
        while layer > level {
            var changed = true
            while changed {
                changed = false
                for neighbour in links(of: current, level: layer) {
                    let score = similarity(q, neighbour)
                    if score > best {
                        best = score
                        current = neighbour
                        changed = true
                    }
                }
            }
            layer -= 1
        }
        return (best, current)
    }

    /// The `ef` nodes of `level` closest to the query found from `entries`, most similar first.
    func searchLayer(_ q: UnsafePointer<Float>, entries: [(score: Float, node: Int32)], ef: Int, level: Int) -> [(score: Float, node: Int32)] {
        var visited = [UInt64](repeating: 0, count: (ids.count + 63) >> 6)
        var candidates = NodeHeap(capacity: ef * 2)
        var results = NodeHeap(capacity: ef + 1)
        for entry in entries {
            let node = Int(entry.node)
            guard visited[node >> 6] & (1 << UInt64(node & 63)) == 0 else { continue }
            visited[node >> 6] |= 1 << UInt64(node & 63)
            candidates.push(entry.score, entry.node)
            results.push(-entry.score, entry.node)
            if results.count > ef { results.pop() }
        }
        while let candidate = candidates.pop() {
            if results.count >= ef, let worst = results.top, candidate.score < -worst.score { break }
            for neighbour in links(of: candidate.node, level: level) {
                let node = Int(neighbour)
                let bit: UInt64 = 1 << UInt64(node & 63)
                guard visited[node >> 6] & bit == 0 else { continue }
                visited[node >> 6] |= bit
                let score = similarity(q, neighbour)
                if results.count < ef || score > -(results.top?.score ?? .infinity) {
                    candidates.push(score, neighbour)
                    results.push(-score, neighbour)
                    if results.count > ef { results.pop() }
                }
            }
        }
        return results.items.map { (-$0.score, $0.node) }.sorted { $0.score > $1.score || ($0.score == $1.score && $0.node < $1.node) }
    }
}
