// Enclave server: GET /metrics.

import EnclaveCore
public import EnclaveGateway
public import Hummingbird

/// Prometheus metrics in the text exposition format (behind authentication, like every route but the
/// health checks, and only for admin keys and keys with the `metrics` scope). Model states, each backend's
/// capacity and the backends' gauges and counters are sampled at each scrape.
public struct MetricsRoute: Sendable {
    let metrics: ServerMetrics
    let gateway: InferenceGateway

    /// Creates the route.
    public init(metrics: ServerMetrics, gateway: InferenceGateway) {
        self.metrics = metrics
        self.gateway = gateway
    }

    /// Adds `GET /metrics` to a group.
    public func add(to group: RouterGroup<EnclaveRequestContext>) {
        group.get("metrics") { _, context in
            try context.require(.metrics)
            metrics.recordBackend(statuses: await gateway.statuses())
            metrics.recordBackend(gauges: await gateway.gauges())
            return Response(
                status: .ok,
                headers: [.contentType: "text/plain; version=0.0.4; charset=utf-8"],
                body: .init(byteBuffer: ByteBuffer(bytes: metrics.render()))
            )
        }
    }
}
