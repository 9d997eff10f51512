// Enclave gateway: what the scheduler reports.

import Metrics
import Synchronization

/// The scheduler's metrics: queue depth, active sequences, time spent queued, rejections and preemptions
/// (labelled by backend), and queued and running requests and queue time by team name and model. Team
/// names come from the teams table (or `default`), so the label sets stay bounded; user and key ids are
/// never labels.
final class SchedulerMetrics: Sendable {
    /// A team name and a model: the labels of the per-team metrics.
    struct TeamModel: Hashable, Sendable {
        var team: String
        var model: String
    }

    let queueDepth: Gauge
    let activeSequences: Gauge
    let queueTime: Metrics.Timer
    let rejected: Counter
    let preemptions: Counter
    private let factory: any MetricsFactory
    /// Label pairs reported so far, so that a team whose requests are gone reports 0 instead of its last count.
    private let reported = Mutex<Set<TeamModel>>([])

    init(dimensions: [(String, String)], factory: any MetricsFactory) {
        self.factory = factory
        queueDepth = Gauge(label: "enclave_queue_depth", dimensions: dimensions, factory: factory)
        activeSequences = Gauge(label: "enclave_active_sequences", dimensions: dimensions, factory: factory)
        queueTime = Metrics.Timer(label: "enclave_queue_time_seconds", dimensions: dimensions, factory: factory)
        rejected = Counter(label: "enclave_requests_rejected_total", dimensions: dimensions + [("reason", "queue_full")], factory: factory)
        preemptions = Counter(label: "enclave_scheduler_preemptions_total", dimensions: dimensions, factory: factory)
    }

    func update(queueDepth depth: Int, active: Int) {
        queueDepth.record(depth)
        activeSequences.record(active)
    }

    /// The time a request of `team` for `model` waited.
    func queueTime(team: String, model: String) -> Metrics.Timer {
        Metrics.Timer(label: "enclave_scheduler_queue_time_seconds", dimensions: Self.dimensions(team, model), factory: factory)
    }

    func update(byTeam counts: [TeamModel: (queued: Int, running: Int)]) {
        let keys = reported.withLock { reported in
            reported.formUnion(counts.keys)
            return reported
        }
        for key in keys {
            let count = counts[key] ?? (0, 0)
            let dimensions = Self.dimensions(key.team, key.model)
            Gauge(label: "enclave_scheduler_queued", dimensions: dimensions, factory: factory).record(count.queued)
            Gauge(label: "enclave_scheduler_running", dimensions: dimensions, factory: factory).record(count.running)
        }
    }

    private static func dimensions(_ team: String, _ model: String) -> [(String, String)] {
        [("team", team), ("model", model)]
    }
}
