// Enclave: the streaming detokenizer never splits a UTF-8 character between chunks.

import EnclaveEngine
import Foundation
import Testing

@Suite struct TokenizerStreamingTests {
    /// Streams `ids` one token at a time; returns the chunks, including the final flush.
    static func stream(_ tokenizer: any Tokenizer, _ ids: [Int32], renderSpecial: Bool = false) -> [String] {
        var detokenizer = StreamingDetokenizer(tokenizer: tokenizer, renderSpecial: renderSpecial)
        var chunks = ids.map { detokenizer.append($0) }
        chunks.append(detokenizer.finish())
        return chunks
    }

    /// Whether some token's bytes are not valid UTF-8 on their own, i.e. a character is split across tokens.
    static func splitsACharacter(_ tokenizer: any Tokenizer, _ ids: [Int32]) -> Bool {
        ids.contains { String(validating: tokenizer.tokenBytes($0, renderSpecial: false), as: UTF8.self) == nil }
    }

    /// Gemma writes characters it has no token for as `<0xXX>` byte tokens (ids 238 + byte).
    @Test(arguments: ["🫨 shaking", "漢字テスト🫨𪚥 and 𓀀", "\u{2003}em space ∰"])
    func streamsByteFallbackTokensWhole(text: String) throws {
        let tokenizer = try TokenizerFixtures.gemma3()
        let ids = tokenizer.encode(text, addSpecial: false, parseSpecial: false)
        #expect(ids.contains { (238...493).contains($0) })
        #expect(Self.splitsACharacter(tokenizer, ids))
        let chunks = Self.stream(tokenizer, ids)
        #expect(chunks.joined() == text)
        #expect(!chunks.contains { $0.unicodeScalars.contains("\u{FFFD}") })
        // A 4-byte character comes out in one chunk, after three empty ones.
        let emoji = tokenizer.encode("🫨", addSpecial: false, parseSpecial: false)
        let emojiBytes: [Int32] = [0xF0, 0x9F, 0xAB, 0xA8]
        #expect(emoji == emojiBytes.map { 238 + $0 })
        #expect(Self.stream(tokenizer, emoji) == ["", "", "", "🫨", ""])
    }

    /// Byte-level BPE tokens can end in the middle of a CJK character or an emoji.
    @Test func streamsByteLevelBPEPiecesWhole() throws {
        let tokenizer = try TokenizerFixtures.smolLM2()
        let text = "日本語のテキスト 🦙 and 🧑‍🚀!"
        let ids = tokenizer.encode(text, addSpecial: false, parseSpecial: false)
        #expect(Self.splitsACharacter(tokenizer, ids))
        let chunks = Self.stream(tokenizer, ids)
        #expect(chunks.joined() == text)
        #expect(!chunks.contains { $0.unicodeScalars.contains("\u{FFFD}") })
        #expect(chunks.last == "")
    }

    /// A generation cut by its token limit inside a character ends with the text before it (usage still counts
    /// the cut tokens): no U+FFFD at the end of a stream or a whole response.
    @Test func dropsAnIncompleteTailAtTheEnd() throws {
        let tokenizer = try TokenizerFixtures.gemma3()
        var detokenizer = StreamingDetokenizer(tokenizer: tokenizer)
        #expect(detokenizer.append(9259) == "Hello")
        #expect(detokenizer.append(238 + 0xF0) == "")
        #expect(detokenizer.append(238 + 0x9F) == "")
        #expect(detokenizer.hasPendingBytes)
        #expect(detokenizer.finish() == "")
        #expect(!detokenizer.hasPendingBytes)
        // The detokenizer is usable again after finishing.
        #expect(detokenizer.append(9259) == "Hello")
    }

    @Test func emitsBytesThatCanNeverCompleteAtOnce() throws {
        let tokenizer = try TokenizerFixtures.gemma3()
        var detokenizer = StreamingDetokenizer(tokenizer: tokenizer)
        // A stray continuation byte, and a lead byte followed by ASCII, are invalid right away.
        #expect(detokenizer.append(238 + 0x80) == "\u{FFFD}")
        #expect(detokenizer.append(238 + 0xE2) == "")
        #expect(detokenizer.append(9259) == "\u{FFFD}Hello")
        // ED A0 would encode a surrogate: it cannot become valid, so it is not held back.
        #expect(detokenizer.append(238 + 0xED) == "")
        #expect(detokenizer.append(238 + 0xA0) != "")
        #expect(detokenizer.finish() == "")
    }

    @Test func hidesControlTokensUnlessAsked() throws {
        let tokenizer = try TokenizerFixtures.smolLM2()
        let ids = tokenizer.encode("<|im_start|>assistant\nHi!<|im_end|>", addSpecial: false, parseSpecial: true)
        #expect(Self.stream(tokenizer, ids).joined() == "assistant\nHi!")
        #expect(Self.stream(tokenizer, ids, renderSpecial: true).joined() == "<|im_start|>assistant\nHi!<|im_end|>")
        // A control token between the bytes of one character does not disturb the buffering.
        let gemma = try TokenizerFixtures.gemma3()
        let interrupted: [Int32] = [238 + 0xE2, 106, 238 + 0x80, 238 + 0x83]
        #expect(Self.stream(gemma, interrupted) == ["", "", "", "\u{2003}", ""])
    }
}
