// Enclave: the text-level engine on the real SmolLM2 model: the reference answer, seeds, stop
// strings, limits, and cancellation.

import EnclaveEngine
import Foundation
import Testing

@Suite(.serialized) struct EngineTests {
    static func engine() throws -> Engine {
        let model = try Model(path: TestModels.require(TestModels.smolLM2))
        return try Engine(model: model, configuration: RunnerConfiguration(threads: 2, kvBudgetBytes: 64 << 20, contextLength: 2048))
    }

    static func run(_ engine: Engine, _ prompt: [Int32], _ options: GenerationOptions) async throws -> (String, SequenceEndReason?, GenerationUsage?)
    {
        var text = ""
        var reason: SequenceEndReason?
        var usage: GenerationUsage?
        for try await event in try engine.generate(prompt: prompt, options: options) {
            switch event {
            case .text(let t, _): text += t
            case .finished(let r, let u):
                reason = r
                usage = u
            case .started: break
            }
        }
        return (text, reason, usage)
    }

    @Test func greedyAnswerMatchesTheReference() async throws {
        let engine = try Self.engine()
        defer { engine.shutdown() }
        let prompt = try engine.chatPrompt([.user("What is the capital of France?")])
        #expect(
            prompt == [
                1, 9690, 198, 2683, 359, 253, 5356, 5646, 11173, 3365, 3511, 308, 34519, 28, 7018, 411, 407, 19712, 8182, 2, 198, 1, 4093, 198, 1780,
                314, 260, 3575, 282, 4649, 47, 2, 198, 1, 520, 9531, 198,
            ]
        )
        let (text, reason, usage) = try await Self.run(engine, prompt, GenerationOptions(maxTokens: 20, sampling: .greedy))
        #expect(text == "The capital of France is Paris.")
        #expect(reason == .stop)
        #expect(usage?.promptTokens == 37)
        #expect(usage?.completionTokens == 7)
    }

    @Test func sameSeedSameTextAndLimits() async throws {
        let engine = try Self.engine()
        defer { engine.shutdown() }
        let prompt = try engine.chatPrompt([.user("Write a short poem about the sea.")])
        var sampling = SamplingParameters()
        sampling.temperature = 1.0
        sampling.seed = 42
        let a = try await Self.run(engine, prompt, GenerationOptions(maxTokens: 16, sampling: sampling))
        let b = try await Self.run(engine, prompt, GenerationOptions(maxTokens: 16, sampling: sampling))
        #expect(a.0 == b.0)
        #expect(a.1 == .length && a.2?.completionTokens == 16)
        sampling.seed = 43
        let c = try await Self.run(engine, prompt, GenerationOptions(maxTokens: 16, sampling: sampling))
        #expect(c.0 != a.0)
    }

    @Test func stopStringsCutTheText() async throws {
        let engine = try Self.engine()
        defer { engine.shutdown() }
        let prompt = try engine.chatPrompt([.user("What is the capital of France?")])
        let (text, reason, _) = try await Self.run(engine, prompt, GenerationOptions(maxTokens: 20, sampling: .greedy, stop: [" of"]))
        #expect(text == "The capital")
        #expect(reason == .stop)
    }

    @Test func promptTooLongForTheContextIsAnErrorBeforeCompute() throws {
        let engine = try Self.engine()
        defer { engine.shutdown() }
        let prompt = engine.textPrompt(String(repeating: "hello world ", count: 1500))
        let error = #expect(throws: ModelError.self) { try engine.generate(prompt: prompt, options: GenerationOptions()) }
        #expect(error?.code == .contextLengthExceeded)
        let short = engine.textPrompt("hello")
        let error2 = #expect(throws: ModelError.self) { try engine.generate(prompt: short, options: GenerationOptions(maxTokens: 5000)) }
        #expect(error2?.code == .contextLengthExceeded)
    }

    @Test func cancellingAStreamFreesItsSequence() async throws {
        let engine = try Self.engine()
        defer { engine.shutdown() }
        let prompt = try engine.chatPrompt([.user("Tell me a very long story about a dragon.")])
        var chunks = 0
        for try await event in try engine.generate(prompt: prompt, options: GenerationOptions(maxTokens: 1000)) {
            if case .text = event { chunks += 1 }
            if chunks == 3 { break }
        }
        var stats = engine.runner.statistics
        for _ in 0..<400 where stats.activeSequences > 0 || stats.usedBlocks > 0 {
            try await Task.sleep(for: .milliseconds(5))
            stats = engine.runner.statistics
        }
        #expect(stats.activeSequences == 0)
        #expect(stats.usedBlocks == 0)
        #expect(stats.generatedTokens < 100)
    }
}
