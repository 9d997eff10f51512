// Enclave gateway: what the scheduler reports.

import Metrics

/// The scheduler's metrics: queue depth, active sequences, time spent queued, rejections.
struct SchedulerMetrics: Sendable {
    let queueDepth: Gauge
    let activeSequences: Gauge
    let queueTime: Metrics.Timer
    let rejected: Counter

    init(dimensions: [(String, String)], factory: any MetricsFactory) {
        queueDepth = Gauge(label: "enclave_queue_depth", dimensions: dimensions, factory: factory)
        activeSequences = Gauge(label: "enclave_active_sequences", dimensions: dimensions, factory: factory)
        queueTime = Metrics.Timer(label: "enclave_queue_time_seconds", dimensions: dimensions, factory: factory)
        rejected = Counter(label: "enclave_requests_rejected_total", dimensions: dimensions + [("reason", "queue_full")], factory: factory)
    }

    func update(queueDepth depth: Int, active: Int) {
        queueDepth.record(depth)
        activeSequences.record(active)
    }
}
