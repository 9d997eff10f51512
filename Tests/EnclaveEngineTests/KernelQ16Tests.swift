// Enclave: the 16-bit-activation kernels (AVX2 and portable) against each other and a Float64 reference.

import CEnclaveKernels
import EnclaveEngine
import Foundation
import Testing

@Suite struct KernelQ16Tests {
    static let types: [GGMLType] = [.q8_0, .q4_0, .q4_1, .q5_0, .q5_1, .q4_K, .q5_K, .q6_K]
    static let batchSizes = [1, 2, 3, 4, 5, 7, 8, 17, 64]

    /// Row lengths per type: one block (or super-block), the two models' widths, and their FFN widths.
    static func lengths(_ type: GGMLType) -> [Int] {
        type.blockSize == 256 ? [256, 1536, 2048] : [32, 576, 640, 1536, 2048]
    }

    @Test(arguments: types)
    func avx2MatchesScalarAndFloat64(type: GGMLType) {
        for k in Self.lengths(type) {
            let w = KernelQ16Fixture.weights(type, rows: 19, k: k, seed: UInt64(k) &* 31 &+ UInt64(type.rawValue))
            let x = KernelQ16Fixture.inputs(k: k, count: 64, seed: UInt64(k) &+ 7)
            let reference = w.reference(x, columns: 64)
            for n in Self.batchSizes {
                let scalar = w.product(x, columns: n, isa: Int32(ENC_ISA_SCALAR))
                let avx2 = w.product(x, columns: n, isa: Int32(ENC_ISA_AVX2))
                for c in 0..<n {
                    let ref = Array(reference[c * w.rows..<(c + 1) * w.rows])
                    let got = Array(scalar[c * w.rows..<(c + 1) * w.rows])
                    let fast = Array(avx2[c * w.rows..<(c + 1) * w.rows])
                    #expect(KernelQ16Fixture.relativeError(got, ref) <= 1e-5, "\(type) k=\(k) n=\(n) column \(c): scalar vs Float64")
                    #expect(KernelQ16Fixture.relativeError(fast, got) <= 1e-5, "\(type) k=\(k) n=\(n) column \(c): AVX2 vs scalar")
                }
            }
        }
    }

    /// A column's outputs must not depend on the batch around it or on how rows are split into chunks.
    @Test(arguments: types)
    func batchOfOneIsBitIdenticalToBatched(type: GGMLType) {
        let k = type.blockSize == 256 ? 1536 : 576
        let w = KernelQ16Fixture.weights(type, rows: 43, k: k, seed: 99 &+ UInt64(type.rawValue))
        let x = KernelQ16Fixture.inputs(k: k, count: 64, seed: 5)
        let isa = Int32(ENC_ISA_AVX2)
        var singles = [Float](repeating: 0, count: 64 * w.rows)
        for c in 0..<64 {
            // Odd row chunks, including a group narrower than 8 rows at the end of each chunk.
            for (r0, r1) in [(0, 13), (13, 16), (16, 43)] {
                singles.withUnsafeMutableBufferPointer { y in
                    w.multiply(x, column: c, count: 1, rows: r0..<r1, isa: isa, into: y.baseAddress! + c * w.rows, ldy: w.rows)
                }
            }
        }
        for n in Self.batchSizes {
            let batch = w.product(x, columns: n, isa: isa)
            let same = zip(batch, singles.prefix(n * w.rows)).allSatisfy { $0.bitPattern == $1.bitPattern }
            #expect(same, "\(type) n=\(n): batched outputs differ from single-column outputs")
        }
        // A column in the middle of a batch, starting at an offset, equals the same column alone.
        let tail = w.product(x, columns: 9, firstColumn: 55, isa: isa)
        #expect(zip(tail, singles[(55 * w.rows)...]).allSatisfy { $0.bitPattern == $1.bitPattern }, "\(type): offset batch differs")
    }

    @Test(arguments: types)
    func matricesWithFewerThanEightRows(type: GGMLType) {
        let k = type.blockSize == 256 ? 512 : 96
        let w = KernelQ16Fixture.weights(type, rows: 5, k: k, seed: 3)
        let x = KernelQ16Fixture.inputs(k: k, count: 9, seed: 4)
        let reference = w.reference(x, columns: 9)
        for isa in [Int32(ENC_ISA_SCALAR), Int32(ENC_ISA_AVX2)] {
            var y = [Float](repeating: .nan, count: 9 * w.rows)
            y.withUnsafeMutableBufferPointer { out in
                w.multiply(x, column: 0, count: 9, rows: 0..<2, isa: isa, into: out.baseAddress!, ldy: w.rows)
                w.multiply(x, column: 0, count: 9, rows: 2..<5, isa: isa, into: out.baseAddress!, ldy: w.rows)
            }
            for c in 0..<9 {
                let got = Array(y[c * w.rows..<(c + 1) * w.rows])
                let ref = Array(reference[c * w.rows..<(c + 1) * w.rows])
                #expect(KernelQ16Fixture.relativeError(got, ref) <= 1e-5, "\(type) isa \(isa) column \(c)")
            }
        }
    }

