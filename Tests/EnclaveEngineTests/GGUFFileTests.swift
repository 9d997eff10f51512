// Enclave: GGUF reader tests on the real SmolLM2/Gemma files and on corrupted synthetic files.

import EnclaveEngine
import Foundation
import Testing

@Suite struct GGUFFileTests {
    @Test func readsSmolLM2Header() throws {
        let file = try GGUFFile(path: TestModels.require(TestModels.smolLM2))
        #expect(file.version == 3)
        #expect(file.tensors.count == 272)
        #expect(file.metadata.keys.count == 33)
        #expect(file.alignment == 32)
        #expect(file.dataOffset == 1_785_664)
        #expect(file.metadata.string("general.architecture") == "llama")
        #expect(file.metadata.int("llama.block_count") == 30)
        #expect(file.metadata.int("llama.embedding_length") == 576)
        #expect(file.metadata.double("llama.rope.freq_base") == 100_000)
        let embd = try #require(file.tensor(named: "token_embd.weight"))
        #expect(embd.shape == [576, 49152])
        #expect(embd.type == .q8_0)
        #expect(embd.rowBytes == 612)
        #expect(embd.fileOffset == 1_785_664)
        let norm = try #require(file.tensor(named: "blk.0.attn_norm.weight"))
        #expect(norm.fileOffset - file.dataOffset == 30_081_024)
        let last = try #require(file.tensor(named: "output_norm.weight"))
        #expect(last.fileOffset + last.byteCount == file.fileSize)
        let tokens = try #require(try file.metadata.stringArray("tokenizer.ggml.tokens"))
        #expect(tokens.count == 49152)
        #expect(tokens[1] == "<|im_start|>")
    }

    @Test func readsGemma3Header() throws {
        let file = try GGUFFile(path: TestModels.require(TestModels.gemma3))
        #expect(file.tensors.count == 236)
        #expect(file.dataOffset == 6_525_120)
        #expect(file.metadata.string("general.architecture") == "gemma3")
        #expect(file.metadata.int("gemma3.attention.sliding_window") == 512)
        #expect(file.tensor(named: "token_embd.weight")?.fileOffset == 6_525_120 + 2_560)
        let types = Dictionary(grouping: file.tensors, by: \.type).mapValues(\.count)
        #expect(types[.f32] == 109 && types[.q5_0] == 81 && types[.q8_0] == 10 && types[.q4_K] == 27 && types[.q6_K] == 9)
    }

    @Test func rejectsNonGGUF() throws {
        let path = TestModels.temporaryPath("not.gguf")
        try Data("hello, this is not a model at all".utf8).write(to: URL(fileURLWithPath: path))
        let error = try #require(throws: GGUFError.self) { try GGUFFile(path: path) }
        #expect(error.code == .notGGUF)
        #expect(error.message.contains(path))
    }

    @Test func rejectsMissingAndEmptyFiles() throws {
        #expect(throws: GGUFError.self) { try GGUFFile(path: "/nonexistent/model.gguf") }
        let path = TestModels.temporaryPath("empty.gguf")
        FileManager.default.createFile(atPath: path, contents: Data())
        let error = try #require(throws: GGUFError.self) { try GGUFFile(path: path) }
        #expect(error.code == .truncated)
    }

    @Test func rejectsUnsupportedVersion() throws {
        var bytes = [UInt8](Self.synthetic())
        bytes[4] = 7
        let error = try #require(throws: GGUFError.self) { try Self.open(bytes) }
        #expect(error.code == .unsupportedVersion)
        #expect(error.message.contains("version 7"))
    }

    /// Truncating a valid file at every offset never crashes and always names the problem.
    @Test func truncationAtEveryOffsetIsAnError() throws {
        let full = [UInt8](Self.synthetic())
        _ = try Self.open(full)
        for cut in stride(from: 0, to: full.count, by: 1) {
            do {
                _ = try Self.open(Array(full[..<cut]))
                Issue.record("truncation at \(cut) of \(full.count) was accepted")
            } catch let error as GGUFError {
                #expect([.truncated, .notGGUF, .corrupt].contains(error.code), "cut \(cut): \(error)")
            }
        }
    }

    /// A truncated copy of the real model is refused at load with a message about the download.
    @Test func truncatedRealModelIsRefused() throws {
        let source = try TestModels.require(TestModels.smolLM2)
        let data = try Data(contentsOf: URL(fileURLWithPath: source), options: .alwaysMapped)
        for cut in [10, 1000, 1_785_000, 50_000_000, data.count - 1] {
            let path = TestModels.temporaryPath("cut.gguf")
            try data.prefix(cut).write(to: URL(fileURLWithPath: path))
            defer { try? FileManager.default.removeItem(atPath: path) }
            let error = try #require(throws: GGUFError.self) { try GGUFFile(path: path) }
            #expect(error.code == .truncated, "cut \(cut): \(error)")
            #expect(error.message.contains("incomplete"))
        }
    }

