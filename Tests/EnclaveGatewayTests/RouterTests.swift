// Enclave gateway: routing models to their own backends and schedulers.

import EnclaveCore
import EnclaveGateway
import EnclaveTesting
import Testing

@Suite struct RouterTests {
    /// Two models, each behind its own loading backend, as `enclave serve` builds them.
    func twoModels() -> (gateway: InferenceGateway, good: LoadingBackend, bad: LoadingBackend) {
        let good = LoadingBackend(model: ModelConfiguration(id: "good", file: "good.gguf"))
        let bad = LoadingBackend(model: ModelConfiguration(id: "bad", file: "/private/models/bad.gguf"))
        let gateway = InferenceGateway(
            backends: [RoutedBackend(models: ["good"], backend: good), RoutedBackend(models: ["bad"], backend: bad)],
            limits: .init(queueLength: 4)
        )
        return (gateway, good, bad)
    }

    @Test func oneModelThatFailsToLoadLeavesTheOtherServing() async throws {
        let (gateway, good, bad) = twoModels()
        #expect(await gateway.statuses().map(\.stateName) == ["loading", "loading"])

        let real = ScriptedBackend(models: [.init(id: "good")], capacity: 2, script: .init(pieces: ["fine"]))
        #expect(await good.load { real } == nil)
        let failure = await bad.load {
            throw ModelLoadFailure(reason: "the model file is truncated", detail: "/private/models/bad.gguf: file ends at byte 12")
        }
        #expect(failure?.reason == "the model file is truncated")
        #expect(failure?.detail.contains("/private/models/bad.gguf") == true)

        let statuses = await gateway.statuses()
        #expect(statuses.map(\.id) == ["good", "bad"])
        #expect(statuses.map(\.state) == [.ready, .failed("the model file is truncated")])
        #expect(statuses.map(\.capacity) == [2, 1])
        await #expect(throws: InferenceError.unavailable("bad", reason: "the model file is truncated")) {
            try await gateway.prepare(request(model: "bad"))
        }

        let submission = try gateway.submit(try await gateway.prepare(request(model: "good")))
        let text = try await submission.run { events in
            var text = ""
            for try await event in events { if case .delta(let delta, _) = event { text += delta } }
            return text
        }
        #expect(text == "fine")
    }

    @Test func aFailureThatIsNotALoadFailureHidesItsDetailFromTheState() async throws {
        let (gateway, _, bad) = twoModels()
        struct EngineError: Error, CustomStringConvertible {
            var description: String { "/private/models/bad.gguf: not a GGUF file" }
        }
        let failure = await bad.load { throw EngineError() }
        #expect(failure?.detail.contains("/private/models/bad.gguf") == true)
        guard case .failed(let reason) = await gateway.state(of: "bad") else {
            Issue.record("the model is not failed")
            return
        }
        #expect(reason == "the model could not be loaded")
        #expect(!reason.contains("/private"))
    }

    @Test func eachBackendHasItsOwnCapacity() async throws {
        let (gateway, good, bad) = twoModels()
        let slow = ScriptedBackend(models: [.init(id: "good")], capacity: 1, script: .init(pieces: ["a", "b"], holdAfter: 1))
        let fast = ScriptedBackend(models: [.init(id: "bad")], capacity: 1, script: .init(pieces: ["ok"]))
        await good.load { slow }
        await bad.load { fast }

        // The slow model's only slot is taken and its next request waits ...
        let running = try gateway.submit(try await gateway.prepare(request(model: "good")))
        let held = Task { try await running.run { events in for try await _ in events {} } }
        await slow.waitForGenerations(started: 1)
        let queued = try gateway.submit(try await gateway.prepare(request(model: "good")))
        #expect(gateway.scheduler(of: "good")?.queueDepth == 1)

        // ... while the other model, with its own scheduler, answers at once.
        let other = try gateway.submit(try await gateway.prepare(request(model: "bad")))
        #expect(gateway.scheduler(of: "bad")?.activeCount == 1)
        try await other.run { events in for try await _ in events {} }
        #expect(fast.counts.finished == 1)

        held.cancel()
        _ = try? await held.value
        // The freed slot goes to the request that waited.
        #expect(gateway.scheduler(of: "good")?.queueDepth == 0)
        #expect(gateway.scheduler(of: "good")?.activeCount == 1)
        withExtendedLifetime(queued) {}
    }

    @Test func shutdownStopsEveryLoadedBackend() async throws {
        let (gateway, good, bad) = twoModels()
        let first = ScriptedBackend(models: [.init(id: "good")])
        let second = ScriptedBackend(models: [.init(id: "bad")])
        await good.load { first }
        await bad.load { second }
        await gateway.shutdown()
        #expect(first.shutdownCount == 1 && second.shutdownCount == 1)
    }
}
