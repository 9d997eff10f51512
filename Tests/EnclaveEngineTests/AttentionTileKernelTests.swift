// Enclave: the tiled attention kernels against naive loops, on both instruction sets.

import CEnclaveKernels
import Testing

@Suite(.serialized) struct AttentionTileKernelTests {
    static func half(_ x: Float) -> UInt16 { Float16(x).bitPattern }

    @Test(arguments: [1, 2, 3, 4])
    func scoresAndAccumulateMatchNaiveLoops(queries nq: Int) {
        for isa in [Int32(ENC_ISA_SCALAR), enc_isa_detected()] {
            let previous = enc_isa_active()
            enc_isa_set(isa)
            defer { enc_isa_set(previous) }
            for dim in [64, 72, 256] {
                let keys = 19
                let stride = 23
                let q = (0..<(nq * dim)).map { Float(($0 * 7) % 13) * 0.1 - 0.6 }
                let kFloats = (0..<(keys * dim)).map { Float(($0 * 11) % 17) * 0.05 - 0.4 }
                let vFloats = (0..<(keys * dim)).map { Float(($0 * 5) % 19) * 0.07 - 0.6 }
                let k = kFloats.map(Self.half)
                let v = vFloats.map(Self.half)
                var scores = [Float](repeating: -1, count: nq * stride)
                enc_attn_tile_scores(q, Int64(nq), k, Int64(dim), Int64(keys), Int64(dim), &scores, Int64(stride))
                for i in 0..<nq {
                    for j in 0..<keys {
                        var e: Float = 0
                        for d in 0..<dim { e += q[i * dim + d] * Float(Float16(kFloats[j * dim + d])) }
                        #expect(abs(scores[i * stride + j] - e) < 1e-3, "isa \(isa) dim \(dim)")
                    }
                    for j in keys..<stride { #expect(scores[i * stride + j] == -1) }  // untouched
                    // A key's score does not depend on how many queries or keys the kernel blocks together, so
                    // a token scores the same in a prefill tile as when it decodes alone.
                    var alone = [Float](repeating: 0, count: keys)
                    enc_attn_tile_scores(Array(q[(i * dim)..<((i + 1) * dim)]), 1, k, Int64(dim), Int64(keys), Int64(dim), &alone, Int64(keys))
                    #expect(Array(scores[(i * stride)..<(i * stride + keys)]) == alone, "isa \(isa) dim \(dim)")
                }
                let p = (0..<(nq * stride)).map { Float(($0 * 3) % 7) * 0.05 }
                var out = [Float](repeating: 0.5, count: nq * dim)
                enc_attn_tile_accumulate(p, Int64(stride), Int64(nq), v, Int64(dim), Int64(keys), Int64(dim), &out)
                for i in 0..<nq {
                    for d in 0..<dim {
                        var e: Float = 0.5
                        for j in 0..<keys { e += p[i * stride + j] * Float(Float16(vFloats[j * dim + d])) }
                        #expect(abs(out[i * dim + d] - e) < 1e-3, "isa \(isa) dim \(dim)")
                    }
                }
            }
        }
    }
}
