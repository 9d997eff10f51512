// Enclave: BPE merge ranks keyed by the pair of token ids.

/// The BPE merges of a vocabulary: for an adjacent pair of tokens (left id, right id), the merge's rank
/// (its line in `tokenizer.ggml.merges`, lower merges first) and the token it produces.
/// Open addressing over packed 64-bit keys, so the hot path does no string work.
struct MergeTable: Sendable {
    private let keys: [UInt64]
    private let values: [UInt64]
    private let mask: Int
    /// The number of merges stored.
    let count: Int

    private static let empty = UInt64.max

    /// - Parameter merges: (left, right, result) in rank order; later duplicates of a pair are ignored.
    init(merges: [(left: Int32, right: Int32, result: Int32)]) {
        var capacity = 16
        while capacity < merges.count * 2 { capacity <<= 1 }
        var keys = [UInt64](repeating: Self.empty, count: capacity)
        var values = [UInt64](repeating: 0, count: capacity)
        let mask = capacity - 1
        var count = 0
        for (rank, merge) in merges.enumerated() {
            let key = Self.key(merge.left, merge.right)
            var slot = Self.slot(key, mask)
            while keys[slot] != Self.empty && keys[slot] != key { slot = (slot + 1) & mask }
            if keys[slot] == key { continue }
            keys[slot] = key
            values[slot] = UInt64(UInt32(rank)) << 32 | UInt64(UInt32(bitPattern: merge.result))
            count += 1
        }
        self.keys = keys
        self.values = values
        self.mask = mask
        self.count = count
    }

    /// The rank and result of merging `left` with `right`, or nil if they do not merge.
    @inline(__always)
    func lookup(_ left: Int32, _ right: Int32) -> (rank: Int32, result: Int32)? {
        guard left >= 0, right >= 0 else { return nil }
        let key = Self.key(left, right)
        var slot = Self.slot(key, mask)
        return keys.withUnsafeBufferPointer { keys in
            while true {
                let k = keys[slot]
                if k == key {
                    let v = values[slot]
                    return (Int32(truncatingIfNeeded: v >> 32), Int32(truncatingIfNeeded: v))
                }
                if k == Self.empty { return nil }
                slot = (slot + 1) & mask
            }
        }
    }

    @inline(__always)
    private static func key(_ left: Int32, _ right: Int32) -> UInt64 {
        UInt64(UInt32(bitPattern: left)) << 32 | UInt64(UInt32(bitPattern: right))
    }

    @inline(__always)
    private static func slot(_ key: UInt64, _ mask: Int) -> Int {
        Int(truncatingIfNeeded: (key &* 0x9E37_79B9_7F4A_7C15) >> 32) & mask
    }
}
