// Enclave: a persistent thread pool for the engine's parallel loops.

import CEnclaveKernels
import Synchronization

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// A persistent pool of worker threads that run the chunks of one parallel loop at a time.
///
/// The calling thread is worker 0: it publishes a job, runs chunks itself, and steals every chunk
/// no worker has claimed yet, so it never waits for a thread that has not started (the pitfall
/// of static splits when another process holds a core). Idle workers spin briefly, then park on
/// a condition variable. Creating threads happens once, at init; a parallel loop allocates nothing.
///
/// ```swift
/// let pool = ThreadPool(threads: 2)
/// pool.run(chunks: 16) { chunk in work(on: chunk) }
/// ```
public final class ThreadPool: @unchecked Sendable {
    // Safety: job slots are written only by the single calling thread, and read by workers only after
    // a successful generation-tagged claim (see `claim`), which the caller cannot outlive.
    /// Threads including the caller.
    public let threadCount: Int

    private final class Slot: @unchecked Sendable {
        var body: ((Int, Int) -> Void)?
        let count = Atomic<Int>(0)
        let pending = Atomic<Int>(0)
    }

    /// Upper 32 bits: job generation; lower 32 bits: next chunk to claim.
    private let state = Atomic<UInt64>(0)
    private let slots = [Slot(), Slot()]
    private let sleepers = Atomic<Int>(0)
    private let stopping = Atomic<Bool>(false)
    private let spinIterations: Int
    private let mutex = UnsafeMutablePointer<pthread_mutex_t>.allocate(capacity: 1)
    private let condition = UnsafeMutablePointer<pthread_cond_t>.allocate(capacity: 1)
    private var workers: [pthread_t] = []
    private let runLock = Mutex<Void>(())

    /// Creates a pool of `threads` threads in all (the caller plus `threads - 1` workers).
    /// - Parameter spinIterations: pause instructions an idle worker spins before parking.
    public init(threads: Int, spinIterations: Int = 4096) {
        threadCount = max(1, threads)
        self.spinIterations = spinIterations
        pthread_mutex_init(mutex, nil)
        pthread_cond_init(condition, nil)
        for index in 1..<threadCount {
            let context = Unmanaged.passRetained(WorkerStart(pool: self, index: index)).toOpaque()
            var thread = pthread_t()
            let rc = pthread_create(
                &thread,
                nil,
                { raw in
                    #if canImport(Glibc)
                    let start = Unmanaged<WorkerStart>.fromOpaque(raw!).takeRetainedValue()
                    #else
                    let start = Unmanaged<WorkerStart>.fromOpaque(raw).takeRetainedValue()
                    #endif
                    start.pool.workerLoop(index: start.index)
                    return nil
                },
                context
            )
            if rc == 0 {
                workers.append(thread)
            } else {
                Unmanaged<WorkerStart>.fromOpaque(context).release()
            }
        }
    }

    /// Stops and joins the workers. Call once when the pool is no longer needed.
    public func shutdown() {
        guard !stopping.exchange(true, ordering: .sequentiallyConsistent) else { return }
        pthread_mutex_lock(mutex)
        pthread_cond_broadcast(condition)
        pthread_mutex_unlock(mutex)
        for t in workers { pthread_join(t, nil) }
        workers.removeAll()
    }

    deinit {
        pthread_cond_destroy(condition)
        pthread_mutex_destroy(mutex)
        condition.deallocate()
        mutex.deallocate()
    }

    /// Runs `body(chunk)` for every chunk in `0..<chunks` across the pool and returns when all are done.
    /// Calls from several threads at once are serialised.
    public func run(chunks: Int, _ body: (Int) -> Void) {
        run(chunks: chunks) { chunk, _ in body(chunk) }
    }

