// Enclave: paged key/value storage for attention.

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// The memory of the KV cache: `blockCount` blocks of `blockSize` positions, each holding the
/// post-RoPE keys and the values of every layer as IEEE half floats (as llama.cpp stores them).
///
/// Layout of one block: `[layer][key|value][kv head][position in block][head dim]`, so the keys of
/// one head in one block are contiguous. The memory is an anonymous mapping: pages are committed
/// as blocks are first written, so resident memory grows with use, up to the budget.
public final class KVCache: @unchecked Sendable {
    // Safety: the storage is written only by the runner thread (and the pool threads it drives
    // during a forward step, on disjoint blocks); the pointer itself never changes.
    public let blockSize: Int
    public let blockCount: Int
    public let layerCount: Int
    public let kvHeadCount: Int
    public let headDim: Int
    private let storage: UnsafeMutablePointer<UInt16>
    private let mappedBytes: Int
    private let headStride: Int
    private let layerStride: Int
    private let blockStride: Int

    /// Bytes one position takes across all layers (keys and values).
    public static func bytesPerPosition(_ c: ModelHyperparameters) -> Int {
        c.layerCount * 2 * c.kvLength * 2
    }

    /// Creates a cache of at most `budgetBytes`.
    /// - Throws: ``ModelError`` with code `outOfMemory` if the budget cannot hold one block or the mapping fails.
    public init(configuration c: ModelHyperparameters, budgetBytes: Int, blockSize: Int = 16) throws {
        self.blockSize = blockSize
        layerCount = c.layerCount
        kvHeadCount = c.kvHeadCount
        headDim = c.headDim
        headStride = blockSize * c.headDim
        layerStride = 2 * c.kvHeadCount * headStride
        blockStride = c.layerCount * layerStride
        let blockBytes = blockStride * 2
        blockCount = budgetBytes / blockBytes
        guard blockCount >= 1 else {
            throw ModelError(
                .outOfMemory,
                "the KV budget of \(budgetBytes) bytes cannot hold one block of \(blockSize) positions (\(blockBytes) bytes)"
            )
        }
        mappedBytes = blockCount * blockBytes
        let p = mmap(nil, mappedBytes, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0)
        guard let p, p != MAP_FAILED else {
            throw ModelError(.outOfMemory, "cannot reserve \(mappedBytes) bytes for the KV cache")
        }
        storage = p.assumingMemoryBound(to: UInt16.self)
    }

    deinit {
        munmap(storage, mappedBytes)
    }

    /// Positions the whole cache can hold.
    public var capacity: Int { blockCount * blockSize }

    /// Keys of `head` in `block` for `layer`: `blockSize` rows of `headDim` halves.
    @inline(__always)
    public func keys(block: Int32, layer: Int, head: Int) -> UnsafeMutablePointer<UInt16> {
        storage + Int(block) * blockStride + layer * layerStride + head * headStride
    }

    /// Values of `head` in `block` for `layer`.
    @inline(__always)
    public func values(block: Int32, layer: Int, head: Int) -> UnsafeMutablePointer<UInt16> {
        storage + Int(block) * blockStride + layer * layerStride + (kvHeadCount + head) * headStride
    }

    /// Copies one whole block (every layer) onto another, for copy-on-write of a shared partial block.
    public func copyBlock(from source: Int32, to destination: Int32) {
        (storage + Int(destination) * blockStride).update(from: storage + Int(source) * blockStride, count: blockStride)
    }
}
