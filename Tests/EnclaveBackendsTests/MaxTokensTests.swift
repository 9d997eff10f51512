// Enclave backends: max_tokens arithmetic on client-supplied integers (issue 10: Int.max killed the process).

import EnclaveBackends
import EnclaveCore
import Testing

@Suite struct MaxTokensTests {
    func maxTokens(_ requested: Int?, prompt: Int = 10, context: Int = 8192, kv: Int = 8192) throws -> Int {
        try EmbeddedBackend.maxTokens(requested: requested, promptTokens: prompt, context: context, kvCapacity: kv)
    }

    @Test func fitsOrDefaultsToTheRoomLeft() throws {
        #expect(try maxTokens(nil) == 8182)
        #expect(try maxTokens(100) == 100)
        #expect(try maxTokens(8182) == 8182)
        #expect(try maxTokens(nil, kv: 4096) == 4086)
    }

    // With a 10-token prompt each of these overflows `prompt + max_tokens`.
    @Test(arguments: [Int.max, Int.max - 5, Int.max - 9])
    func hugeValuesAreRefusedByNameWithoutOverflow(requested: Int) throws {
        #expect(
            throws: InferenceError.invalidParameter(
                "max_tokens",
                "max_tokens is \(requested), but this model's context holds 8192 tokens (prompt plus completion)"
            )
        ) {
            try maxTokens(requested)
        }
    }

    @Test func justOverflowingTheContextIsAContextError() throws {
        // Int.max - 10 + 10 is representable: the message can add them without overflow.
        #expect(throws: InferenceError.contextLengthExceeded(promptTokens: 9, completionTokens: Int.max - 9, limit: 8192)) {
            try maxTokens(Int.max - 9, prompt: 9)
        }
        #expect(throws: InferenceError.contextLengthExceeded(promptTokens: 10, completionTokens: 8183, limit: 8192)) {
            try maxTokens(8183)
        }
        let error = #expect(throws: InferenceError.self) { try maxTokens(Int.max - 9, prompt: 9) }
        #expect(error?.contextLength?.completionTokens == Int.max - 9)
    }

    @Test(arguments: [0, -1, Int.min])
    func valuesBelowOneAreRefused(requested: Int) throws {
        #expect(throws: InferenceError.invalidParameter("max_tokens", "max_tokens must be at least 1, got \(requested)")) {
            try maxTokens(requested)
        }
    }

    @Test func theKVCacheBoundsOneSequence() throws {
        #expect(
            throws: InferenceError.invalidParameter(
                "max_tokens",
                "max_tokens is 5000, but only 4086 tokens fit after this 10-token prompt in the KV cache"
            )
        ) {
            try maxTokens(5000, kv: 4096)
        }
        #expect(throws: InferenceError.contextLengthExceeded(promptTokens: 10, limit: 10)) { try maxTokens(nil, context: 10) }
        #expect(throws: InferenceError.invalidParameter("prompt", "the prompt is empty")) { try maxTokens(nil, prompt: 0) }
    }
}
