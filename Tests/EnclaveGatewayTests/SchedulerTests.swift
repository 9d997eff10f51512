// Enclave gateway: the scheduler with real tasks: waiting, cancellation, overload.

import EnclaveCore
import EnclaveGateway
import EnclaveTesting
import Testing

@Suite(.timeLimit(.minutes(1))) struct SchedulerTests {
    @Test func admitsImmediatelyWhenFree() async throws {
        let scheduler = Scheduler(queueLength: 1, capacity: { 1 })
        let ticket = try scheduler.enqueue(principal: "a")
        try await scheduler.waitForAdmission(ticket)
        #expect(scheduler.activeCount == 1)
        ticket.finish()
        #expect(scheduler.activeCount == 0)
    }

    @Test func aFullQueueIsOverloadedWithRetryAfter() throws {
        let scheduler = Scheduler(queueLength: 1, capacity: { 1 })
        let running = try scheduler.enqueue(principal: "a")
        let waiting = try scheduler.enqueue(principal: "b")
        #expect {
            _ = try scheduler.enqueue(principal: "c")
        } throws: { error in
            (error as? InferenceError)?.code == .overloaded && ((error as? InferenceError)?.retryAfterSeconds ?? 0) >= 1
        }
        withExtendedLifetime((running, waiting)) {}
    }

    @Test func aWaiterRunsWhenTheSlotFrees() async throws {
        let scheduler = Scheduler(queueLength: 4, capacity: { 1 })
        let first = try scheduler.enqueue(principal: "a")
        try await scheduler.waitForAdmission(first)
        let second = try scheduler.enqueue(principal: "b")
        #expect(scheduler.queueDepth == 1)
        async let admitted: Void = scheduler.waitForAdmission(second)
        first.finish()
        try await admitted
        #expect(scheduler.activeCount == 1)
        #expect(scheduler.queueDepth == 0)
        second.finish()
    }

    @Test func cancellingAWaiterRemovesItFromTheQueue() async throws {
        let scheduler = Scheduler(queueLength: 4, capacity: { 1 })
        let first = try scheduler.enqueue(principal: "a")
        let task = Task {
            let ticket = try scheduler.enqueue(principal: "b")
            defer { ticket.finish() }
            try await scheduler.waitForAdmission(ticket)
        }
        while scheduler.queueDepth == 0 { await Task.yield() }
        task.cancel()
        await #expect(throws: CancellationError.self) { try await task.value }
        #expect(scheduler.queueDepth == 0)
        first.finish()
        #expect(scheduler.activeCount == 0)
    }

    @Test func droppingATicketGivesItsPlaceBack() throws {
        let scheduler = Scheduler(queueLength: 1, capacity: { 1 })
        do {
            let running = try scheduler.enqueue(principal: "a")
            let waiting = try scheduler.enqueue(principal: "b")
            #expect(scheduler.activeCount == 1 && scheduler.queueDepth == 1)
            withExtendedLifetime((running, waiting)) {}
        }
        #expect(scheduler.activeCount == 0 && scheduler.queueDepth == 0)
    }

    @Test func neverRunsMoreThanCapacity() async throws {
        let backend = ScriptedBackend(capacity: 2, script: .init(pieces: ["a", "b", "c"]))
        let gateway = InferenceGateway(backend: backend, models: ["test-model"], limits: .init(queueLength: 100))
        try await withThrowingTaskGroup(of: Void.self) { group in
            for index in 0..<12 {
                group.addTask {
                    let request = InferenceRequest(
                        id: "r\(index)",
                        model: "test-model",
                        prompt: .text("hi"),
                        parameters: .init(),
                        principal: "p\(index % 3)"
                    )
                    let submission = try gateway.submit(try await gateway.prepare(request))
                    _ = try await submission.run { events in
                        for try await _ in events {}
                    }
                }
            }
            try await group.waitForAll()
        }
        let counts = backend.counts
        #expect(counts.finished == 12)
        #expect(counts.peakConcurrent <= 2)
        let scheduler = try #require(gateway.scheduler(of: "test-model"))
        #expect(scheduler.activeCount == 0 && scheduler.queueDepth == 0)
    }

    /// Retry-After comes from how long requests hold a slot, measured on the injected clock: the test moves
    /// the clock instead of sleeping.
    @Test func retryAfterFollowsRunTimesOnTheInjectedClock() throws {
        let clock = ManualClock()
        let scheduler = Scheduler(queueLength: 1, capacity: { 1 }, clock: clock)
        let first = try scheduler.enqueue(principal: "a")
        clock.advance(by: .seconds(21))
        first.finish()
        // The moving average of run times is now 0.8 * 1 s + 0.2 * 21 s = 5 s.
        let running = try scheduler.enqueue(principal: "a")
        let waiting = try scheduler.enqueue(principal: "b")
        // One request waits, served one at a time: about 2 * 5 s.
        #expect(throws: InferenceError.overloaded(retryAfterSeconds: 10)) { try scheduler.enqueue(principal: "c") }
        withExtendedLifetime((running, waiting)) {}
    }
}
