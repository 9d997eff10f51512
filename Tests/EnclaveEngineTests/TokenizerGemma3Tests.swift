// Enclave: SentencePiece BPE on the real Gemma 3 vocabulary (engine-facts-gemma3.md §3, §4.1).

import EnclaveEngine
import Foundation
import Testing

@Suite struct TokenizerGemma3Tests {
    /// Rows 1–4 of the fact sheet encode the same with special parsing on or off.
    @Test(
        arguments: [
            ("Hello, world! How are you?", [2, 9259, 236764, 1902, 236888, 2088, 659, 611, 236881]),
            ("The capital of France is", [2, 818, 5279, 529, 7001, 563]),
            ("  multiple   spaces", [2, 138, 43819, 139, 35220]),
            ("Café déjà vu.\n", [2, 160319, 236859, 29234, 11042, 236761, 107]),
        ] as [(String, [Int32])]
    )
    func encodesFactSheetVectors(text: String, expected: [Int32]) throws {
        let tokenizer = try TokenizerFixtures.gemma3()
        #expect(tokenizer.encode(text, addSpecial: true, parseSpecial: false) == expected)
        #expect(tokenizer.encode(text, addSpecial: true, parseSpecial: true) == expected)
        #expect(tokenizer.decode(expected, renderSpecial: false) == text)
    }

    @Test(
        arguments: [
            ("12345 67.89", [2, 236770, 236778, 236800, 236812, 236810, 236743, 236825, 236832, 236761, 236828, 236819]),
            ("line1\nline2\n\nline3", [2, 1257, 236770, 107, 1257, 236778, 108, 1257, 236800]),
            ("<b>bold</b> and </s>", [2, 200, 15640, 209, 532, 1454, 236751, 236813]),
            ("", [2]),
        ] as [(String, [Int32])]
    )
    func encodesMoreFactSheetVectors(text: String, expected: [Int32]) throws {
        let tokenizer = try TokenizerFixtures.gemma3()
        #expect(tokenizer.encode(text, addSpecial: true, parseSpecial: false) == expected)
        #expect(tokenizer.decode(expected, renderSpecial: false) == text)
    }

    @Test func parsesTurnMarkersOnlyWithSpecialParsing() throws {
        let tokenizer = try TokenizerFixtures.gemma3()
        let text = "<start_of_turn>user\nHi<end_of_turn>\n"
        #expect(tokenizer.encode(text, addSpecial: false, parseSpecial: true) == [105, 2364, 107, 10979, 106, 107])
        let literal = tokenizer.encode("<start_of_turn>", addSpecial: false, parseSpecial: false)
        #expect(literal.count == 7)
        #expect(!literal.contains(105))
        #expect(tokenizer.decode(literal, renderSpecial: false) == "<start_of_turn>")
        // `</s>` is user-defined in the file but on llama.cpp's end-of-generation list, so it is control.
        #expect(tokenizer.encode("</s>", addSpecial: false, parseSpecial: true) == [212])
        #expect(tokenizer.decode([105, 2364, 107, 106], renderSpecial: true) == "<start_of_turn>user\n<end_of_turn>")
        #expect(tokenizer.decode([105, 2364, 107, 106], renderSpecial: false) == "user\n")
    }

    @Test func splitsUserDefinedWhitespaceAndFallsBackToBytes() throws {
        let tokenizer = try TokenizerFixtures.gemma3()
        // 35 spaces: the longest user-defined run (31) first, then 4.
        #expect(tokenizer.encode(String(repeating: " ", count: 35), addSpecial: false, parseSpecial: false) == [167, 140])
        #expect(tokenizer.encode("\u{00A0}", addSpecial: false, parseSpecial: false) == [432, 398])
        #expect(tokenizer.encode("\u{2003}", addSpecial: false, parseSpecial: false) == [464, 366, 369])
        #expect(tokenizer.encode("\r\n", addSpecial: false, parseSpecial: false) == [251, 107])
        #expect(tokenizer.decode([464, 366, 369], renderSpecial: false) == "\u{2003}")
    }

    @Test func readsSpecialTokensFromMetadata() throws {
        let tokenizer = try TokenizerFixtures.gemma3()
        #expect(tokenizer.vocabularySize == 262_144)
        #expect(tokenizer.bosTokenID == 2)
        #expect(tokenizer.eosTokenID == 1)
        #expect(tokenizer.addsBOS)
        #expect(!tokenizer.addsEOS)
        #expect(tokenizer.endOfGenerationTokenIDs == [1, 106, 212])
        #expect(tokenizer.tokenizerFamily == "spm")
        #expect(tokenizer.tokenText(5279) == "▁capital")
        #expect(tokenizer.tokenID(forText: "<end_of_turn>") == 106)
        #expect(tokenizer.tokenBytes(5279, renderSpecial: false) == Array(" capital".utf8))
        #expect(tokenizer.tokenBytes(238 + 0xF0, renderSpecial: false) == [0xF0])
        #expect(tokenizer.tokenBytes(106, renderSpecial: false).isEmpty)
        #expect(tokenizer.tokenBytes(106, renderSpecial: true) == Array("<end_of_turn>".utf8))
    }

    /// The whole-file count that checks this tokenizer against llama.cpp (no BOS, no special parsing).
    @Test func tokenisesTheGPLLikeLlamaCpp() throws {
        let tokenizer = try TokenizerFixtures.gemma3()
        let text = try TokenizerFixtures.evalText()
        let ids = tokenizer.encode(text, addSpecial: false, parseSpecial: false)
        #expect(ids.count == 7_562)
        #expect(tokenizer.decode(ids, renderSpecial: false) == text)
    }
}

extension TokenizerGemma3Tests {
    /// A long run of spaces is cut into the longest user-defined runs (31 spaces = 167, 25 spaces = 161).
    @Test func splitsLongSpaceRuns() throws {
        let tokenizer = try TokenizerFixtures.gemma3()
        let ids = tokenizer.encode(String(repeating: " ", count: 100_000), addSpecial: false, parseSpecial: true)
        #expect(ids == [Int32](repeating: 167, count: 3_225) + [161])
        #expect(
            tokenizer.encode("a" + String(repeating: " ", count: 33) + "b", addSpecial: false, parseSpecial: false)
                == tokenizer.encode("a", addSpecial: false, parseSpecial: false) + [167, 138]
                + tokenizer.encode("b", addSpecial: false, parseSpecial: false)
        )
    }
}
