// Enclave gateway: carrying out the state machine's changes outside the lock.

import CoreMetrics
import EnclaveCore
import Metrics

extension Scheduler {
    /// What to do once the lock is released: wake admitted waiters, report metrics.
    struct Effects {
        var admitted: [CheckedContinuation<Void, any Error>] = []
        var cancelled: [CheckedContinuation<Void, any Error>] = []
        /// Seconds each newly admitted request waited, with its team name and model.
        var waited: [(seconds: Double, team: String, model: String)] = []
        var preemptions = 0
        var depth = 0
        var active = 0
        /// Queued and running requests by team name and model.
        var byTeam: [SchedulerMetrics.TeamModel: (queued: Int, running: Int)] = [:]

        func run(_ metrics: SchedulerMetrics) {
            for continuation in cancelled { continuation.resume(throwing: CancellationError()) }
            for continuation in admitted { continuation.resume() }
            for wait in waited {
                let nanoseconds = Int64(wait.seconds * 1e9)
                metrics.queueTime.recordNanoseconds(nanoseconds)
                metrics.queueTime(team: wait.team, model: wait.model).recordNanoseconds(nanoseconds)
            }
            if preemptions > 0 { metrics.preemptions.increment(by: preemptions) }
            metrics.update(queueDepth: depth, active: active)
            metrics.update(byTeam: byTeam)
        }
    }

    /// Applies changes under the lock: the admitted leave the queue (their waiters are taken), the suspended
    /// pause and the resumed go on (their controls are called here, so their order is the machine's), and the
    /// gauges are counted.
    static func apply(_ changes: SchedulerStateMachine.Changes, in state: inout State, now: Duration) -> Effects {
        var effects = Effects()
        for id in changes.suspended {
            state.controls[id]?.suspend()
            state.admittedAt[id] = nil
            state.enqueuedAt[id] = now
        }
        for id in changes.admitted + changes.resumed {
            if let start = state.enqueuedAt.removeValue(forKey: id), let share = state.machine.share(of: id) {
                effects.waited.append((seconds(now - start), share.teamName, state.models[id] ?? ""))
            }
            state.admittedAt[id] = now
        }
        for id in changes.admitted + changes.resumed {
            if let continuation = state.waiters.removeValue(forKey: id) { effects.admitted.append(continuation) }
        }
        for id in changes.resumed { state.controls[id]?.resume() }
        effects.preemptions = changes.suspended.count
        effects.depth = state.machine.queueDepth
        effects.active = state.machine.activeCount
        let models = state.models
        state.machine.forEachTicket { id, share, running in
            let key = SchedulerMetrics.TeamModel(team: share.teamName, model: models[id] ?? "")
            var counts = effects.byTeam[key] ?? (0, 0)
            if running { counts.running += 1 } else { counts.queued += 1 }
            effects.byTeam[key] = counts
        }
        return effects
    }
}
