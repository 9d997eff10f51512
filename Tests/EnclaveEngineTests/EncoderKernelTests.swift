// Enclave: the encoder's row kernels and packed F32 product against plain loops, on both instruction sets.

import CEnclaveKernels
import EnclaveEngineFixtures
import Foundation
import Testing

@Suite(.serialized) struct EncoderKernelTests {
    static func values(_ count: Int, seed: UInt64) -> [Float] {
        var random = SplitMix64(seed: seed)
        return (0..<count).map { _ in Float(Double(random.next() % 20_001) / 10_000 - 1) }
    }

    @Test(arguments: [Int32(ENC_ISA_SCALAR), Int32(ENC_ISA_AVX2)])
    func packedProductMatchesALoop(isa: Int32) {
        let previous = enc_isa_active()
        defer { _ = enc_isa_set(previous) }
        _ = enc_isa_set(isa)
        // Outputs not a multiple of 16, rows not a multiple of 6, inputs over several blocks of 384, an output stride
        // wider than the outputs.
        for (m, k, n) in [(37, 24, 7), (16, 8, 6), (5, 3, 1), (48, 40, 13), (21, 1000, 8)] {
            let w = Self.values(m * k, seed: 1)
            let x = Self.values(n * k, seed: 2)
            let bias = Self.values(m, seed: 3)
            var packed = [Float](repeating: .nan, count: Int(enc_sgemm_packed_count(Int64(m), Int64(k))))
            enc_sgemm_pack(w, Int64(m), Int64(k), &packed)
            let ldy = m + 3
            var y = [Float](repeating: -7, count: n * ldy)
            let panels = Int64((m + 15) / 16)
            enc_sgemm_packed(x, Int64(k), Int64(n), packed, Int64(k), Int64(m), 0, panels, bias, &y, Int64(ldy))
            for r in 0..<n {
                for j in 0..<m {
                    var sum = Double(bias[j])
                    for i in 0..<k { sum += Double(x[r * k + i]) * Double(w[j * k + i]) }
                    #expect(abs(Double(y[r * ldy + j]) - sum) < 1e-4, "m \(m) k \(k) row \(r) output \(j)")
                }
                #expect(y[(r * ldy + m)..<(r * ldy + ldy)].allSatisfy { $0 == -7 }, "wrote past the outputs")
            }
        }
    }

    @Test(arguments: [Int32(ENC_ISA_SCALAR), Int32(ENC_ISA_AVX2)])
    func geluAndLayerNormMatchTheirDefinitions(isa: Int32) {
        let previous = enc_isa_active()
        defer { _ = enc_isa_set(previous) }
        _ = enc_isa_set(isa)
        var z = (0..<203).map { Float($0 - 101) / 15 }
        let original = z
        enc_gelu_erf(&z, Int64(z.count))
        for (got, v) in zip(z, original) {
            let want = 0.5 * Double(v) * (1 + erf(Double(v) / 2.0.squareRoot()))
            #expect(abs(Double(got) - want) < 2e-6, "gelu(\(v))")
        }
        for n in [384, 13] {
            let x = Self.values(n, seed: 4)
            let gamma = Self.values(n, seed: 5)
            let beta = Self.values(n, seed: 6)
            var out = [Float](repeating: 0, count: n)
            enc_layer_norm(x, gamma, beta, &out, Int64(n), 1e-12)
            let mean = x.reduce(0.0) { $0 + Double($1) } / Double(n)
            let variance = x.reduce(0.0) { $0 + (Double($1) - mean) * (Double($1) - mean) } / Double(n)
            for i in 0..<n {
                let want = (Double(x[i]) - mean) / variance.squareRoot() * Double(gamma[i]) + Double(beta[i])
                #expect(abs(Double(out[i]) - want) < 1e-5)
            }
        }
    }
}
