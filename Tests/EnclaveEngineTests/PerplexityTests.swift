// Enclave: perplexity on gpl-3.txt within 2% of llama.cpp's figures, with the same token counts.

import EnclaveEngine
import Foundation
import Testing

@Suite(.serialized) struct PerplexityTests {
    static func evaluate(_ path: String) async throws -> PerplexityResult {
        try await offCooperativePool { try evaluateBlocking(path) }
    }

    static func evaluateBlocking(_ path: String) throws -> PerplexityResult {
        let model = try Model(path: TestModels.require(path))
        let text = try String(contentsOfFile: TestModels.evalText, encoding: .utf8)
        var evaluator = PerplexityEvaluator(model: model, tokenizer: model.tokenizer)
        evaluator.threads = 2
        return try evaluator.evaluate(text: text)
    }

    /// llama.cpp (llama-cpp-python 0.3.36, CPU): 18.3757 over 7,639 tokens (Tests/Data/README.md).
    @Test func smolLM2() async throws {
        let r = try await Self.evaluate(TestModels.smolLM2)
        #expect(r.tokens == 7639)
        #expect(r.scored == 3584)
        #expect(abs(r.perplexity / 18.3757 - 1) < 0.02, "perplexity \(r.perplexity)")
    }

    /// llama.cpp: 13.884 over 7,562 tokens.
    @Test func gemma3() async throws {
        let r = try await Self.evaluate(TestModels.gemma3)
        #expect(r.tokens == 7562)
        #expect(r.scored == 3584)
        #expect(abs(r.perplexity / 13.884 - 1) < 0.02, "perplexity \(r.perplexity)")
    }

    @Test func textShorterThanOneWindowIsAnError() throws {
        let model = try Model(path: TestModels.require(TestModels.smolLM2))
        let evaluator = PerplexityEvaluator(model: model, tokenizer: model.tokenizer)
        let error = #expect(throws: ModelError.self) { try evaluator.evaluate(text: "too short") }
        #expect(error?.message.contains("fewer than one window") == true)
    }
}
