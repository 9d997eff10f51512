// Enclave: byte-level BPE on the real SmolLM2 vocabulary (engine-facts.md §4.1, §7.2).

import EnclaveEngine
import Foundation
import Testing

@Suite struct TokenizerSmolLM2Tests {
    @Test(
        arguments: [
            ("Hello, world! How are you?", [19556, 28, 905, 17, 1073, 359, 346, 47]),
            ("Hello world! 123", [19556, 905, 17, 216, 33, 34, 35]),
            ("Café déjà vu.", [51, 1939, 2756, 32564, 90, 16739, 386, 101, 30]),
            ("  multiple   spaces", [216, 2701, 256, 5600]),
            ("The capital of France is", [504, 3575, 282, 4649, 314]),
            ("\n", [198]),
        ] as [(String, [Int32])]
    )
    func encodesFactSheetVectors(text: String, expected: [Int32]) throws {
        let tokenizer = try TokenizerFixtures.smolLM2()
        #expect(tokenizer.encode(text, addSpecial: true, parseSpecial: false) == expected)
        #expect(tokenizer.encode(text, addSpecial: false, parseSpecial: true) == expected)
        #expect(tokenizer.decode(expected, renderSpecial: false) == text)
    }
}

extension TokenizerSmolLM2Tests {
    @Test func encodesTheChatTemplateWithSpecialParsing() throws {
        let tokenizer = try TokenizerFixtures.smolLM2()
        let chat = "<|im_start|>user\nHello, world! How are you?<|im_end|>\n<|im_start|>assistant\n"
        let ids = tokenizer.encode(chat, addSpecial: true, parseSpecial: true)
        #expect(ids == [1, 4093, 198, 19556, 28, 905, 17, 1073, 359, 346, 47, 2, 198, 1, 520, 9531, 198])
        #expect(tokenizer.decode(ids, renderSpecial: true) == chat)
        #expect(tokenizer.decode(ids, renderSpecial: false) == "user\nHello, world! How are you?\nassistant\n")
        // Without special parsing the markers are plain text: no control token comes out, the text round-trips.
        let literal = tokenizer.encode(chat, addSpecial: false, parseSpecial: false)
        #expect(literal.allSatisfy { $0 > 16 })
        #expect(tokenizer.decode(literal, renderSpecial: false) == chat)
    }

    @Test func readsSpecialTokensFromMetadata() throws {
        let tokenizer = try TokenizerFixtures.smolLM2()
        #expect(tokenizer.vocabularySize == 49_152)
        #expect(tokenizer.bosTokenID == 1)
        #expect(tokenizer.eosTokenID == 2)
        #expect(!tokenizer.addsBOS)
        #expect(!tokenizer.addsEOS)
        #expect(tokenizer.endOfGenerationTokenIDs == [0, 2])
        #expect(tokenizer.tokenizerFamily == "bpe/smollm")
        #expect(tokenizer.tokenText(905) == "Ġworld")
        #expect(tokenizer.tokenID(forText: "<|im_end|>") == 2)
        #expect(tokenizer.tokenID(forText: "no such token") == nil)
        #expect(tokenizer.tokenBytes(905, renderSpecial: false) == Array(" world".utf8))
        #expect(tokenizer.tokenBytes(2, renderSpecial: false).isEmpty)
        #expect(tokenizer.tokenBytes(2, renderSpecial: true) == Array("<|im_end|>".utf8))
    }

    @Test func ignoresInvalidIDs() throws {
        let tokenizer = try TokenizerFixtures.smolLM2()
        #expect(tokenizer.decode([-1, 19556, 49_152, Int32.max], renderSpecial: true) == "Hello")
        #expect(tokenizer.tokenText(-3).isEmpty)
        #expect(tokenizer.tokenBytes(1_000_000, renderSpecial: true).isEmpty)
        #expect(tokenizer.encode("", addSpecial: true, parseSpecial: true).isEmpty)
    }

    /// The whole-file count that checks this tokenizer against llama.cpp (no BOS, no special parsing).
    @Test func tokenisesTheGPLLikeLlamaCpp() throws {
        let tokenizer = try TokenizerFixtures.smolLM2()
        let text = try TokenizerFixtures.evalText()
        let ids = tokenizer.encode(text, addSpecial: false, parseSpecial: false)
        #expect(ids.count == 7_639)
        #expect(tokenizer.decode(ids, renderSpecial: false) == text)
    }
}
