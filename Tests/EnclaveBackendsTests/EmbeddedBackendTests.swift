// Enclave backends: the embedded engine behind the seam, with the real default model.

import EnclaveBackends
import EnclaveCore
import Foundation
import Logging
import Testing

/// One SmolLM2 backend shared by the tests of this file (loading it takes about a second).
private let smolLM2: EmbeddedBackend? = {
    let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
    let path = root.appendingPathComponent("models/SmolLM2-135M-Instruct.Q4_1.gguf").path
    guard FileManager.default.fileExists(atPath: path) else { return nil }
    return try? EmbeddedBackend(model: ModelConfiguration(id: "smollm2", file: path, contextLength: 512), logger: Logger(label: "test"))
}()

@Suite(.timeLimit(.minutes(2))) struct EmbeddedBackendTests {
    func backend() throws -> EmbeddedBackend {
        guard let smolLM2 else {
            Issue.record("models/SmolLM2-135M-Instruct.Q4_1.gguf is missing: run `make models` first")
            throw CancellationError()
        }
        return smolLM2
    }

    func request(_ parameters: InferenceParameters) -> InferenceRequest {
        InferenceRequest(id: "r", model: "smollm2", prompt: .text("Once upon a time"), parameters: parameters, principal: "p")
    }

    @Test func passesItsSanityGeneration() async throws {
        try await backend().checkHealth()
    }

    @Test(arguments: [Int.max, Int.max - 3, Int(Int32.max), 1 << 62])
    func hugeMaxTokensAreRefusedNotFatal(maxTokens: Int) async throws {
        let error = await #expect(throws: InferenceError.self) {
            try await self.backend().prepare(self.request(.init(maxTokens: maxTokens)))
        }
        #expect(error?.code == .contextLengthExceeded || error?.parameter == "max_tokens")
    }

    @Test func samplingErrorsNameTheirParameter() async throws {
        let backend = try backend()
        // A tiny top_p becomes 0 as a Float: outside (0, 1].
        let topP = await #expect(throws: InferenceError.self) { try await backend.prepare(self.request(.init(topP: 1e-50))) }
        #expect(topP?.parameter == "top_p")
        let temperature = await #expect(throws: InferenceError.self) {
            try await backend.prepare(self.request(.init(temperature: 1e300)))
        }
        #expect(temperature?.parameter == "temperature")
        let penalty = await #expect(throws: InferenceError.self) {
            try await backend.prepare(self.request(.init(frequencyPenalty: 1e300)))
        }
        #expect(penalty?.parameter == "frequency_penalty")
        let stop = await #expect(throws: InferenceError.self) {
            try await backend.prepare(self.request(.init(stop: ["a", "b", "c", "d", "e"])))
        }
        #expect(stop?.parameter == "stop")
        let logprobs = await #expect(throws: InferenceError.self) {
            try await backend.prepare(self.request(.init(logprobs: true, topLogprobs: Int.max)))
        }
        #expect(logprobs?.parameter == "top_logprobs")
    }

    @Test func extremeSeedsGenerate() async throws {
        let backend = try backend()
        for seed in [UInt64.max, 0, UInt64(Int64.max) + 1] {
            let prepared = try await backend.prepare(request(.init(maxTokens: 3, temperature: 1, seed: seed)))
            var usage: InferenceUsage?
            for try await event in backend.generate(prepared) {
                if case .finished(_, let u) = event { usage = u }
            }
            #expect(usage?.completionTokens ?? 0 <= 3)
        }
    }

    @Test func countersAreCountersAndGaugesAreGauges() async throws {
        let samples = try await backend().gauges()
        #expect(samples.filter { $0.name.hasSuffix("_total") }.allSatisfy { $0.kind == .counter })
        #expect(samples.filter { !$0.name.hasSuffix("_total") }.allSatisfy { $0.kind == .gauge })
        #expect(samples.contains { $0.name == "enclave_engine_preemptions_total" })
    }
}
