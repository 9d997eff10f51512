// Enclave guardrails: a scanner wrapper that counts its calls, for the stream benchmark.

import Synchronization

/// Passes every call to `base` and counts them.
final class CountingScanner: SensitiveTextScanning {
    let base: any SensitiveTextScanning
    private let count = Mutex(0)

    init(base: any SensitiveTextScanning) { self.base = base }

    /// The calls so far.
    var calls: Int { count.withLock { $0 } }

    func findings(in text: String, entities: Set<GuardEntity>) -> [GuardFinding] {
        count.withLock { $0 += 1 }
        return base.findings(in: text, entities: entities)
    }
}
