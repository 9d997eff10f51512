// Enclave: SentencePiece BPE on a small Llama-2-style vocabulary (add_space_prefix on by default,
// `<0xXX>` byte fallback, BOS `<s>` by default). Expected ids are derived by hand in the comments.

import EnclaveEngine
import Foundation
import Testing

@Suite struct TokenizerSyntheticSentencePieceTests {
    /// 0 `<unk>`, 1 `<s>`, 2 `</s>`, 3–258 `<0x00>`…`<0xFF>`, then (score):
    /// 259 `▁`, 260 `a`, 261 `b`, 262 `c`, 263 `h`, 264 `i`, 265 `x`, 266 `y`, 267 `z` (all −100),
    /// 268 `ab` (−2), 269 `bc` (−1), 270 `xy` (−3), 271 `yz` (−3), 272 `▁a` (−50), 273 `▁hi` (−4),
    /// 274 `<sep>` (user-defined), 275 `hi` (−5).
    /// No special-token ids and no BOS/EOS/prefix keys: llama.cpp's SentencePiece defaults apply.
    static func vocabulary(extra: [(String, GGUFValue)] = []) -> GGUFWriter {
        var tokens = ["<unk>", "<s>", "</s>"]
        var scores: [Float] = [0, 0, 0]
        var types = [2, 3, 3]
        for byte in 0..<256 {
            tokens.append(String(format: "<0x%02X>", byte))
            scores.append(0)
            types.append(6)
        }
        let normal: [(String, Float, Int)] = [
            ("▁", -100, 1), ("a", -100, 1), ("b", -100, 1), ("c", -100, 1), ("h", -100, 1), ("i", -100, 1),
            ("x", -100, 1), ("y", -100, 1), ("z", -100, 1), ("ab", -2, 1), ("bc", -1, 1), ("xy", -3, 1), ("yz", -3, 1),
            ("▁a", -50, 1), ("▁hi", -4, 1), ("<sep>", 0, 4), ("hi", -5, 1),
        ]
        for (text, score, type) in normal {
            tokens.append(text)
            scores.append(score)
            types.append(type)
        }
        var writer = GGUFWriter()
        writer.add("general.architecture", .string("llama"))
        writer.add("tokenizer.ggml.model", .string("llama"))
        writer.add("tokenizer.ggml.tokens", .array(tokens.map { .string($0) }))
        writer.add("tokenizer.ggml.scores", .array(scores.map { .float32($0) }))
        writer.add("tokenizer.ggml.token_type", .array(types.map { .int32(Int32($0)) }))
        for (key, value) in extra { writer.add(key, value) }
        return writer
    }

    @Test func usesSentencePieceDefaults() throws {
        let tokenizer = try TokenizerFixtures.load(Self.vocabulary())
        #expect(tokenizer.bosTokenID == 1)
        #expect(tokenizer.eosTokenID == 2)
        #expect(tokenizer.addsBOS)
        #expect(!tokenizer.addsEOS)
        #expect(tokenizer.endOfGenerationTokenIDs == [2])
        #expect(tokenizer.encode("", addSpecial: true, parseSpecial: false) == [1])
        #expect(tokenizer.encode("", addSpecial: false, parseSpecial: false).isEmpty)
    }

    @Test(
        arguments: [
            // "▁abc": bc (−1) beats ab (−2) although ab is further left and has the lower id; then ▁a (−50).
            ("abc", [1, 272, 269]),
            // "▁xyz": xy and yz tie at −3, so the leftmost pair merges.
            ("xyz", [1, 259, 270, 267]),
            // "▁hi▁é": h+i, then ▁+hi; "é" has no token and falls back to its bytes C3 A9 (ids 3 + byte).
            ("hi é", [1, 273, 259, 3 + 0xC3, 3 + 0xA9]),
            // The user-defined token is cut out first, and the text after it gets its own space prefix.
            ("a<sep>b", [1, 272, 274, 259, 261]),
        ] as [(String, [Int32])]
    )
    func encodesWithSpacePrefix(text: String, expected: [Int32]) throws {
        let tokenizer = try TokenizerFixtures.load(Self.vocabulary())
        #expect(tokenizer.encode(text, addSpecial: true, parseSpecial: false) == expected)
        #expect(tokenizer.decode(expected, renderSpecial: false) == text)
    }

    @Test func controlTokensOnlyWithSpecialParsing() throws {
        let tokenizer = try TokenizerFixtures.load(Self.vocabulary())
        // After `<s>` the fragment "hi" gets a space prefix: "▁hi".
        #expect(tokenizer.encode("<s>hi", addSpecial: false, parseSpecial: true) == [1, 273])
        // As text: "▁<s>hi": ▁, then '<' 's' '>' as bytes (3 + 0x3C, 3 + 0x73, 3 + 0x3E), then hi.
        let literal = tokenizer.encode("<s>hi", addSpecial: false, parseSpecial: false)
        #expect(literal == [259, 63, 118, 65, 275])
        #expect(tokenizer.decode(literal, renderSpecial: false) == "<s>hi")
        #expect(tokenizer.decode([1, 273, 2], renderSpecial: true) == "<s>hi</s>")
    }

    @Test func metadataTurnsTheSpacePrefixOff() throws {
        let tokenizer = try TokenizerFixtures.load(
            Self.vocabulary(extra: [
                ("tokenizer.ggml.add_space_prefix", .bool(false)), ("tokenizer.ggml.add_bos_token", .bool(false)),
            ])
        )
        #expect(!tokenizer.addsBOS)
        // "abc" without ▁: bc first, then a stays alone.
        #expect(tokenizer.encode("abc", addSpecial: true, parseSpecial: false) == [260, 269])
        #expect(tokenizer.decode([259, 260], renderSpecial: false) == " a")
    }
}
