// Enclave: `enclave models inspect` facts on the real models.

import EnclaveEngine
import Testing

@Suite struct ModelSummaryTests {
    @Test func smolLM2() throws {
        let s = try ModelSummary(path: TestModels.require(TestModels.smolLM2))
        #expect(s.architecture == "llama")
        #expect(s.parameters == 134_515_008)
        #expect(s.tensorTypes == ["Q4_1": 210, "F32": 61, "Q8_0": 1])
        #expect(s.contextLength == 8192)
        #expect(s.templateFamily == "chatml" && !s.usesFallbackTemplate)
        #expect(s.fileBytes == 98_362_432)
        #expect(s.fileType == "mostly Q4_1")
        #expect(s.tokenizer == "bpe/smollm")
    }

    @Test func gemma3() throws {
        let s = try ModelSummary(path: TestModels.require(TestModels.gemma3))
        #expect(s.architecture == "gemma3")
        #expect(s.parameters == 268_098_176)
        #expect(s.tensorTypes == ["F32": 109, "Q5_0": 81, "Q8_0": 10, "Q4_K": 27, "Q6_K": 9])
        #expect(s.contextLength == 32768)
        #expect(s.usesFallbackTemplate && s.templateFamily == "none")
        #expect(s.kvHeads == 1 && s.heads == 4 && s.layers == 18)
    }
}
