// Enclave: the KV block allocator: reference counts, prefix registration, LRU eviction.

import EnclaveEngine
import Testing

@Suite struct KVBlockAllocatorTests {
    @Test func allocatesUntilFullThenRefuses() {
        var a = KVBlockAllocator(blockSize: 16, blockCount: 3)
        let blocks = (0..<3).compactMap { _ in a.allocate() }
        #expect(Set(blocks).count == 3)
        let none = a.allocate()
        #expect(none == nil)
        #expect(a.availableBlocks == 0)
        a.release(blocks[1])
        #expect(a.availableBlocks == 1)
        let reused = a.allocate()
        #expect(reused == blocks[1])
    }

    @Test func registeredBlocksSurviveTheirLastUserAndAreReused() {
        var a = KVBlockAllocator(blockSize: 4, blockCount: 4)
        let h1 = KVBlockAllocator.chainHash(parent: 0, tokens: [1, 2, 3, 4])
        let h2 = KVBlockAllocator.chainHash(parent: h1, tokens: [5, 6, 7, 8])
        let b1 = a.allocate()!
        let b2 = a.allocate()!
        let r1 = a.register(b1, hash: h1)
        let r2 = a.register(b2, hash: h2)
        #expect(r1 && r2)
        a.release(b1)
        a.release(b2)
        #expect(a.cachedIdleBlocks == 2)
        #expect(a.availableBlocks == 4)
        let got1 = a.acquireCached(hash: h1)
        let got2 = a.acquireCached(hash: h2)
        #expect(got1 == b1 && got2 == b2)
        #expect(a.cachedIdleBlocks == 0)
        #expect(a.prefixHits == 2)
        // A second user shares the block.
        let again = a.acquireCached(hash: h1)
        #expect(again == b1)
        a.release(b1)
        #expect(a.cachedIdleBlocks == 0)
        a.release(b1)
        #expect(a.cachedIdleBlocks == 1)
    }

    @Test func evictsLeastRecentlyUsedCachedBlockFirst() {
        var a = KVBlockAllocator(blockSize: 4, blockCount: 3)
        var hashes: [UInt64] = []
        var blocks: [Int32] = []
        for i in 0..<3 {
            let b = a.allocate()!
            let h = KVBlockAllocator.chainHash(parent: 0, tokens: [Int32(i)])
            a.register(b, hash: h)
            blocks.append(b)
            hashes.append(h)
        }
        // Release in order 1, 0, 2: block 1 is the oldest idle one.
        a.release(blocks[1])
        a.release(blocks[0])
        a.release(blocks[2])
        let fresh = a.allocate()
        #expect(fresh == blocks[1])
        #expect(a.evictions == 1)
        #expect(!a.isCached(hash: hashes[1]))
        #expect(a.isCached(hash: hashes[0]) && a.isCached(hash: hashes[2]))
        // Touching block 0 makes block 2 the next victim.
        let touched = a.acquireCached(hash: hashes[0])
        #expect(touched == blocks[0])
        a.release(blocks[0])
        let next = a.allocate()
        #expect(next == blocks[2])
    }

    @Test func duplicateRegistrationKeepsTheFirstBlock() {
        var a = KVBlockAllocator(blockSize: 4, blockCount: 2)
        let h = KVBlockAllocator.chainHash(parent: 0, tokens: [9, 9, 9, 9])
        let b1 = a.allocate()!
        let b2 = a.allocate()!
        let first = a.register(b1, hash: h)
        let second = a.register(b2, hash: h)
        #expect(first && !second)
        a.release(b2)
        #expect(a.cachedIdleBlocks == 0)  // b2 was never cached: it went back to the free list
        #expect(a.availableBlocks == 1)
    }

    @Test func chainHashDependsOnParentAndTokens() {
        let a = KVBlockAllocator.chainHash(parent: 0, tokens: [1, 2, 3])
        #expect(a != KVBlockAllocator.chainHash(parent: 0, tokens: [1, 2, 4]))
        #expect(a != KVBlockAllocator.chainHash(parent: 5, tokens: [1, 2, 3]))
        #expect(a == KVBlockAllocator.chainHash(parent: 0, tokens: [1, 2, 3]))
        #expect(a != 0)
    }
}