    /// Runs `body(chunk, thread)` for every chunk; `thread` (0..<threadCount) identifies the running
    /// thread, so a chunk may use per-thread scratch memory.
    public func run(chunks: Int, _ body: (_ chunk: Int, _ thread: Int) -> Void) {
        guard chunks > 0 else { return }
        if threadCount == 1 || chunks == 1 || workers.isEmpty {
            for c in 0..<chunks { body(c, 0) }
            return
        }
        runLock.withLock { _ in
            withoutActuallyEscaping(body) { escaping in
                let current = state.load(ordering: .relaxed)
                let generation = (current >> 32) &+ 1
                unowned(unsafe) let slot = slots[Int(generation & 1)]
                slot.body = escaping
                slot.count.store(chunks, ordering: .relaxed)
                slot.pending.store(chunks, ordering: .relaxed)
                state.store(generation << 32, ordering: .sequentiallyConsistent)
                if sleepers.load(ordering: .sequentiallyConsistent) > 0 {
                    pthread_mutex_lock(mutex)
                    pthread_cond_broadcast(condition)
                    pthread_mutex_unlock(mutex)
                }
                work(generation: generation, thread: 0)
                while slot.pending.load(ordering: .acquiring) > 0 { enc_cpu_relax() }
                slot.body = nil
            }
        }
    }

    /// Splits `0..<count` into about `chunksPerThread * threadCount` ranges aligned to `granularity`
    /// and runs `body(range)` for each.
    public func parallelFor(_ count: Int, granularity: Int = 1, chunksPerThread: Int = 4, _ body: (Range<Int>) -> Void) {
        guard count > 0 else { return }
        let units = (count + granularity - 1) / granularity
        let chunks = min(units, threadCount == 1 ? 1 : threadCount * chunksPerThread)
        let unitsPerChunk = (units + chunks - 1) / chunks
        let realChunks = (units + unitsPerChunk - 1) / unitsPerChunk
        run(chunks: realChunks) { c in
            let lo = c * unitsPerChunk * granularity
            let hi = min(count, (c + 1) * unitsPerChunk * granularity)
            if lo < hi { body(lo..<hi) }
        }
    }

    /// Claims and runs chunks of `generation` until none is left or a newer job started.
    private func work(generation: UInt64, thread: Int) {
        unowned(unsafe) let slot = slots[Int(generation & 1)]  // the pool owns its slots for its lifetime
        let count = UInt64(slot.count.load(ordering: .relaxed))
        var s = state.load(ordering: .acquiring)
        while s >> 32 == generation {
            let chunk = s & 0xFFFF_FFFF
            if chunk >= count { return }
            let (exchanged, original) = state.compareExchange(
                expected: s,
                desired: s &+ 1,
                ordering: .acquiringAndReleasing
            )
            if exchanged {
                runChunk(slot, Int(chunk), thread)
                slot.pending.subtract(1, ordering: .releasing)
                s = state.load(ordering: .acquiring)
            } else {
                s = original
            }
        }
    }

    @inline(never)
    private func runChunk(_ slot: Slot, _ chunk: Int, _ thread: Int) {
        slot.body!(chunk, thread)
    }

    private final class WorkerStart {
        let pool: ThreadPool
        let index: Int
        init(pool: ThreadPool, index: Int) {
            self.pool = pool
            self.index = index
        }
    }

    private func workerLoop(index: Int) {
        var seen: UInt64 = 0
        while true {
            var spins = 0
            var s = state.load(ordering: .acquiring)
            while s >> 32 == seen {
                if stopping.load(ordering: .relaxed) { return }
                if spins < spinIterations {
                    spins += 1
                    enc_cpu_relax()
                } else {
                    pthread_mutex_lock(mutex)
                    sleepers.add(1, ordering: .sequentiallyConsistent)
                    while state.load(ordering: .sequentiallyConsistent) >> 32 == seen && !stopping.load(ordering: .relaxed) {
                        pthread_cond_wait(condition, mutex)
                    }
                    sleepers.subtract(1, ordering: .sequentiallyConsistent)
                    pthread_mutex_unlock(mutex)
                    spins = 0
                }
                s = state.load(ordering: .acquiring)
            }
            if stopping.load(ordering: .relaxed) { return }
            seen = s >> 32
            work(generation: seen, thread: index)
        }
    }
}
