// Enclave server: GET /metrics.

import EnclaveCore
import EnclaveGateway
public import Hummingbird

/// Prometheus metrics in the text exposition format (behind authentication, like every route but the
/// health checks, and only for admin keys and keys with the `metrics` scope). Model states and the backend's capacity are sampled at each scrape.
public struct MetricsRoute: Sendable {
    let metrics: ServerMetrics
    let backend: any InferenceBackend
    let modelIDs: [String]

    /// Creates the route.
    public init(metrics: ServerMetrics, backend: any InferenceBackend, modelIDs: [String]) {
        self.metrics = metrics
        self.backend = backend
        self.modelIDs = modelIDs
    }

    /// Adds `GET /metrics` to a group.
    public func add(to group: RouterGroup<EnclaveRequestContext>) {
        group.get("metrics") { _, context in
            try context.require(.metrics)
            var states: [(model: String, state: ModelState?)] = []
            for id in modelIDs { states.append((id, await backend.state(of: id))) }
            metrics.recordBackend(states: states, capacity: backend.capacity)
            metrics.recordBackend(gauges: await backend.gauges())
            return Response(
                status: .ok, headers: [.contentType: "text/plain; version=0.0.4; charset=utf-8"],
                body: .init(byteBuffer: ByteBuffer(bytes: metrics.render())))
        }
    }
}
