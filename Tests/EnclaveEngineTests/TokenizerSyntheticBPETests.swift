// Enclave: byte-level BPE on a small hand-made vocabulary, comparing the llama-bpe, qwen2 and gpt2
// pre-tokenizers. Expected ids are derived by hand in the comments.

import EnclaveEngine
import Foundation
import Testing

@Suite struct TokenizerSyntheticBPETests {
    /// Ids 0–255 are the byte characters with id = byte value (`Ġ` = 32 is the space, `Ċ` = 10 the newline).
    /// Then merged tokens and three control tokens:
    ///
    /// | id | text | merge (rank) |
    /// |---|---|---|
    /// | 256 | `he` | `h e` (0) |
    /// | 257 | `ll` | `l l` (1) |
    /// | 258 | `hello` | none: reachable only when whole words skip merging |
    /// | 259 | `hell` | `he ll` (2) |
    /// | 260 | `12` | `1 2` (3) |
    /// | 261 | `'T` | `' T` (4) |
    /// | 262 | `ĊĊ` | `Ċ Ċ` (5) |
    /// | 263 | `$x` | `$ x` (6) |
    /// | 264 | `<\|begin_of_text\|>` | control, BOS |
    /// | 265 | `<\|eot_id\|>` | control |
    /// | 266 | `<\|end_of_text\|>` | control, EOS |
    static func vocabulary(pre: String, extra: [(String, GGUFValue)] = []) -> GGUFWriter {
        var tokens = (0..<256).map { byte -> String in
            var scalar = UInt32(byte)
            if !((0x21...0x7E).contains(byte) || (0xA1...0xAC).contains(byte) || (0xAE...0xFF).contains(byte)) {
                let rank = (0..<byte).filter { !((0x21...0x7E).contains($0) || (0xA1...0xAC).contains($0) || (0xAE...0xFF).contains($0)) }.count
                scalar = 0x100 + UInt32(rank)
            }
            return String(Character(Unicode.Scalar(scalar)!))
        }
        tokens += ["he", "ll", "hello", "hell", "12", "'T", "ĊĊ", "$x", "<|begin_of_text|>", "<|eot_id|>", "<|end_of_text|>"]
        let types = tokens.indices.map { $0 >= 264 ? 3 : 1 }
        var writer = GGUFWriter()
        writer.add("general.architecture", .string("llama"))
        writer.add("tokenizer.ggml.model", .string("gpt2"))
        writer.add("tokenizer.ggml.pre", .string(pre))
        writer.add("tokenizer.ggml.tokens", .array(tokens.map { .string($0) }))
        writer.add("tokenizer.ggml.token_type", .array(types.map { .int32(Int32($0)) }))
        writer.add("tokenizer.ggml.merges", .array(["h e", "l l", "he ll", "1 2", "' T", "Ċ Ċ", "$ x"].map { .string($0) }))
        writer.add("tokenizer.ggml.bos_token_id", .uint32(264))
        writer.add("tokenizer.ggml.eos_token_id", .uint32(266))
        for (key, value) in extra { writer.add(key, value) }
        return writer
    }

    @Test func checksTheByteAlphabet() throws {
        let tokenizer = try TokenizerFixtures.load(Self.vocabulary(pre: "gpt2"))
        #expect(tokenizer.tokenText(32) == "Ġ")
        #expect(tokenizer.tokenText(10) == "Ċ")
        #expect(tokenizer.tokenText(0xAD) == "\u{0143}")  // Ń, the last of the 68 remapped bytes
        #expect(tokenizer.tokenBytes(0xAD, renderSpecial: false) == [0xAD])
    }

    /// Llama 3: `[^\r\n\p{L}\p{N}]?\p{L}+`, digits in threes, case-insensitive contractions, `\s*[\r\n]+`,
    /// whole-word vocabulary hits skip merging, and BOS by default.
    @Test(
        arguments: [
            ("hello", [264, 258]),  // the whole word is a token: emitted without merging
            ("12345", [264, 260, 51, 52, 53]),  // "123" "45": (1 2) 3 | 4 5
            ("DON'T", [264, 68, 79, 78, 261]),  // "DON" "'T"
            ("a \n\nb", [264, 97, 32, 262, 98]),  // "a" " \n\n" "b"
            ("$x", [264, 263]),  // "$x" is one word
            ("hellos", [264, 259, 111, 115]),  // "hellos" is not a token, so it merges: hell o s
        ] as [(String, [Int32])]
    )
    func llama3PreTokenizer(text: String, expected: [Int32]) throws {
        let tokenizer = try TokenizerFixtures.load(Self.vocabulary(pre: "llama-bpe"))
        #expect(tokenizer.addsBOS)
        #expect(tokenizer.encode(text, addSpecial: true, parseSpecial: false) == expected)
        #expect(tokenizer.decode(expected, renderSpecial: false) == text)
    }

