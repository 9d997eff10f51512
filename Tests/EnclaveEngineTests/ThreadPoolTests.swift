// Enclave: the persistent thread pool runs every chunk exactly once.

import EnclaveEngine
import Synchronization
import Testing

/// An atomic counter that can live in an array.
final class Counter: Sendable {
    let value = Atomic<Int>(0)
    func increment() { value.add(1, ordering: .relaxed) }
    var count: Int { value.load(ordering: .relaxed) }
}

@Suite struct ThreadPoolTests {
    @Test(arguments: [1, 2, 3])
    func everyChunkRunsExactlyOnce(threads: Int) {
        let pool = ThreadPool(threads: threads, spinIterations: 64)
        defer { pool.shutdown() }
        for chunks in [1, 2, 7, 64, 1000] {
            let counts = (0..<chunks).map { _ in Counter() }
            for _ in 0..<50 {
                pool.run(chunks: chunks) { c in counts[c].increment() }
            }
            for c in counts { #expect(c.count == 50) }
        }
    }

    @Test func threadIndicesStayInRange() {
        let pool = ThreadPool(threads: 3)
        defer { pool.shutdown() }
        let bad = Atomic<Int>(0)
        for _ in 0..<200 {
            pool.run(chunks: 16) { _, thread in
                if thread < 0 || thread >= 3 { bad.add(1, ordering: .relaxed) }
            }
        }
        #expect(bad.load(ordering: .relaxed) == 0)
    }

    @Test func parallelForCoversTheRangeWithoutOverlap() {
        let pool = ThreadPool(threads: 2)
        defer { pool.shutdown() }
        for count in [1, 5, 63, 64, 65, 1000] {
            let hits = (0..<count).map { _ in Counter() }
            pool.parallelFor(count, granularity: 8) { range in
                for i in range { hits[i].increment() }
            }
            #expect(hits.allSatisfy { $0.count == 1 })
        }
    }

    @Test func workersParkAndWakeAcrossIdlePeriods() async throws {
        let pool = ThreadPool(threads: 2, spinIterations: 1)
        defer { pool.shutdown() }
        let total = Atomic<Int>(0)
        for _ in 0..<5 {
            try await Task.sleep(for: .milliseconds(20))  // long enough for the worker to park
            pool.run(chunks: 8) { _ in total.add(1, ordering: .relaxed) }
        }
        #expect(total.load(ordering: .relaxed) == 40)
    }
}
