// Enclave server: the metrics it records and exposes at /metrics.

import Dispatch
public import EnclaveCore
public import EnclaveGateway
public import Metrics
public import Prometheus
import Synchronization

/// The server's metrics, registered in one Prometheus registry (rendered at `/metrics`).
///
/// Every metric is created through this object's factory, so several servers in one process (tests)
/// keep separate registries and nothing depends on a global `MetricsSystem.bootstrap`.
public final class ServerMetrics: Sendable {
    /// The registry rendered at `/metrics`.
    public let registry: PrometheusCollectorRegistry
    /// The factory that writes into ``registry``.
    public let factory: any MetricsFactory
    /// The last total reported for each backend counter (name and model), so a scrape adds only the growth.
    private let counterTotals = Mutex<[String: Double]>([:])

    /// Creates metrics with a new registry.
    public init(registry: PrometheusCollectorRegistry = PrometheusCollectorRegistry()) {
        self.registry = registry
        var factory = PrometheusMetricsFactory(registry: registry)
        let latencyBuckets: [Duration] = [
            .milliseconds(5), .milliseconds(10), .milliseconds(25), .milliseconds(50), .milliseconds(100),
            .milliseconds(250), .milliseconds(500), .seconds(1), .seconds(2.5), .seconds(5), .seconds(10),
            .seconds(30), .seconds(60), .seconds(120),
        ]
        factory.defaultDurationHistogramBuckets = latencyBuckets
        factory.defaultValueHistogramBuckets = [1, 4, 16, 64, 256, 1024, 4096, 16384, 65536]
        self.factory = factory
    }

    /// Counts a finished HTTP request and records its duration.
    public func recordRequest(route: String, method: String, status: Int, durationNanoseconds: Int64) {
        Counter(
            label: "enclave_http_requests_total",
            dimensions: [("route", route), ("method", method), ("status", String(status))],
            factory: factory
        ).increment()
        Metrics.Timer(label: "enclave_http_request_duration_seconds", dimensions: [("route", route)], factory: factory)
            .recordNanoseconds(durationNanoseconds)
    }

    /// The `team` label of a request whose principal is in no team (or that was refused before
    /// authentication).
    public static let noTeam = "none"

    /// The `model` label of a request that named no model the server serves.
    public static let unknownModel = "unknown"

    /// Counts a finished inference request by team, model and status and, when it was refused, by the
    /// reason (the OpenAI error code). Labels stay bounded: team names and served model ids, never user or
    /// key ids, never what the client typed as a model.
    public func recordInference(team: String?, model: String?, status: Int, refusal: String?) {
        let team = team ?? Self.noTeam
        let model = model ?? Self.unknownModel
        Counter(
            label: "enclave_inference_requests_total",
            dimensions: [("team", team), ("model", model), ("status", String(status))],
            factory: factory
        ).increment()
        if let refusal {
            Counter(
                label: "enclave_inference_refusals_total",
                dimensions: [("team", team), ("model", model), ("reason", refusal)],
                factory: factory
            ).increment()
        }
    }

    /// Records how long the first token took, from the arrival of the request (queueing included).
    public func recordTimeToFirstToken(team: String?, model: String, nanoseconds: Int64) {
        Metrics.Timer(
            label: "enclave_time_to_first_token_seconds",
            dimensions: [("team", team ?? Self.noTeam), ("model", model)],
            factory: factory
        ).recordNanoseconds(nanoseconds)
    }

    /// Records the mean time between tokens of one generation.
    public func recordInterTokenLatency(team: String?, model: String, nanoseconds: Int64) {
        Metrics.Timer(
            label: "enclave_inter_token_latency_seconds",
            dimensions: [("team", team ?? Self.noTeam), ("model", model)],
            factory: factory
        ).recordNanoseconds(nanoseconds)
    }

    /// Counts the tokens of a generation and how it ended (`stop`, `length`, `cancelled`, `error`).
    public func recordGeneration(team: String?, model: String, promptTokens: Int, completionTokens: Int, outcome: String) {
        let team = team ?? Self.noTeam
        Counter(label: "enclave_prompt_tokens_total", dimensions: [("team", team), ("model", model)], factory: factory)
            .increment(by: promptTokens)
        Counter(label: "enclave_completion_tokens_total", dimensions: [("team", team), ("model", model)], factory: factory)
            .increment(by: completionTokens)
        Counter(
            label: "enclave_generations_total",
            dimensions: [("team", team), ("model", model), ("outcome", outcome)],
            factory: factory
        ).increment()
    }

    /// Sets the model state gauges (one per model and state name, 1 for the current state) and each
    /// backend's capacity (`enclave_backend_capacity{backend}`).
    public func recordBackend(statuses: [ModelStatus]) {
        for status in statuses {
            for name in ModelState.allNames {
                Gauge(label: "enclave_model_state", dimensions: [("model", status.id), ("state", name)], factory: factory)
                    .record(name == status.stateName ? 1 : 0)
            }
            Gauge(label: "enclave_backend_capacity", dimensions: [("backend", status.backend)], factory: factory)
                .record(status.capacity)
        }
    }

    /// Records the backends' internal gauges and counters (sampled at each scrape). A counter is given as its
    /// total so far: the Prometheus counter grows by the difference since the last scrape (by the whole
    /// total when it went down, as after a backend restart).
    public func recordBackend(gauges: [BackendGauge]) {
        for g in gauges {
            switch g.kind {
            case .gauge:
                Gauge(label: g.name, dimensions: [("model", g.model)], factory: factory).record(g.value)
            case .counter:
                let key = g.name + "\u{0}" + g.model
                let growth = counterTotals.withLock { totals -> Double in
                    let last = totals[key] ?? 0
                    totals[key] = g.value
                    return g.value >= last ? g.value - last : g.value
                }
                let counter = Counter(label: g.name, dimensions: [("model", g.model)], factory: factory)
                if growth > 0 { counter.increment(by: Int64(growth)) } else { counter.increment(by: 0) }
            }
        }
    }

    /// The Prometheus text exposition of every metric.
    public func render() -> [UInt8] {
        registry.emitToBuffer()
    }
}
