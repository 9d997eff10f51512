// Enclave upstream: every upstream backend by the models it serves, for fallback chains.

import EnclaveCore
import Synchronization

/// The upstream backends of one server, found by model id, so that a model's fallback (`fallbacks:`) may be
/// served by another upstream backend. A fallback request goes straight to that backend's replicas: it
/// already holds a slot of the first model's scheduler.
public final class UpstreamDirectory: Sendable {
    private let backends = Mutex<[UpstreamBackend]>([])

    /// An empty directory.
    public init() {}

    /// Adds a backend (``UpstreamBackend`` registers itself when created).
    func register(_ backend: UpstreamBackend) {
        backends.withLock { $0.append(backend) }
    }

    /// The first backend that serves `model` (by a listed or discovered id, or an alias).
    func backend(serving model: String) -> UpstreamBackend? {
        let all = backends.withLock { $0 }
        return all.first { $0.serves(model) }
    }
}
