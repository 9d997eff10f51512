// Enclave: real tensors of SmolLM2 and Gemma 3 through the scalar and AVX2 kernels.

import CEnclaveKernels
import EnclaveEngine
import EnclaveEngineFixtures
import Foundation
import Testing

extension KernelTests {
    struct RealTensor: Sendable, CustomStringConvertible {
        let model: String
        let name: String
        let type: GGMLType
        /// Rows compared between the two paths (the whole matrix unless it is an embedding table).
        let rows: Int?

        var description: String { "\(name) (\(type))" }
        var path: String { model == "smollm2" ? TestModels.smolLM2 : TestModels.gemma3 }
    }

    static let realTensors: [RealTensor] = [
        RealTensor(model: "smollm2", name: "token_embd.weight", type: .q8_0, rows: 4096),
        RealTensor(model: "smollm2", name: "blk.0.ffn_down.weight", type: .q4_1, rows: nil),
        RealTensor(model: "smollm2", name: "blk.7.attn_k.weight", type: .q4_1, rows: nil),
        RealTensor(model: "gemma3", name: "blk.0.attn_q.weight", type: .q5_0, rows: nil),
        RealTensor(model: "gemma3", name: "blk.0.attn_v.weight", type: .q8_0, rows: nil),
        RealTensor(model: "gemma3", name: "blk.0.attn_output.weight", type: .q4_K, rows: nil),
        RealTensor(model: "gemma3", name: "blk.2.ffn_down.weight", type: .q4_K, rows: nil),
        RealTensor(model: "gemma3", name: "blk.0.ffn_down.weight", type: .q6_K, rows: nil),
        RealTensor(model: "gemma3", name: "token_embd.weight", type: .q8_0, rows: 4096),
    ]

    /// The scalar path matches the Float64 reference on the first rows, and AVX2 matches scalar on all compared
    /// rows, for a matrix-vector product (n = 1) and a small batch (n = 5).
    @Test(arguments: realTensors)
    func realTensorsThroughBothPaths(tensor: RealTensor) throws {
        let file = try GGUFFile(path: TestModels.require(tensor.path))
        let info = try #require(file.tensor(named: tensor.name))
        #expect(info.type == tensor.type)
        let k = info.rowLength
        let rows = min(tensor.rows ?? info.rowCount, info.rowCount)
        let w = file.data(of: info)
        var rng = SplitMix64(seed: 0x3EA1 + UInt64(k))
        let floats = KernelData.floats(k * 5, rng: &rng)
        for n in [1, 5] {
            let x = KernelISA.with(KernelISA.scalar) { KernelData.activations(for: info.type, k: k, n: n, floats: floats) }
            let sample = 0..<min(48, rows)
            let reference = KernelData.reference(info.type, w, rowBytes: info.rowBytes, k: k, rows: sample, x)
            let scalarSample = KernelISA.with(KernelISA.scalar) { KernelData.matmul(info.type, w, rowBytes: info.rowBytes, k: k, rows: sample, x) }
            #expect(KernelData.worstError(scalarSample.y, reference.y, magnitude: reference.magnitude) < 1e-5, "\(tensor) n=\(n) scalar")
            guard KernelISA.hasAVX2 else { continue }
            let scalar = KernelISA.with(KernelISA.scalar) { KernelData.matmul(info.type, w, rowBytes: info.rowBytes, k: k, rows: 0..<rows, x) }
            let avx2 = KernelISA.with(KernelISA.avx2) { KernelData.matmul(info.type, w, rowBytes: info.rowBytes, k: k, rows: 0..<rows, x) }
            // Magnitudes for all compared rows: sum |w_i x_i| from the dequantised weights, in Float64.
            var magnitude = [Double](repeating: 0, count: rows * n)
            var row = [Float](repeating: 0, count: k)
            for r in 0..<rows {
                row.withUnsafeMutableBufferPointer { Dequantize.row(info.type, w + r * info.rowBytes, count: k, into: $0.baseAddress!) }
                for c in 0..<n {
                    var m = 0.0
                    for j in 0..<k { m += abs(Double(row[j]) * x.values[c][j]) }
                    magnitude[c * rows + r] = m
                }
            }
            let error = KernelData.worstError(avx2.y, scalar.y.map(Double.init), magnitude: magnitude)
            #expect(error < 1e-5, "\(tensor) n=\(n): AVX2 vs scalar relative error \(error)")
        }
    }
}
