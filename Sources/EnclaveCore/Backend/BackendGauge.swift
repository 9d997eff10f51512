// Enclave: a backend's internal state, as gauges for /metrics.

/// One value describing a backend's internal state (KV memory, queued sequences, cache hits), sampled
/// at each metrics scrape.
public struct BackendGauge: Sendable, Hashable {
    /// The metric name, e.g. `enclave_engine_kv_blocks_used`.
    public var name: String
    /// The model it describes.
    public var model: String
    public var value: Double

    public init(name: String, model: String, value: Double) {
        self.name = name
        self.model = model
        self.value = value
    }
}

extension InferenceBackend {
    /// No internal gauges unless the backend has some.
    public func gauges() async -> [BackendGauge] { [] }
}
