// Enclave: a backend's internal state, as samples for /metrics.

/// One value describing a backend's internal state (KV memory, queued sequences, cache hits), sampled
/// at each metrics scrape.
public struct BackendGauge: Sendable, Hashable {
    /// How the value behaves, which decides its Prometheus type.
    public enum Kind: Sendable, Hashable {
        /// A level that goes up and down (a Prometheus gauge).
        case gauge
        /// A running total that only grows while the backend lives (a Prometheus counter, named `*_total`).
        case counter
    }

    /// The metric name, e.g. `enclave_engine_kv_blocks_used`.
    public var name: String
    /// The model it describes.
    public var model: String
    /// The current value (for a counter: the total so far).
    public var value: Double
    /// Gauge or counter.
    public var kind: Kind

    /// Creates a sample.
    public init(name: String, model: String, value: Double, kind: Kind = .gauge) {
        self.name = name
        self.model = model
        self.value = value
        self.kind = kind
    }
}

extension InferenceBackend {
    /// No internal gauges unless the backend has some.
    public func gauges() async -> [BackendGauge] { [] }
}
