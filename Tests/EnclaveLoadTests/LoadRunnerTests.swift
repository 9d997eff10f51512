// Enclave load tests: the runner's request counts, warm-up, concurrency and deadline, with a fake sender.

import EnclaveLoad
import Foundation
import Synchronization
import Testing

/// Answers after `delay` with `tokens` tokens spaced by `gap`; tracks the most requests in flight at once.
final class FakeSender: CompletionSending {
    let delay: Duration
    let tokens: Int
    let failEvery: Int?
    private let state = Mutex((inFlight: 0, peak: 0, sent: 0))

    init(delay: Duration, tokens: Int = 4, failEvery: Int? = nil) {
        self.delay = delay
        self.tokens = tokens
        self.failEvery = failEvery
    }

    var peak: Int { state.withLock { $0.peak } }
    var sent: Int { state.withLock { $0.sent } }

    func send(_ body: Data, path: String, apiKey: String?, stream: Bool, into record: inout RequestRecord, gaps: inout [Double]) async {
        let number = state.withLock {
            $0.inFlight += 1
            $0.peak = max($0.peak, $0.inFlight)
            $0.sent += 1
            return $0.sent
        }
        defer { state.withLock { $0.inFlight -= 1 } }
        do {
            try await Task.sleep(for: delay)
        } catch {
            record.failure = .cancelledAtDeadline
            return
        }
        if let failEvery, number % failEvery == 0 {
            record.status = 500
            record.failure = .status(500)
            return
        }
        record.status = 200
        record.timeToFirstToken = 0.001
        record.endToEnd = 0.002
        record.completionTokens = tokens
        gaps = Array(repeating: 0.0005, count: tokens - 1)
    }
}

@Suite struct LoadRunnerTests {
    func workload(concurrency: Int) -> Workload {
        Workload(apiKey: "k", model: "m", prompts: .synthetic(words: .fixed(4)), maxTokens: .fixed(4), concurrency: concurrency)
    }

    @Test func closedLoopSendsExactlyTheRequestsAskedForAtItsConcurrency() async {
        let sender = FakeSender(delay: .milliseconds(5))
        let result = await LoadRunner(sender: sender).run(LoadPlan(workloads: [workload(concurrency: 4)], requests: 40, warmupRequests: 8))
        #expect(result.records.count == 40)
        #expect(sender.sent == 48)
        #expect(sender.peak == 4)
        #expect(Set(result.records.map(\.index)) == Set(0..<40))
        #expect(result.interTokenGaps["main"]?.count == 40 * 3)
    }

    @Test func theDeadlineCancelsRequestsInFlight() async {
        let sender = FakeSender(delay: .seconds(60))
        let clock = ContinuousClock()
        let started = clock.now
        let result = await LoadRunner(sender: sender).run(LoadPlan(workloads: [workload(concurrency: 3)], duration: 0.3))
        // Well before the sender's 60 s: the deadline cancelled the requests (generous, for a busy machine).
        #expect(clock.now - started < .seconds(50))
        #expect(result.records.count == 3)
        #expect(result.records.allSatisfy { $0.failure == .cancelledAtDeadline })
        let summary = LevelSummary(label: "c3", concurrency: 3, rate: nil, records: result.records, gaps: .init(), elapsed: result.elapsed, slo: nil)
        #expect(summary.requests == 0 && summary.errors == 0 && summary.cancelledAtDeadline == 3)
    }

    @Test func openLoopArrivalsFollowTheRate() async {
        let sender = FakeSender(delay: .milliseconds(1))
        let result = await LoadRunner(sender: sender).run(LoadPlan(workloads: [workload(concurrency: 1)], rate: 200, duration: 1))
        // The seeded arrivals due within the second: the runner sends them and never more. Fewer (even none)
        // when the test's threads are starved: in a parallel test run the engine's suites can hold the
        // cooperative pool for tens of seconds, so the count sent is a bound, not a timing.
        var arrivals = PoissonArrivals(rate: 200, seed: LoadPlan(workloads: [workload(concurrency: 1)]).seed &+ 1)
        var time = arrivals.nextGap()
        var due = 0
        while time < 1 {
            due += 1
            time += arrivals.nextGap()
        }
        #expect((120...280).contains(due))
        #expect(result.records.count <= due)
    }

    @Test func failuresAreCountedByKind() async {
        let sender = FakeSender(delay: .milliseconds(1), failEvery: 5)
        let result = await LoadRunner(sender: sender).run(LoadPlan(workloads: [workload(concurrency: 2)], requests: 50))
        let summary = LevelSummary(label: "c2", concurrency: 2, rate: nil, records: result.records, gaps: .init(), elapsed: result.elapsed, slo: nil)
        #expect(summary.errors == 10)
        #expect(summary.errorsByKind == ["http_500": 10])
        #expect(abs(summary.errorRate - 0.2) < 1e-9)
    }

    @Test func twoGroupsKeepTheirOwnConcurrency() async {
        let sender = FakeSender(delay: .milliseconds(20))
        var light = workload(concurrency: 1)
        light.name = "light"
        var heavy = workload(concurrency: 3)
        heavy.name = "heavy"
        let result = await LoadRunner(sender: sender).run(LoadPlan(workloads: [heavy, light], duration: 0.5))
        let heavyCount = result.records.filter { $0.group == "heavy" && $0.succeeded }.count
        let lightCount = result.records.filter { $0.group == "light" && $0.succeeded }.count
        #expect(sender.peak == 4)
        #expect(heavyCount > lightCount * 2)
    }
}