    /// Flipping header bytes gives errors or a file that still validates; never a crash or hang.
    @Test func flippedHeaderBytesNeverCrash() throws {
        let full = [UInt8](Self.synthetic())
        for position in 0..<min(full.count, 400) {
            for value: UInt8 in [0x00, 0xFF, 0x7F, 0x80] {
                var bytes = full
                bytes[position] = value
                if let file = try? Self.open(bytes) {
                    for t in file.tensors { #expect(t.fileOffset + t.byteCount <= file.fileSize) }
                }
            }
        }
    }

    @Test func absurdCountsAreRejectedBeforeAllocating() throws {
        var bytes = [UInt8](Self.synthetic())
        // tensor_count at offset 8, kv_count at 16.
        bytes.replaceSubrange(8..<16, with: [0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0x7F])
        let error = try #require(throws: GGUFError.self) { try Self.open(bytes) }
        #expect(error.code == .corrupt)
        #expect(error.message.contains("tensor count"))
        var bytes2 = [UInt8](Self.synthetic())
        bytes2.replaceSubrange(16..<24, with: [0, 0, 0, 0, 0, 0, 0, 1])
        let error2 = try #require(throws: GGUFError.self) { try Self.open(bytes2) }
        #expect(error2.code == .corrupt)
    }

    @Test func absurdDimensionsAndTypesAreRejected() throws {
        var w = GGUFWriter()
        w.add("general.architecture", .string("llama"))
        w.addTensor("big", shape: [1 << 20, 1 << 20, 1 << 20], type: .f32, data: [])
        #expect(throws: GGUFError.self) { try Self.open([UInt8](w.data())) }

        var w2 = GGUFWriter()
        w2.addTensor("weird", shape: [32], type: GGMLType(rawValue: 99), data: [UInt8](repeating: 0, count: 64))
        let e2 = try #require(throws: GGUFError.self) { try Self.open([UInt8](w2.data())) }
        #expect(e2.code == .unsupportedType)
        #expect(e2.message.contains("99"))

        var w3 = GGUFWriter()
        w3.addTensor("ragged", shape: [33, 2], type: .q4_0, data: [UInt8](repeating: 0, count: 64))
        let e3 = try #require(throws: GGUFError.self) { try Self.open([UInt8](w3.data())) }
        #expect(e3.message.contains("block size"))
    }

    @Test func everyMetadataTypeRoundTrips() throws {
        var w = GGUFWriter(alignment: 64)
        let values: [(String, GGUFValue)] = [
            ("a.u8", .uint8(200)), ("a.i8", .int8(-5)), ("a.u16", .uint16(60000)), ("a.i16", .int16(-300)),
            ("a.u32", .uint32(4_000_000_000)), ("a.i32", .int32(-7)), ("a.f32", .float32(1.5)), ("a.bool", .bool(true)),
            ("a.str", .string("héllo")), ("a.u64", .uint64(1 << 40)), ("a.i64", .int64(-(1 << 40))), ("a.f64", .float64(2.25)),
            ("a.arr", .array([.string("x"), .string("y")])), ("a.nested", .array([.array([.int32(1), .int32(2)])])),
        ]
        for (k, v) in values { w.add(k, v) }
        w.addTensor("t", shape: [4], floats: [1, 2, 3, 4])
        let file = try Self.open([UInt8](w.data()))
        #expect(file.alignment == 64)
        for (k, v) in values { #expect(file.metadata[k] == v, "\(k)") }
        #expect(file.metadata.int("a.u32") == 4_000_000_000)
        let t = try #require(file.tensor(named: "t"))
        #expect(t.fileOffset % 64 == 0)
        var out = [Float](repeating: 0, count: 4)
        Dequantize.row(.f32, file.data(of: t), count: 4, into: &out)
        #expect(out == [1, 2, 3, 4])
    }

    // MARK: helpers

    static func synthetic() -> Data {
        var w = GGUFWriter()
        w.add("general.architecture", .string("llama"))
        w.add("llama.block_count", .uint32(1))
        w.add("tokenizer.ggml.tokens", .array([.string("a"), .string("b"), .string("c")]))
        w.addTensor("token_embd.weight", shape: [32, 3], type: .q8_0, data: [UInt8](repeating: 1, count: 34 * 3))
        w.addTensor("output_norm.weight", shape: [32], floats: [Float](repeating: 1, count: 32))
        return w.data()
    }

    static func open(_ bytes: [UInt8]) throws -> GGUFFile {
        let path = TestModels.temporaryPath("synthetic.gguf")
        defer { try? FileManager.default.removeItem(atPath: path) }
        try Data(bytes).write(to: URL(fileURLWithPath: path))
        return try GGUFFile(path: path)
    }
}
