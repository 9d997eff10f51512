// Enclave: models pack their matrices at load, and the packed copies change no output bit.

import CEnclaveKernels
import EnclaveEngine
import Foundation
import Testing

@Suite(.serialized) struct KernelQ16PackedModelTests {
    static var hasAVX2: Bool { enc_isa_detected() >= Int32(ENC_ISA_AVX2) }

    static func matrices(_ w: ModelWeights) -> [WeightMatrix] {
        w.layers.flatMap { [$0.wq, $0.wk, $0.wv, $0.wo, $0.wGate, $0.wUp, $0.wDown] } + [w.output]
    }

    /// Every product matrix is packed, a tied output shares the embedding's copy, and rows read back from the
    /// packed copies equal the rows of the file.
    @Test(arguments: [TestModels.smolLM2, TestModels.gemma3])
    func loadPacksEveryProductMatrix(path: String) throws {
        let model = try Model(path: TestModels.require(path))
        let w = model.weights
        guard Self.hasAVX2 else {
            #expect(Self.matrices(w).allSatisfy { $0.packedRows == nil })
            return
        }
        for m in Self.matrices(w) {
            #expect(m.isPackable, "\(m.name) (\(m.type)) has no packed layout")
            let packed = try #require(m.packedRows, "\(m.name) is not packed")
            #expect(packed.byteCount == Int(enc_q16_packed_bytes(Int32(m.type.rawValue), Int64(m.rows), Int64(m.columns))))
        }
        #expect(w.output.data == w.tokenEmbedding.data, "both models tie the output to the embedding")
        #expect(w.output.packedRows === w.tokenEmbedding.packedRows)
        let e = w.tokenEmbedding
        var fromPacked = [Float](repeating: 0, count: e.columns)
        var fromFile = fromPacked
        for row in [0, 1, 7, 8, 4097, e.rows - 1] {
            fromPacked.withUnsafeMutableBufferPointer { e.dequantizeRow(row, into: $0.baseAddress!) }
            fromFile.withUnsafeMutableBufferPointer { Dequantize.row(e.type, e.data + row * e.rowBytes, count: e.columns, into: $0.baseAddress!) }
            #expect(bitIdentical(fromPacked, fromFile), "embedding row \(row)")
        }
        let down = w.layers[1].wDown
        var a = [Float](repeating: 0, count: down.columns)
        var b = a
        for row in [0, down.rows - 3] {
            a.withUnsafeMutableBufferPointer { down.dequantizeRow(row, into: $0.baseAddress!) }
            b.withUnsafeMutableBufferPointer {
                Dequantize.row(down.type, down.data + row * down.rowBytes, count: down.columns, into: $0.baseAddress!)
            }
            #expect(bitIdentical(a, b), "\(down.name) (\(down.type)) row \(row)")
        }
    }

    /// A forward pass (a prompt, then one more token) gives the same logits bit for bit with packed and plain weights.
    @Test(arguments: [
        (TestModels.smolLM2, [Int32(1), 9690, 198, 2683, 359, 253, 5356, 5646, 11173, 3365, 3511, 308, 34519, 28]),
        (TestModels.gemma3, [Int32(2), 818, 5279, 529, 7001, 563, 4062, 236761, 108]),
    ])
    func packedWeightsChangeNoLogit(path: String, prompt: [Int32]) throws {
        let model = try Model(path: TestModels.require(path))
        let plain = try ModelWeights(file: model.file, configuration: model.configuration, packMatrices: false)
        #expect(Self.matrices(plain).allSatisfy { $0.packedRows == nil })
        func run(_ weights: ModelWeights) throws -> [[Float]] {
            let cache = try KVCache(configuration: model.configuration, budgetBytes: 16 << 20)
            let t = Transformer(
                configuration: model.configuration,
                weights: weights,
                cache: cache,
                pool: ThreadPool(threads: 2),
                maxBatch: 16,
                maxContext: 256
            )
            return [Self.logits(t, prompt, from: 0), Self.logits(t, [prompt[1]], from: prompt.count)]
        }
        let packed = try run(model.weights)
        let reference = try run(plain)
        for (step, (a, b)) in zip(packed, reference).enumerated() {
            #expect(bitIdentical(a, b), "\(path) step \(step): logits differ")
        }
    }

    /// Runs `tokens` at positions from `start` in sequence 0 (blocks 0...) and returns the last token's logits.
    static func logits(_ t: Transformer, _ tokens: [Int32], from start: Int) -> [Float] {
        let blocks = (0..<Int32((start + tokens.count + t.cache.blockSize - 1) / t.cache.blockSize)).map { $0 }
        var batch = ForwardBatch()
        let s = batch.addSequence(blocks: blocks)
        for (i, token) in tokens.enumerated() {
            batch.add(token: token, position: start + i, sequence: s, output: i == tokens.count - 1)
        }
        var hidden = [Float](repeating: 0, count: t.configuration.embeddingLength)
        var logits = [Float](repeating: 0, count: t.configuration.vocabularySize)
        hidden.withUnsafeMutableBufferPointer { h in
            t.forward(batch, hidden: h.baseAddress!)
            logits.withUnsafeMutableBufferPointer { t.logits(hidden: h.baseAddress!, rows: 1, into: $0.baseAddress!) }
        }
        return logits
    }
}
