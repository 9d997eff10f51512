// Enclave load: the shared, locked state of a running level: request numbers, bodies and the results so far.

import Foundation
import Synchronization

/// Hands out requests to workers and gathers what they measured; every method is safe from any task.
final class LoadCollector: Sendable {
    /// A request to send.
    struct Claim: Sendable {
        var record: RequestRecord
        var body: Data
        var warmup: Bool
    }

    private struct State {
        var generator: SeededGenerator
        var issued = 0
        var limit: Int?
        var warmingUp = false
        var origin: ContinuousClock.Instant
        var records: [RequestRecord] = []
        var gaps: [String: LatencyHistogram] = [:]
        var inFlight = 0
        var finished = 0
        var failed = 0
        var completionTokens = 0
    }

    private let state: Mutex<State>
    private let workloads: [Workload]

    init(seed: UInt64, workloads: [Workload]) {
        self.workloads = workloads
        state = Mutex(State(generator: SeededGenerator(seed: seed), origin: ContinuousClock().now))
    }

    func beginPhase(limit: Int?, warmingUp: Bool, origin: ContinuousClock.Instant) {
        state.withLock {
            $0.issued = 0
            $0.limit = limit
            $0.warmingUp = warmingUp
            $0.origin = origin
            $0.finished = 0
            $0.failed = 0
            $0.completionTokens = 0
        }
    }

    /// The next request of workload `index`, or `nil` when the phase has issued all it may.
    func claim(_ index: Int, now: ContinuousClock.Instant) -> Claim? {
        state.withLock { state -> Claim? in
            if let limit = state.limit, state.issued >= limit { return nil }
            let number = state.issued
            state.issued += 1
            state.inFlight += 1
            let workload = workloads[index]
            let (body, maxTokens) = workload.body(number, using: &state.generator)
            let start = Self.seconds(now - state.origin)
            return Claim(
                record: RequestRecord(group: workload.name, index: number, start: start, maxTokens: maxTokens),
                body: body,
                warmup: state.warmingUp
            )
        }
    }

    /// Requests in flight now.
    var inFlight: Int { state.withLock { $0.inFlight } }

    /// Records an arrival the generator could not send because too many were in flight.
    func reject(_ claim: Claim, now: ContinuousClock.Instant) {
        var record = claim.record
        record.failure = FailureKind("generator_limit")
        record.failureDetail = "the load generator's in-flight limit was reached"
        finish(record, gaps: [], warmup: claim.warmup)
    }

    func finish(_ record: RequestRecord, gaps: [Double], warmup: Bool) {
        state.withLock { state in
            state.inFlight -= 1
            state.finished += 1
            if !record.succeeded && record.failure != .cancelledAtDeadline { state.failed += 1 }
            state.completionTokens += record.completionTokens
            guard !warmup else { return }
            state.records.append(record)
            if record.succeeded, !gaps.isEmpty {
                var histogram = state.gaps[record.group] ?? LatencyHistogram()
                for gap in gaps { histogram.record(seconds: gap) }
                state.gaps[record.group] = histogram
            }
        }
    }

    func progress(elapsed: Double) -> LoadProgress {
        state.withLock {
            LoadProgress(
                elapsed: elapsed,
                finished: $0.finished,
                failed: $0.failed,
                inFlight: $0.inFlight,
                completionTokens: $0.completionTokens,
                warmingUp: $0.warmingUp
            )
        }
    }

    func result(elapsed: Double) -> LoadResult {
        state.withLock { LoadResult(records: $0.records, interTokenGaps: $0.gaps, elapsed: elapsed) }
    }

    static func seconds(_ duration: Duration) -> Double {
        Double(duration.components.seconds) + Double(duration.components.attoseconds) * 1e-18
    }
}
