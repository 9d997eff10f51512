// Enclave gateway: preemption with real tasks and a backend whose generations pause.

import EnclaveCore
import EnclaveGateway
import EnclaveTesting
import Testing

@Suite(.timeLimit(.minutes(1))) struct SchedulerPreemptionLiveTests {
    static func request(_ id: String, user: String) -> InferenceRequest {
        InferenceRequest(id: id, model: "test-model", prompt: .text("hi"), parameters: .init(), principal: user)
    }

    static func run(_ gateway: InferenceGateway, _ request: InferenceRequest) async throws -> String {
        let submission = try gateway.submit(try await gateway.prepare(request))
        return try await submission.run { events in
            var text = ""
            for try await event in events {
                if case .delta(let delta, _) = event { text += delta }
            }
            return text
        }
    }

    /// One user holds both slots with generations that never end; another user's request still runs to the
    /// end, because the scheduler suspends the first user's newest generation, and resumes it afterwards.
    @Test func aWaitingUserGetsASlotFromAUserOverTheirShare() async throws {
        let backend = ScriptedBackend(capacity: 2, script: .init(pieces: ["x", "y"], holdAfter: 1), preemptible: true)
        let gateway = InferenceGateway(backend: backend, models: ["test-model"], limits: .init(), scheduling: .init(policy: .fair, preemption: true))
        let scheduler = try #require(gateway.scheduler(of: "test-model"))
        let heavy = (0..<2).map { index in
            Task { try await Self.run(gateway, Self.request("h\(index)", user: "heavy")) }
        }
        await backend.waitForGenerations(started: 2)
        backend.setScript(.greeting)

        let text = try await Self.run(gateway, Self.request("l", user: "light"))
        #expect(text == "Hello, how can I help?")
        await backend.wait { $0.resumed >= 1 }
        let counts = backend.counts
        #expect(counts.suspended == 1 && counts.resumed == 1)
        #expect(counts.peakConcurrent <= 2)
        #expect(scheduler.activeCount == 2 && scheduler.queueDepth == 0)

        for task in heavy { task.cancel() }
        for task in heavy { _ = try? await task.value }
        #expect(scheduler.activeCount == 0)
    }

    /// The same with preemption off: the light user's request waits until a slot frees.
    @Test func withoutPreemptionTheWaiterWaitsForASlot() async throws {
        let backend = ScriptedBackend(capacity: 1, script: .init(pieces: ["x", "y"], holdAfter: 1, releasable: true), preemptible: true)
        let gateway = InferenceGateway(backend: backend, models: ["test-model"], limits: .init(), scheduling: .init(policy: .fair, preemption: false))
        let scheduler = try #require(gateway.scheduler(of: "test-model"))
        let heavy = Task { try await Self.run(gateway, Self.request("h", user: "heavy")) }
        await backend.waitForGenerations(started: 1)
        let light = Task { try await Self.run(gateway, Self.request("l", user: "light")) }
        while scheduler.queueDepth == 0 { await Task.yield() }
        #expect(backend.counts.started == 1)
        backend.release()
        #expect(try await heavy.value == "xy")
        backend.release()
        #expect(try await light.value == "xy")
        #expect(backend.counts.suspended == 0)
    }
}
