// Enclave knowledge: linking a new node into the graph.

import Foundation

extension HNSWIndex {
    /// Appends a node for `chunkID` and links it on each of its layers.
    mutating func insert(_ chunkID: Int64, _ vector: [Float]) {
        let node = Int32(ids.count)
        let level = Int(-log(generator.unit()) * levelScale)
        ids.append(chunkID)
        vectors.append(contentsOf: vector)
        deleted.append(false)
        levels.append(level)
        baseLinks.append(contentsOf: repeatElement(0, count: maxBaseLinks))
        baseCounts.append(0)
        upperLinks.append(Array(repeating: [], count: level))
        nodeOf[chunkID] = node
        guard entry >= 0 else {
            entry = node
            maxLevel = level
            return
        }
        vector.withUnsafeBufferPointer { buffer in
            let q = buffer.baseAddress!
            var entries = [descend(q, from: entry, to: level)]
            for layer in stride(from: min(level, maxLevel), through: 0, by: -1) {
                let found = searchLayer(q, entries: entries, ef: configuration.efConstruction, level: layer)
                let chosen = selectNeighbours(found, count: configuration.m)
                setLinks(of: node, level: layer, to: chosen.map(\.node))
                for neighbour in chosen { link(neighbour.node, to: node, similarity: neighbour.score, level: layer) }
                entries = found
            }
        }
        if level > maxLevel {
            maxLevel = level
            entry = node
        }
    }

    /// The heuristic of the paper's algorithm 4: walking `candidates` from the most similar, keep one only
    /// if it is closer to the base than to every one kept, so links point in different directions (which
    /// keeps clusters connected); at most `count`.
    func selectNeighbours(_ candidates: [(score: Float, node: Int32)], count: Int) -> [(score: Float, node: Int32)] {
        guard candidates.count > count else { return candidates }
        var kept: [(score: Float, node: Int32)] = []
        kept.reserveCapacity(count)
        vectors.withUnsafeBufferPointer { all in
            let base = all.baseAddress!
            for candidate in candidates {
                let c = base + Int(candidate.node) * dimensions
                let diverse = kept.allSatisfy { VectorMath.dot(c, base + Int($0.node) * dimensions, count: dimensions) < candidate.score }
                if diverse { kept.append(candidate) }
                if kept.count == count { break }
            }
        }
        return kept
    }

    /// Adds the link `from` → `to` on `level`; when `from` has no room, its links are chosen again with the heuristic.
    mutating func link(_ from: Int32, to: Int32, similarity: Float, level: Int) {
        let capacity = level == 0 ? maxBaseLinks : configuration.m
        let current = Array(links(of: from, level: level))
        if current.count < capacity {
            setLinks(of: from, level: level, to: current + [to])
            return
        }
        let scored = vectors.withUnsafeBufferPointer { all in
            let base = all.baseAddress!
            let origin = base + Int(from) * dimensions
            return current.map { (score: VectorMath.dot(origin, base + Int($0) * dimensions, count: dimensions), node: $0) }
        }
        let candidates = (scored + [(score: similarity, node: to)]).sorted { $0.score > $1.score || ($0.score == $1.score && $0.node < $1.node) }
        setLinks(of: from, level: level, to: selectNeighbours(candidates, count: capacity).map(\.node))
    }

    /// Replaces `node`'s links on `level`.
    mutating func setLinks(of node: Int32, level: Int, to nodes: [Int32]) {
        if level == 0 {
            let start = Int(node) * maxBaseLinks
            for (offset, neighbour) in nodes.enumerated() { baseLinks[start + offset] = neighbour }
            baseCounts[Int(node)] = Int32(nodes.count)
        } else {
            upperLinks[Int(node)][level - 1] = nodes
        }
    }
}