    /// Qwen2: the Llama-3 pattern with one digit per word, merges always run, no BOS by default.
    @Test(
        arguments: [
            ("hello", [259, 111]),
            ("12345", [49, 50, 51, 52, 53]),
            ("DON'T", [68, 79, 78, 261]),
            ("a \n\nb", [97, 32, 262, 98]),
            ("$x", [263]),
        ] as [(String, [Int32])]
    )
    func qwen2PreTokenizer(text: String, expected: [Int32]) throws {
        let tokenizer = try TokenizerFixtures.load(Self.vocabulary(pre: "qwen2"))
        #expect(!tokenizer.addsBOS)
        #expect(tokenizer.encode(text, addSpecial: true, parseSpecial: false) == expected)
        #expect(tokenizer.decode(expected, renderSpecial: false) == text)
    }

    /// GPT-2: ` ?\p{N}+`, case-sensitive contractions, `\s+(?!\S)`, punctuation apart from letters.
    @Test(
        arguments: [
            ("hello", [259, 111]),
            ("12345", [260, 51, 52, 53]),  // one word "12345": (1 2) 3 4 5
            ("DON'T", [68, 79, 78, 39, 84]),  // "DON" "'" "T"
            ("a \n\nb", [97, 32, 10, 10, 98]),  // "a" " \n" "\n" "b"
            ("$x", [36, 120]),  // "$" "x"
        ] as [(String, [Int32])]
    )
    func gpt2PreTokenizer(text: String, expected: [Int32]) throws {
        let tokenizer = try TokenizerFixtures.load(Self.vocabulary(pre: "gpt2"))
        #expect(tokenizer.encode(text, addSpecial: true, parseSpecial: false) == expected)
        #expect(tokenizer.decode(expected, renderSpecial: false) == text)
    }

    /// SmolLM: every digit alone first, so "12" never merges.
    @Test func smolLMPreTokenizerSplitsDigits() throws {
        let tokenizer = try TokenizerFixtures.load(Self.vocabulary(pre: "starcoder"))
        #expect(tokenizer.encode("12345", addSpecial: false, parseSpecial: false) == [49, 50, 51, 52, 53])
        #expect(tokenizer.encode("he12", addSpecial: false, parseSpecial: false) == [256, 49, 50])
        #expect(tokenizer.tokenizerFamily == "bpe/starcoder")
    }

    @Test func controlTokensAndEndOfGeneration() throws {
        let tokenizer = try TokenizerFixtures.load(Self.vocabulary(pre: "llama-bpe"))
        let chat = "<|begin_of_text|>hello<|eot_id|>"
        #expect(tokenizer.encode(chat, addSpecial: false, parseSpecial: true) == [264, 258, 265])
        let literal = tokenizer.encode(chat, addSpecial: false, parseSpecial: false)
        #expect(!literal.contains { $0 >= 264 })
        #expect(tokenizer.decode(literal, renderSpecial: false) == chat)
        #expect(tokenizer.decode([264, 258, 265], renderSpecial: false) == "hello")
        #expect(tokenizer.bosTokenID == 264)
        #expect(tokenizer.eosTokenID == 266)
        #expect(tokenizer.endOfGenerationTokenIDs == [265, 266])
    }

    @Test func metadataOverridesTheBOSDefault() throws {
        let noBOS = try TokenizerFixtures.load(Self.vocabulary(pre: "llama-bpe", extra: [("tokenizer.ggml.add_bos_token", .bool(false))]))
        #expect(!noBOS.addsBOS)
        #expect(noBOS.encode("hello", addSpecial: true, parseSpecial: false) == [258])
        let withBoth = try TokenizerFixtures.load(
            Self.vocabulary(
                pre: "qwen2",
                extra: [
                    ("tokenizer.ggml.add_bos_token", .bool(true)), ("tokenizer.ggml.add_eos_token", .bool(true)),
                ]
            )
        )
        #expect(withBoth.encode("$x", addSpecial: true, parseSpecial: false) == [264, 263, 266])
        #expect(withBoth.encode("$x", addSpecial: false, parseSpecial: false) == [263])
    }
}
