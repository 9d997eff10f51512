// Enclave: backends made of replicas (upstream servers) report each replica's state.

/// The state of one replica of a backend (an upstream server's URL), for `/readyz` and `/metrics`.
public struct ReplicaStatus: Sendable, Hashable {
    /// The backend's name (`backends[].name`).
    public var backend: String
    /// The replica's position in the backend's `replicas` (0 for `url`).
    public var index: Int
    /// Its circuit breaker: `closed` (in rotation), `open` or `half_open`.
    public var state: String
    /// Requests sent to it and not yet finished.
    public var outstanding: Int

    /// Creates a status.
    public init(backend: String, index: Int, state: String, outstanding: Int) {
        self.backend = backend
        self.index = index
        self.state = state
        self.outstanding = outstanding
    }
}

/// A backend whose requests go to replicas (an upstream server), which reports their states.
public protocol ReplicaReporting: InferenceBackend {
    /// Each replica's state, in declaration order.
    func replicaStatuses() -> [ReplicaStatus]
}
