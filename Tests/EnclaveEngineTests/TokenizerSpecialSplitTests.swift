// Enclave: special tokens are cut out in llama.cpp's order (longer text first, then lower id),
// which differs from a leftmost-longest scan when tokens overlap.

import EnclaveEngine
import Foundation
import Testing

@Suite struct TokenizerSpecialSplitTests {
    /// Byte characters with id = byte value (no merges), then 256 `xy`, 257 `yzw`, 258 `ab`, 259 `ba` and
    /// 261 `<ctl` (user-defined), and 260 `<ctl>` (control).
    static func tokenizer() throws -> any Tokenizer {
        let base = TokenizerSyntheticBPETests.vocabulary(pre: "gpt2")
        var tokens = try TokenizerFixtures.metadata(base).stringArray("tokenizer.ggml.tokens") ?? []
        tokens = Array(tokens.prefix(256)) + ["xy", "yzw", "ab", "ba", "<ctl>", "<ctl"]
        let types = tokens.indices.map { $0 == 260 ? 3 : $0 >= 256 ? 4 : 1 }
        var writer = GGUFWriter()
        writer.add("tokenizer.ggml.model", .string("gpt2"))
        writer.add("tokenizer.ggml.pre", .string("gpt2"))
        writer.add("tokenizer.ggml.tokens", .array(tokens.map { .string($0) }))
        writer.add("tokenizer.ggml.token_type", .array(types.map { .int32(Int32($0)) }))
        writer.add("tokenizer.ggml.merges", .array([]))
        return try TokenizerFixtures.load(writer)
    }

    @Test(
        arguments: [
            ("xyzw", [120, 257]),  // the longer `yzw` wins although `xy` starts first
            ("aba", [258, 97]),  // equal lengths: the lower id (`ab`) first
            ("xyxy", [256, 256]),
            ("<ctl>", [261, 62]),  // the control token needs special parsing; the user-defined prefix does not
            ("q<ctl>xyzw<ctl", [113, 261, 62, 120, 257, 261]),
        ] as [(String, [Int32])]
    )
    func cutsUserDefinedTokensLongestFirst(text: String, expected: [Int32]) throws {
        let tokenizer = try Self.tokenizer()
        #expect(tokenizer.encode(text, addSpecial: false, parseSpecial: false) == expected)
        #expect(tokenizer.decode(expected, renderSpecial: false) == text)
    }

    @Test func matchesControlTokensWithSpecialParsing() throws {
        let tokenizer = try Self.tokenizer()
        #expect(tokenizer.encode("<ctl>", addSpecial: false, parseSpecial: true) == [260])
        #expect(tokenizer.encode("a<ctl>yzw<ctl", addSpecial: false, parseSpecial: true) == [97, 260, 257, 261])
        #expect(tokenizer.decode([97, 260, 257], renderSpecial: false) == "ayzw")
        #expect(tokenizer.decode([97, 260, 257], renderSpecial: true) == "a<ctl>yzw")
    }

    /// Many overlapping user-defined tokens (and one control token) after the 256 byte characters.
    static let overlapping = ["yz", "xy", "zwx", "yzw", "aa", "wxy", "bab", "aaa", "ab", "ba", "<ctl", "<ctl>", "zw", "wx"]

    /// llama.cpp's algorithm, written directly: for each eligible token, longest text first (then lower id),
    /// cut every occurrence out of each remaining plain-text fragment, left to right.
    static func sequentialCut(_ text: [UInt8], parseSpecial: Bool) -> [Int32] {
        enum Piece {
            case text([UInt8])
            case token(Int32)
        }
        let order = overlapping.indices
            .filter { parseSpecial || overlapping[$0] != "<ctl>" }
            .sorted { a, b in
                overlapping[a].utf8.count != overlapping[b].utf8.count
                    ? overlapping[a].utf8.count > overlapping[b].utf8.count : a < b
            }
        var pieces: [Piece] = text.isEmpty ? [] : [.text(text)]
        for index in order {
            let needle = Array(overlapping[index].utf8)
            pieces = pieces.flatMap { piece -> [Piece] in
                guard case .text(var rest) = piece else { return [piece] }
                var out: [Piece] = []
                while let at = firstIndex(of: needle, in: rest) {
                    if at > 0 { out.append(.text(Array(rest[..<at]))) }
                    out.append(.token(Int32(256 + index)))
                    rest = Array(rest[(at + needle.count)...])
                }
                if !rest.isEmpty { out.append(.text(rest)) }
                return out
            }
        }
        return pieces.flatMap { piece -> [Int32] in
            switch piece {
            case .text(let bytes): bytes.map { Int32($0) }
            case .token(let id): [id]
            }
        }
    }

    static func firstIndex(of needle: [UInt8], in haystack: [UInt8]) -> Int? {
        guard haystack.count >= needle.count else { return nil }
        return (0...(haystack.count - needle.count)).first { Array(haystack[$0..<($0 + needle.count)]) == needle }
    }

    @Test func randomTextsMatchSequentialCutting() throws {
        let base = TokenizerSyntheticBPETests.vocabulary(pre: "gpt2")
        let tokens = Array((try TokenizerFixtures.metadata(base).stringArray("tokenizer.ggml.tokens") ?? []).prefix(256)) + Self.overlapping
        var writer = GGUFWriter()
        writer.add("tokenizer.ggml.model", .string("gpt2"))
        writer.add("tokenizer.ggml.pre", .string("gpt2"))
        writer.add("tokenizer.ggml.tokens", .array(tokens.map { .string($0) }))
        writer.add("tokenizer.ggml.token_type", .array(tokens.indices.map { .int32($0 < 256 ? 1 : tokens[$0] == "<ctl>" ? 3 : 4) }))
        writer.add("tokenizer.ggml.merges", .array([]))
        let tokenizer = try TokenizerFixtures.load(writer)

        var state: UInt64 = 0x2545_F491_4F6C_DD1D
        func next(_ bound: Int) -> Int {
            state ^= state << 13
            state ^= state >> 7
            state ^= state << 17
            return Int(state % UInt64(bound))
        }
        let alphabet = Array("xyzwab<ctl> ".utf8)
        for _ in 0..<2_000 {
            let text = (0..<next(40)).map { _ in alphabet[next(alphabet.count)] }
            let string = String(decoding: text, as: UTF8.self)
            for parseSpecial in [false, true] {
                #expect(
                    tokenizer.encode(string, addSpecial: false, parseSpecial: parseSpecial)
                        == Self.sequentialCut(text, parseSpecial: parseSpecial),
                    "\(string.debugDescription)"
                )
            }
        }
    }
}