    @Test(arguments: [Int(ENC_ACT_Q16_32), Int(ENC_ACT_Q16_256)])
    func quantisersAreBitIdentical(format: Int) {
        for k in [256, 512, 2048] {
            var x = KernelQ16Fixture.inputs(k: k, count: 3, seed: UInt64(k)).values
            for i in 0..<32 { x[i] = 0 }  // an all-zero block: d = 0
            x[40] = 1e6
            x[41] = -3e-30
            x[k + 300] = .greatestFiniteMagnitude / 4
            let bytes = Int(enc_q16_activation_row_bytes(Int32(format), Int64(k)))
            var scalar = [UInt8](repeating: 0, count: 3 * bytes)
            var avx2 = [UInt8](repeating: 1, count: 3 * bytes)
            x.withUnsafeBufferPointer { v in
                scalar.withUnsafeMutableBytes { s in
                    avx2.withUnsafeMutableBytes { a in
                        for r in 0..<3 {
                            enc_q16_quantize_row_isa(
                                Int32(ENC_ISA_SCALAR),
                                Int32(format),
                                v.baseAddress! + r * k,
                                Int64(k),
                                s.baseAddress! + r * bytes
                            )
                            enc_q16_quantize_row_isa(Int32(ENC_ISA_AVX2), Int32(format), v.baseAddress! + r * k, Int64(k), a.baseAddress! + r * bytes)
                        }
                    }
                }
            }
            #expect(scalar == avx2, "format \(format) k=\(k)")
        }
    }

    /// enc_q16_matmul and enc_q16_quantize_row follow the process-wide level.
    @Test func defaultEntryPointsUseTheActiveLevel() {
        let w = KernelQ16Fixture.weights(.q4_1, rows: 16, k: 576, seed: 8)
        let x = KernelQ16Fixture.inputs(k: 576, count: 3, seed: 9)
        let explicit = w.product(x, columns: 3, isa: enc_isa_active())
        let implicit = w.product(x, columns: 3, isa: nil)
        #expect(zip(explicit, implicit).allSatisfy { $0.bitPattern == $1.bitPattern })
    }

    /// Real tensors: both kernels against the Float64 reference, and batched against single columns.
    @Test(arguments: [
        (TestModels.smolLM2, "token_embd.weight"), (TestModels.smolLM2, "blk.0.attn_q.weight"),
        (TestModels.smolLM2, "blk.3.ffn_gate.weight"), (TestModels.smolLM2, "blk.29.ffn_down.weight"),
        (TestModels.gemma3, "blk.0.attn_q.weight"), (TestModels.gemma3, "blk.0.attn_v.weight"),
        (TestModels.gemma3, "blk.0.attn_output.weight"), (TestModels.gemma3, "blk.0.ffn_down.weight"),
        (TestModels.gemma3, "blk.2.ffn_down.weight"), (TestModels.gemma3, "blk.5.ffn_up.weight"),
    ])
    func realTensors(path: String, name: String) throws {
        let file = try GGUFFile(path: TestModels.require(path))
        let info = try #require(file.tensor(named: name))
        let rows = min(info.rowCount, 300)  // the first rows of the big embedding tables are enough
        let w = KernelQ16Fixture(type: info.type, rows: rows, k: info.rowLength, data: file.data(of: info), rowBytes: info.rowBytes)
        let x = KernelQ16Fixture.inputs(k: info.rowLength, count: 9, seed: 17)
        let reference = w.reference(x, columns: 9)
        let scalar = w.product(x, columns: 9, isa: Int32(ENC_ISA_SCALAR))
        let avx2 = w.product(x, columns: 9, isa: Int32(ENC_ISA_AVX2))
        for c in 0..<9 {
            let range = c * rows..<(c + 1) * rows
            #expect(KernelQ16Fixture.relativeError(Array(scalar[range]), Array(reference[range])) <= 1e-5, "\(name) \(info.type) column \(c)")
            #expect(KernelQ16Fixture.relativeError(Array(avx2[range]), Array(scalar[range])) <= 1e-5, "\(name) \(info.type) column \(c)")
            let single = w.product(x, columns: 1, firstColumn: c, isa: Int32(ENC_ISA_AVX2))
            #expect(zip(single, avx2[range]).allSatisfy { $0.bitPattern == $1.bitPattern }, "\(name) column \(c) batched vs alone")
        }
    }
}
