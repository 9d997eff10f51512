// Enclave knowledge: merging ranked lists by reciprocal rank fusion.

/// Reciprocal rank fusion (Cormack, Clarke and Büttcher, 2009): an item's score is the sum over the lists
/// that contain it of `1 / (k + rank)`, rank from 1. It needs no score calibration between BM25 and cosine,
/// only ranks; `k` = 60 (the paper's value) keeps the first few ranks of one list from drowning the other.
///
/// ```swift
/// let fused = ReciprocalRankFusion().fuse([keywordIDs, vectorIDs])
/// ```
public struct ReciprocalRankFusion: Sendable, Hashable {
    /// The rank offset.
    public var k: Double

    /// Creates a fusion with offset `k` (60 by default).
    public init(k: Double = 60) {
        precondition(k >= 0, "the rank offset is not negative")
        self.k = k
    }

    /// The ids of `lists` (each best first, without repeats) with their fused scores, best first; ties
    /// go to the id that appears first in the earliest list.
    public func fuse(_ lists: [[Int64]]) -> [(id: Int64, score: Double)] {
        var scores: [Int64: Double] = [:]
        var firstSeen: [Int64: Int] = [:]
        for list in lists {
            var seenHere = Set<Int64>()
            for (offset, id) in list.enumerated() where seenHere.insert(id).inserted {
                scores[id, default: 0] += 1 / (k + Double(offset + 1))
                if firstSeen[id] == nil { firstSeen[id] = firstSeen.count }
            }
        }
        return scores.map { (id: $0.key, score: $0.value) }
            .sorted { $0.score > $1.score || ($0.score == $1.score && firstSeen[$0.id]! < firstSeen[$1.id]!) }
    }
}
