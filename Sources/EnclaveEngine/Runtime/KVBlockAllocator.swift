// Enclave: block bookkeeping for the paged KV cache, with prefix caching.

/// Hands out fixed-size KV blocks, counts their users, and remembers full blocks by the tokens
/// they hold (and everything before them) so that sequences sharing a prefix reuse them.
///
/// A full block can be *registered* under the hash of its token chain. When its last user releases
/// it, a registered block is not freed but parked in a least-recently-used list; a later sequence
/// with the same prefix takes it back from there, and allocation evicts the oldest parked block
/// only when no free block is left. A pure value type: the runner owns one and mutates it on its thread.
public struct KVBlockAllocator: Sendable {
    /// Tokens per block.
    public let blockSize: Int
    /// Blocks in all.
    public let blockCount: Int

    private var refCount: [Int32]
    private var freeList: [Int32]
    /// Chain hash of each registered block (0: not registered).
    private var blockHash: [UInt64]
    private var byHash: [UInt64: Int32] = [:]
    // LRU list of registered blocks nobody uses (head = oldest).
    private var lruPrev: [Int32]
    private var lruNext: [Int32]
    private var lruHead: Int32 = -1
    private var lruTail: Int32 = -1
    private var lruCount = 0

    /// Statistics for metrics and benchmarks.
    public private(set) var prefixHits = 0
    public private(set) var evictions = 0

    public init(blockSize: Int, blockCount: Int) {
        precondition(blockSize > 0 && blockCount > 0)
        self.blockSize = blockSize
        self.blockCount = blockCount
        refCount = [Int32](repeating: 0, count: blockCount)
        freeList = (0..<Int32(blockCount)).reversed()
        blockHash = [UInt64](repeating: 0, count: blockCount)
        lruPrev = [Int32](repeating: -1, count: blockCount)
        lruNext = [Int32](repeating: -1, count: blockCount)
    }

    /// Blocks that can be handed out now (free plus evictable cached ones).
    public var availableBlocks: Int { freeList.count + lruCount }
    /// Blocks held by at least one sequence.
    public var usedBlocks: Int { blockCount - availableBlocks }
    /// Registered blocks nobody uses (kept for prefix reuse).
    public var cachedIdleBlocks: Int { lruCount }

    /// Takes a block, evicting the least recently used cached block if no free block is left.
    public mutating func allocate() -> Int32? {
        if let block = freeList.popLast() {
            refCount[Int(block)] = 1
            return block
        }
        guard lruHead >= 0 else { return nil }
        let block = lruHead
        lruRemove(block)
        byHash.removeValue(forKey: blockHash[Int(block)])
        blockHash[Int(block)] = 0
        evictions += 1
        refCount[Int(block)] = 1
        return block
    }

    /// Adds a user to a block already held.
    public mutating func retain(_ block: Int32) {
        refCount[Int(block)] += 1
    }

    /// Drops one user of `block`; the last release frees it or parks it in the prefix cache.
    public mutating func release(_ block: Int32) {
        let b = Int(block)
        precondition(refCount[b] > 0, "KV block \(block) released too often")
        refCount[b] -= 1
        guard refCount[b] == 0 else { return }
        if blockHash[b] != 0 {
            lruAppend(block)
        } else {
            freeList.append(block)
        }
    }

    /// Records that `block` (full) holds the token chain whose hash is `hash`, unless another block
    /// already does. Returns whether it was registered.
    @discardableResult
    public mutating func register(_ block: Int32, hash: UInt64) -> Bool {
        guard hash != 0, byHash[hash] == nil, blockHash[Int(block)] == 0 else { return false }
        byHash[hash] = block
        blockHash[Int(block)] = hash
        return true
    }

    /// The cached block for a token chain hash, taken for one more user; nil if not cached.
    public mutating func acquireCached(hash: UInt64) -> Int32? {
        guard let block = byHash[hash] else { return nil }
        if refCount[Int(block)] == 0 { lruRemove(block) }
        refCount[Int(block)] += 1
        prefixHits += 1
        return block
    }

    /// Whether a chain hash is cached (without taking it).
    public func isCached(hash: UInt64) -> Bool { byHash[hash] != nil }

    /// The chain hash of a block holding `tokens` after the chain `parent` (0 for the first block).
    public static func chainHash(parent: UInt64, tokens: some Collection<Int32>) -> UInt64 {
        // FNV-1a over the parent hash and the token ids, finished with a 64-bit mixer (splitmix64).
        var h: UInt64 = 0xcbf2_9ce4_8422_2325 ^ parent
        h = h &* 0x100_0000_01b3
        for t in tokens {
            h ^= UInt64(UInt32(bitPattern: t))
            h = h &* 0x100_0000_01b3
        }
        h ^= h >> 30
        h = h &* 0xbf58_476d_1ce4_e5b9
        h ^= h >> 27
        h = h &* 0x94d0_49bb_1331_11eb
        h ^= h >> 31
        return h == 0 ? 1 : h
    }

    private mutating func lruAppend(_ block: Int32) {
        let b = Int(block)
        lruPrev[b] = lruTail
        lruNext[b] = -1
        if lruTail >= 0 { lruNext[Int(lruTail)] = block } else { lruHead = block }
        lruTail = block
        lruCount += 1
    }

    private mutating func lruRemove(_ block: Int32) {
        let b = Int(block)
        let p = lruPrev[b]
        let n = lruNext[b]
        if p >= 0 { lruNext[Int(p)] = n } else { lruHead = n }
        if n >= 0 { lruPrev[Int(n)] = p } else { lruTail = p }
        lruPrev[b] = -1
        lruNext[b] = -1
        lruCount -= 1
    }
}
