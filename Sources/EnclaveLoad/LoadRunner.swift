// Enclave load: runs one level of load against a server and collects every request's measurements.

import Synchronization

/// Drives a `LoadPlan` through a `CompletionSending`: closed-loop workers or Poisson arrivals, a warm-up that
/// is not counted, and a hard deadline at which requests in flight are cancelled (and reported as such).
public struct LoadRunner<Sender: CompletionSending>: Sendable {
    private let sender: Sender

    /// A runner sending through `sender`.
    public init(sender: Sender) {
        self.sender = sender
    }

    /// Runs `plan`, calling `progress` about twice a second with a snapshot.
    public func run(_ plan: LoadPlan, progress: @escaping @Sendable (LoadProgress) -> Void = { _ in }) async -> LoadResult {
        let clock = ContinuousClock()
        let collector = LoadCollector(seed: plan.seed, workloads: plan.workloads)
        let levelStart = clock.now
        if plan.warmupRequests > 0 {
            collector.beginPhase(limit: plan.warmupRequests, warmingUp: true, origin: clock.now)
            await withDeadline(nil, clock: clock, collector: collector, levelStart: levelStart, progress: progress) {
                await closedLoop(plan, collector: collector, clock: clock)
            }
        }
        let origin = clock.now
        collector.beginPhase(limit: plan.requests, warmingUp: false, origin: origin)
        let deadline = plan.duration.map { origin + .milliseconds(Int64($0 * 1000)) }
        await withDeadline(deadline, clock: clock, collector: collector, levelStart: levelStart, progress: progress) {
            if let rate = plan.rate {
                await openLoop(plan, rate: rate, collector: collector, clock: clock, origin: origin, deadline: deadline)
            } else {
                await closedLoop(plan, collector: collector, clock: clock)
            }
        }
        let end = clock.now
        return collector.result(elapsed: Self.seconds(end - origin))
    }

    private func withDeadline(
        _ deadline: ContinuousClock.Instant?,
        clock: ContinuousClock,
        collector: LoadCollector,
        levelStart: ContinuousClock.Instant,
        progress: @escaping @Sendable (LoadProgress) -> Void,
        _ body: @escaping @Sendable () async -> Void
    ) async {
        await withTaskGroup(of: Bool.self) { group in
            group.addTask {
                await body()
                return true
            }
            if let deadline {
                group.addTask {
                    try? await Task.sleep(until: deadline, clock: clock)
                    return true
                }
            }
            group.addTask {
                while !Task.isCancelled {
                    progress(collector.progress(elapsed: Self.seconds(clock.now - levelStart)))
                    try? await Task.sleep(for: .milliseconds(500), clock: clock)
                }
                return false
            }
            _ = await group.next()
            group.cancelAll()
        }
        progress(collector.progress(elapsed: Self.seconds(clock.now - levelStart)))
    }

    private func closedLoop(_ plan: LoadPlan, collector: LoadCollector, clock: ContinuousClock) async {
        await withDiscardingTaskGroup { group in
            for (workloadIndex, workload) in plan.workloads.enumerated() {
                for _ in 0..<workload.concurrency {
                    group.addTask {
                        while !Task.isCancelled, let claim = collector.claim(workloadIndex, now: clock.now) {
                            await send(claim, workload: workload, collector: collector)
                        }
                    }
                }
            }
        }
    }

    /// Sends the arrivals due at `origin` plus each Poisson time; arrivals are fixed in time, so a late start sends
    /// the ones already due at once, as real users would have.
    private func openLoop(
        _ plan: LoadPlan,
        rate: Double,
        collector: LoadCollector,
        clock: ContinuousClock,
        origin: ContinuousClock.Instant,
        deadline: ContinuousClock.Instant?
    ) async {
        guard let workload = plan.workloads.first else { return }
        var arrivals = PoissonArrivals(rate: rate, seed: plan.seed &+ 1)
        await withDiscardingTaskGroup { group in
            var time = 0.0
            while !Task.isCancelled {
                time += arrivals.nextGap()
                let due = origin + .microseconds(Int64(time * 1_000_000))
                if let deadline, due >= deadline { break }
                try? await Task.sleep(until: due, clock: clock)
                // A runner that woke late (a busy machine) sends nothing after the deadline.
                if Task.isCancelled { break }
                if let deadline, clock.now >= deadline { break }
                guard let claim = collector.claim(0, now: clock.now) else { break }
                if collector.inFlight > plan.maximumInFlight {
                    collector.reject(claim, now: clock.now)
                    continue
                }
                group.addTask { await send(claim, workload: workload, collector: collector) }
            }
        }
    }

    private func send(_ claim: LoadCollector.Claim, workload: Workload, collector: LoadCollector) async {
        var record = claim.record
        var gaps: [Double] = []
        gaps.reserveCapacity(record.maxTokens)
        await sender.send(claim.body, path: workload.endpoint.path, apiKey: workload.apiKey, stream: workload.stream, into: &record, gaps: &gaps)
        collector.finish(record, gaps: gaps, warmup: claim.warmup)
    }

    static func seconds(_ duration: Duration) -> Double {
        Double(duration.components.seconds) + Double(duration.components.attoseconds) * 1e-18
    }
}
