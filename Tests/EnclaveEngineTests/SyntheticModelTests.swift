// Enclave: the engine against an independent float64 reference on small synthetic models, one per
// tensor type and architecture.

import EnclaveEngine
import Foundation
import Testing

@Suite struct SyntheticModelTests {
    static let types: [GGMLType] = [.f32, .f16, .bf16, .q8_0, .q4_0, .q4_1, .q5_0, .q5_1, .q4_K, .q5_K, .q6_K]

    /// Runs `tokens` through the engine (as one prefill batch, then token by token) and through the
    /// reference, and returns the largest logit difference relative to the logit range.
    static func compare(_ spec: SyntheticSpec, tokens: [Int32], precision: ActivationPrecision?) throws -> Double {
        let path = try SyntheticModel.write(spec)
        defer { try? FileManager.default.removeItem(atPath: path) }
        let model = try Model(path: path)
        let cache = try KVCache(configuration: model.configuration, budgetBytes: 4 << 20)
        let pool = ThreadPool(threads: 2)
        defer { pool.shutdown() }
        let t = Transformer(configuration: model.configuration, weights: model.weights, cache: cache, pool: pool, maxBatch: 32, maxContext: 64)
        if let precision { t.activationPrecision = precision } else { t.exactMatrixProducts = true }
        var reference = ReferenceForward(file: model.file, configuration: model.configuration)
        let expected = tokens.map { reference.step($0) }
        let vocab = model.configuration.vocabularySize
        let d = model.configuration.embeddingLength
        let blocks = (0..<Int32(4)).map { $0 }
        // Prefill all tokens in one batch, logits for every position.
        var batch = ForwardBatch()
        let s = batch.addSequence(blocks: blocks)
        for (i, tok) in tokens.enumerated() { batch.add(token: tok, position: i, sequence: s, output: true) }
        var hidden = [Float](repeating: 0, count: tokens.count * d)
        var logits = [Float](repeating: 0, count: tokens.count * vocab)
        hidden.withUnsafeMutableBufferPointer { h in
            t.forward(batch, hidden: h.baseAddress!)
            logits.withUnsafeMutableBufferPointer { t.logits(hidden: h.baseAddress!, rows: tokens.count, into: $0.baseAddress!) }
        }
        var worst = 0.0
        for (i, e) in expected.enumerated() {
            let range = (e.max()! - e.min()!)
            for j in 0..<vocab { worst = max(worst, abs(Double(logits[i * vocab + j]) - e[j]) / range) }
        }
        // Decode the same tokens one at a time into a second sequence (blocks 4...7): same logits.
        for (i, tok) in tokens.enumerated() {
            var one = ForwardBatch()
            let s2 = one.addSequence(blocks: [4, 5, 6, 7])
            one.add(token: tok, position: i, sequence: s2, output: true)
            var h = [Float](repeating: 0, count: d)
            var l = [Float](repeating: 0, count: vocab)
            h.withUnsafeMutableBufferPointer { hp in
                t.forward(one, hidden: hp.baseAddress!)
                l.withUnsafeMutableBufferPointer { t.logits(hidden: hp.baseAddress!, rows: 1, into: $0.baseAddress!) }
            }
            let e = expected[i]
            let range = (e.max()! - e.min()!)
            for j in 0..<vocab { worst = max(worst, abs(Double(l[j]) - e[j]) / range) }
        }
        return worst
    }

    static let prompt: [Int32] = [3, 17, 5, 40, 22, 9, 31, 2, 11, 46, 7, 28]

    @Test(arguments: types)
    func llamaEveryTensorType(type: GGMLType) throws {
        let spec = SyntheticSpec(architecture: "llama", weightType: type, tiedOutput: type != .q6_K, seed: UInt64(type.rawValue) + 1)
        // Exact products still keep the KV cache in f16 (relative rounding 2^-11), hence 1e-3.
        let exact = try Self.compare(spec, tokens: Self.prompt, precision: nil)
        #expect(exact < 1e-3, "\(type) exact: \(exact)")
        let int16 = try Self.compare(spec, tokens: Self.prompt, precision: .int16)
        #expect(int16 < 2e-3, "\(type) int16: \(int16)")
        let int8 = try Self.compare(spec, tokens: Self.prompt, precision: .int8)
        #expect(int8 < 5e-2, "\(type) int8: \(int8)")
    }

    @Test(arguments: [GGMLType.q8_0, .q5_0, .q4_K, .q6_K])
    func gemma3WithSlidingWindow(type: GGMLType) throws {
        // Window 4 with pattern 3: layers 0, 1 local, layer 2 global; 12 tokens cross the window.
        let spec = SyntheticSpec(architecture: "gemma3", layers: 3, heads: 2, kvHeads: 1, headDim: 128, weightType: type, slidingWindow: 4, seed: 77)
        let exact = try Self.compare(spec, tokens: Self.prompt, precision: nil)
        #expect(exact < 1e-3, "\(type) exact: \(exact)")
        let int16 = try Self.compare(spec, tokens: Self.prompt, precision: .int16)
        #expect(int16 < 2e-3, "\(type) int16: \(int16)")
    }

    @Test func unsupportedArchitectureIsRefusedByName() throws {
        var spec = SyntheticSpec(architecture: "llama")
        spec.layers = 1
        let path = try SyntheticModel.write(spec)
        let data = try Data(contentsOf: URL(fileURLWithPath: path))
        // Rename the architecture in place ("llama" -> "qwen3" has the same length in the first key).
        var bytes = [UInt8](data)
        let needle = Array("llama".utf8)
        if let at = (0..<(bytes.count - 5)).first(where: { Array(bytes[$0..<($0 + 5)]) == needle }) {
            bytes.replaceSubrange(at..<(at + 5), with: Array("mamba".utf8))
        }
        let bad = TestModels.temporaryPath("mamba.gguf")
        try Data(bytes).write(to: URL(fileURLWithPath: bad))
        let error = try #require(throws: ModelError.self) { try Model(path: bad) }
        #expect(error.code == .unsupportedArchitecture)
        #expect(error.message.contains("mamba"))
    }

    @Test func wrongTensorShapeIsRefused() throws {
        var spec = SyntheticSpec()
        spec.layers = 1
        let path = try SyntheticModel.write(spec)
        let file = try GGUFFile(path: path)
        // Rewrite the file claiming a larger embedding than the tensors have.
        var w = GGUFWriter()
        for key in file.metadata.keys {
            w.add(key, key == "llama.embedding_length" ? .uint32(512) : file.metadata[key]!)
        }
        for t in file.tensors {
            w.addTensor(t.name, shape: t.shape, type: t.type, data: Array(UnsafeRawBufferPointer(start: file.data(of: t), count: t.byteCount)))
        }
        let bad = TestModels.temporaryPath("badshape.gguf")
        try w.data().write(to: URL(fileURLWithPath: bad))
        let error = try #require(throws: ModelError.self) { try Model(path: bad) }
        #expect(error.code == .badTensorShape)
        #expect(error.message.contains("token_embd.weight"))
    }
}
