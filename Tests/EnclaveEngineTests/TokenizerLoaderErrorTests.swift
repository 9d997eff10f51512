// Enclave: the tokenizer loader refuses what it cannot run, with errors that name the problem.

import EnclaveEngine
import Foundation
import Testing

@Suite struct TokenizerLoaderErrorTests {
    /// A valid byte-level BPE vocabulary with the keys in `change` replaced or added and those in `removing` removed.
    static func bpe(_ change: [String: GGUFValue] = [:], removing: [String] = []) -> GGUFWriter {
        var keys: [(String, GGUFValue)] = [
            ("tokenizer.ggml.model", .string("gpt2")),
            ("tokenizer.ggml.pre", .string("qwen2")),
            ("tokenizer.ggml.tokens", .array(["a", "b", "ab", "<|endoftext|>"].map { .string($0) })),
            ("tokenizer.ggml.token_type", .array([1, 1, 1, 3].map { .int32($0) })),
            ("tokenizer.ggml.merges", .array(["a b"].map { .string($0) })),
            ("tokenizer.ggml.eos_token_id", .uint32(3)),
        ]
        keys.removeAll { key, _ in removing.contains(key) || change[key] != nil }
        keys += change.sorted { $0.key < $1.key }.map { ($0.key, $0.value) }
        var writer = GGUFWriter()
        for (key, value) in keys { writer.add(key, value) }
        return writer
    }

    static func error(_ writer: GGUFWriter) throws -> TokenizerError {
        let metadata = try TokenizerFixtures.metadata(writer)
        return try #require(throws: TokenizerError.self) { try TokenizerLoader.load(from: metadata) }
    }

    @Test func theBaseVocabularyLoads() throws {
        let tokenizer = try TokenizerFixtures.load(Self.bpe())
        #expect(tokenizer.encode("abba", addSpecial: true, parseSpecial: false) == [2, 1, 0])
        #expect(tokenizer.endOfGenerationTokenIDs == [3])
    }

    @Test func refusesUnsupportedModelsAndPreTokenizers() throws {
        let model = try Self.error(Self.bpe(["tokenizer.ggml.model": .string("bert")]))
        #expect(model.code == .unsupportedModel)
        #expect(model.message.contains("'bert'"))
        let pre = try Self.error(Self.bpe(["tokenizer.ggml.pre": .string("deepseek-llm")]))
        #expect(pre.code == .unsupportedPreTokenizer)
        #expect(pre.message.contains("unsupported pre-tokenizer 'deepseek-llm'"))
        let missingPre = try Self.error(Self.bpe(removing: ["tokenizer.ggml.pre"]))
        #expect(missingPre.code == .missingKey)
        #expect(missingPre.message.contains("tokenizer.ggml.pre"))
    }

    @Test(arguments: ["tokenizer.ggml.model", "tokenizer.ggml.tokens", "tokenizer.ggml.merges"])
    func refusesMissingKeys(key: String) throws {
        let error = try Self.error(Self.bpe(removing: [key]))
        #expect(error.code == .missingKey)
        #expect(error.message.contains(key))
    }

    @Test func refusesInconsistentArrays() throws {
        let types = try Self.error(Self.bpe(["tokenizer.ggml.token_type": .array([1, 1, 1].map { .int32($0) })]))
        #expect(types.code == .inconsistentVocabulary)
        #expect(types.message.contains("tokenizer.ggml.token_type has 3 entries but tokenizer.ggml.tokens has 4"))
        let scores = try Self.error(Self.bpe(["tokenizer.ggml.scores": .array([0, 0, 0, 0, 0].map { .float32($0) })]))
        #expect(scores.code == .inconsistentVocabulary)
        #expect(scores.message.contains("tokenizer.ggml.scores has 5 entries"))
        let eos = try Self.error(Self.bpe(["tokenizer.ggml.eos_token_id": .uint32(4)]))
        #expect(eos.code == .inconsistentVocabulary)
        #expect(eos.message.contains("tokenizer.ggml.eos_token_id = 4"))
    }

    @Test func refusesMalformedValues() throws {
        let tokens = try Self.error(Self.bpe(["tokenizer.ggml.tokens": .array([7, 8, 9, 10].map { .uint32($0) })]))
        #expect(tokens.code == .invalidValue)
        #expect(tokens.message.contains("tokenizer.ggml.tokens[0] should be a string"))
        let types = try Self.error(Self.bpe(["tokenizer.ggml.token_type": .array(["1", "1", "1", "3"].map { .string($0) })]))
        #expect(types.code == .invalidValue)
        let empty = try Self.error(Self.bpe(["tokenizer.ggml.tokens": .array([])]))
        #expect(empty.code == .invalidValue)
        let model = try Self.error(Self.bpe(["tokenizer.ggml.model": .uint32(2)]))
        #expect(model.code == .invalidValue)
        // BOS requested but the model has no BOS token.
        let bos = try Self.error(Self.bpe(["tokenizer.ggml.add_bos_token": .bool(true)]))
        #expect(bos.code == .invalidValue)
        #expect(bos.message.contains("add_bos_token"))
    }

    /// Merges that name pieces missing from the vocabulary can never apply; they are skipped, not fatal.
    @Test func skipsMergesWithUnknownPieces() throws {
        let tokenizer = try TokenizerFixtures.load(
            Self.bpe([
                "tokenizer.ggml.merges": .array(["a z", "q b", "ba", "b a", "a b"].map { .string($0) })
            ])
        )
        // "b a" names known pieces but "ba" is not a token, so only "a b" applies.
        #expect(tokenizer.encode("abba", addSpecial: false, parseSpecial: false) == [2, 1, 0])
    }
}
