// Enclave: BERT WordPiece tokenization on the real all-MiniLM-L6-v2 vocabulary (engine-facts.md §6, §7.5).

import EnclaveEngine
import Foundation
import Testing

@Suite struct WordPieceTokenizerTests {
    static func miniLM() throws -> WordPieceTokenizer {
        try WordPieceTokenizer(vocabularyFile: TestModels.require(TestModels.miniLM) + "/vocab.txt")
    }

    @Test(
        arguments: [
            ("A man is eating food.", [101, 1037, 2158, 2003, 5983, 2833, 1012, 102]),
            ("A man is eating a piece of bread.", [101, 1037, 2158, 2003, 5983, 1037, 3538, 1997, 7852, 1012, 102]),
            ("Héllo, WORLD! 東京 don't", [101, 7592, 1010, 2088, 999, 1879, 1755, 2123, 1005, 1056, 102]),
            ("unaffable", [101, 14477, 20961, 3468, 102]),
        ] as [(String, [Int])]
    )
    func encodesFactSheetVectors(text: String, expected: [Int]) throws {
        #expect(try Self.miniLM().encode(text, maxLength: 256) == expected)
    }

    @Test func stripsAccentsAndLowercases() throws {
        let tokenizer = try Self.miniLM()
        #expect(tokenizer.wordPieces("CAFÉ Déjà") == tokenizer.wordPieces("cafe deja"))
        #expect(tokenizer.wordPieces("naïve") == tokenizer.wordPieces("naive"))
    }

    @Test func splitsEveryPunctuationCharacter() throws {
        let tokenizer = try Self.miniLM()
        let bang = try #require(tokenizer.tokens.firstIndex(of: "!"))
        let hi = try #require(tokenizer.tokens.firstIndex(of: "hi"))
        let dash = try #require(tokenizer.tokens.firstIndex(of: "—"))
        #expect(tokenizer.wordPieces("hi!!") == [hi, bang, bang])
        #expect(tokenizer.wordPieces("hi—hi") == [hi, dash, hi])
    }

    @Test func emptyAndBlankTextsAreJustTheMarkers() throws {
        let tokenizer = try Self.miniLM()
        #expect(tokenizer.encode("", maxLength: 256) == [101, 102])
        #expect(tokenizer.encode(" \t\n\u{3000}", maxLength: 256) == [101, 102])
        // Control characters and U+FFFD are dropped, not split on.
        #expect(tokenizer.wordPieces("ma\u{0}n\u{FFFD}") == tokenizer.wordPieces("man"))
    }

    @Test func unknownWordsBecomeOneUnknownToken() throws {
        let tokenizer = try Self.miniLM()
        #expect(tokenizer.encode(String(repeating: "a", count: 101), maxLength: 256) == [101, 100, 102])
        // A character the vocabulary lacks makes the whole word [UNK], not just its piece.
        #expect(tokenizer.wordPieces("man\u{1F99C}man") == [100])
        #expect(tokenizer.wordPieces("man \u{1F99C}") == [2158, 100])
    }

    @Test func greedyLongestMatchOnASyntheticVocabulary() throws {
        let tokenizer = try WordPieceTokenizer(tokens: ["[PAD]", "[UNK]", "[CLS]", "[SEP]", "un", "unaff", "##aff", "##able", "##a", "##ble"])
        #expect(tokenizer.wordPieces("unaffable") == [5, 7])
        #expect(tokenizer.wordPieces("unable") == [4, 7])
        #expect(tokenizer.wordPieces("unx") == [1])
        #expect(throws: SafetensorsError.self) { try WordPieceTokenizer(tokens: ["[PAD]", "[CLS]", "[SEP]"]) }
    }

    @Test func truncatesToTheSequenceLengthKeepingTheMarkers() throws {
        let tokenizer = try Self.miniLM()
        let text = Array(repeating: "food", count: 600).joined(separator: " ")
        let ids = tokenizer.encode(text, maxLength: 256)
        #expect(ids.count == 256)
        #expect(ids.first == 101 && ids.last == 102)
        #expect(ids[1..<255].allSatisfy { $0 == 2833 })
        #expect(tokenizer.wordPieces(text).count == 600)
    }
}
