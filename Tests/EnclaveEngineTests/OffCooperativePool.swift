// Enclave engine tests: long synchronous work kept off the cooperative thread pool.

import Foundation

/// Runs `body` on a thread of its own and waits for it without holding a cooperative thread.
///
/// The cooperative pool has one thread per core: two here. A test that computes for a minute on one of
/// them (a perplexity run) leaves the whole test process with one thread, and the live-server tests of
/// the other suites, which run in parallel, stop getting answers.
func offCooperativePool<T: Sendable>(_ body: @escaping @Sendable () throws -> T) async throws -> T {
    try await withCheckedThrowingContinuation { continuation in
        Thread { continuation.resume(with: Result { try body() }) }.start()
    }
}
