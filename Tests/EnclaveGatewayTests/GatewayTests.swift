// Enclave gateway: preparing requests and the loading backend.

import EnclaveCore
import EnclaveGateway
import EnclaveTesting
import Testing

@Suite struct GatewayTests {
    func request(model: String = "test-model", prompt: String = "hello there") -> InferenceRequest {
        InferenceRequest(id: "r", model: model, prompt: .text(prompt), parameters: .init(), principal: "p")
    }

    @Test func prepareChecksTheModelState() async throws {
        let backend = ScriptedBackend(models: [.init(id: "test-model", state: .loading)])
        let gateway = InferenceGateway(backend: backend, limits: .init())
        await #expect(throws: InferenceError.notReady("test-model")) { try await gateway.prepare(request()) }
        await #expect(throws: InferenceError.unknownModel("other")) { try await gateway.prepare(request(model: "other")) }
        backend.setState(.failed("bad file"), of: "test-model")
        await #expect(throws: InferenceError.unavailable("test-model", reason: "bad file")) { try await gateway.prepare(request()) }
        backend.setState(.ready, of: "test-model")
        let prepared = try await gateway.prepare(request())
        #expect(prepared.promptTokens.count == 2)
    }

    @Test func cancellingTheConsumerCancelsTheGeneration() async throws {
        let backend = ScriptedBackend(script: .init(pieces: ["a", "b", "c"], holdAfter: 1))
        let gateway = InferenceGateway(backend: backend, limits: .init())
        let submission = try gateway.submit(try await gateway.prepare(request()))
        let task = Task {
            try await submission.run { events in
                for try await _ in events {}
                try Task.checkCancellation()
            }
        }
        await backend.waitForGenerations(started: 1)
        task.cancel()
        await #expect(throws: CancellationError.self) { try await task.value }
        await backend.waitForCancellations(1)
        #expect(backend.counts.running == 0)
        #expect(gateway.scheduler.activeCount == 0)
    }

    @Test func loadingBackendReportsLoadingThenDelegates() async throws {
        let loading = LoadingBackend(models: [ModelConfiguration(id: "m", file: "m.gguf", contextLength: 128)])
        #expect(await loading.state(of: "m") == .loading)
        #expect(await loading.state(of: "other") == nil)
        #expect(await loading.models().map(\.id) == ["m"])
        await #expect(throws: InferenceError.notReady("m")) { try await loading.prepare(request(model: "m")) }

        let real = ScriptedBackend(models: [.init(id: "m", contextLength: 99)], capacity: 3)
        await loading.load { real }
        #expect(await loading.state(of: "m") == .ready)
        #expect(await loading.models().first?.contextLength == 99)
        #expect(loading.capacity == 3)
        _ = try await loading.prepare(request(model: "m"))
        #expect(real.counts.prepared == 1)
    }

    @Test func loadingBackendReportsFailure() async throws {
        let loading = LoadingBackend(models: [ModelConfiguration(file: "x.gguf")])
        await loading.load { throw InferenceError.internal("no engine") }
        #expect(await loading.state(of: "x") == .failed("no engine"))
        await #expect(throws: InferenceError.unavailable("x", reason: "no engine")) { try await loading.prepare(request(model: "x")) }
    }
}
