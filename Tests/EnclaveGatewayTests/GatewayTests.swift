// Enclave gateway: preparing requests through the gateway.

import EnclaveCore
import EnclaveGateway
import EnclaveTesting
import Testing

func request(model: String = "test-model", prompt: String = "hello there", maxTokens: Int? = nil) -> InferenceRequest {
    InferenceRequest(id: "r", model: model, prompt: .text(prompt), parameters: .init(maxTokens: maxTokens), principal: "p")
}

@Suite struct GatewayTests {
    @Test func prepareChecksTheModelState() async throws {
        let backend = ScriptedBackend(models: [.init(id: "test-model", state: .loading)])
        let gateway = InferenceGateway(backend: backend, models: ["test-model"], limits: .init())
        await #expect(throws: InferenceError.notReady("test-model")) { try await gateway.prepare(request()) }
        await #expect(throws: InferenceError.unknownModel("other")) { try await gateway.prepare(request(model: "other")) }
        backend.setState(.failed("bad file"), of: "test-model")
        await #expect(throws: InferenceError.unavailable("test-model", reason: "bad file")) { try await gateway.prepare(request()) }
        backend.setState(.ready, of: "test-model")
        let prepared = try await gateway.prepare(request())
        #expect(prepared.promptTokenCount == 2)
    }

    @Test func aModelItsBackendDoesNotServeIsMissing() async throws {
        let gateway = InferenceGateway(backend: ScriptedBackend(), models: ["test-model", "ghost"], limits: .init())
        let statuses = await gateway.statuses()
        #expect(statuses.map(\.stateName) == ["ready", ModelState.missingName])
        #expect(await gateway.models().map(\.id) == ["test-model"])
        await #expect(throws: InferenceError.unknownModel("ghost")) { try await gateway.prepare(request(model: "ghost")) }
    }

    @Test func cancellingTheConsumerCancelsTheGeneration() async throws {
        let backend = ScriptedBackend(script: .init(pieces: ["a", "b", "c"], holdAfter: 1))
        let gateway = InferenceGateway(backend: backend, models: ["test-model"], limits: .init())
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
        #expect(gateway.scheduler(of: "test-model")?.activeCount == 0)
    }
}
