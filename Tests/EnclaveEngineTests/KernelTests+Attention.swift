// Enclave: attention helpers over an f16 KV cache and the f32 vector helpers, against naive Float64 loops.

import CEnclaveKernels
import Foundation
import Testing

extension KernelTests {
    static let attentionShapes: [(dim: Int, keys: Int)] = [(1, 1), (7, 3), (8, 4), (64, 5), (64, 17), (72, 100), (256, 9), (130, 33)]

    static func halves(_ count: Int, rng: inout SplitMix64) -> [UInt16] {
        (0..<count).map { _ in KernelData.half(rng.normal(1)) }
    }

    static func value(_ h: UInt16) -> Double { Double(Float(Float16(bitPattern: h))) }

    @Test(arguments: [KernelISA.scalar, KernelISA.avx2])
    func attentionScoresMatchNaiveLoops(level: Int32) {
        guard level == KernelISA.scalar || KernelISA.hasAVX2 else { return }
        var rng = SplitMix64(seed: 0x5C0E)
        for (dim, keys) in Self.attentionShapes {
            let stride = dim + 5
            let q = (0..<dim).map { _ in rng.normal(1) }
            let k = Self.halves(stride * keys, rng: &rng)
            let scale: Float = 0.125
            var out = [Float](repeating: .nan, count: keys)
            KernelISA.with(level) { enc_attn_scores_f16(q, k, Int64(stride), Int64(keys), Int64(dim), scale, &out) }
            for j in 0..<keys {
                var sum = 0.0, magnitude = 0.0
                for i in 0..<dim {
                    let t = Double(q[i]) * Self.value(k[j * stride + i])
                    sum += t
                    magnitude += abs(t)
                }
                let expected = Double(scale) * sum
                #expect(abs(Double(out[j]) - expected) <= 1e-5 * Double(scale) * magnitude + 1e-30, "dim \(dim) key \(j)")
            }
        }
    }

    @Test(arguments: [KernelISA.scalar, KernelISA.avx2])
    func attentionAccumulateMatchesNaiveLoops(level: Int32) {
        guard level == KernelISA.scalar || KernelISA.hasAVX2 else { return }
        var rng = SplitMix64(seed: 0xACC0)
        for (dim, keys) in Self.attentionShapes {
            let stride = dim + 3
            let p = (0..<keys).map { _ in Float.random(in: 0...1, using: &rng) }
            let v = Self.halves(stride * keys, rng: &rng)
            var out = [Float](repeating: 1e9, count: dim)  // must be overwritten, not added to
            KernelISA.with(level) { enc_attn_accumulate_f16(p, v, Int64(stride), Int64(keys), Int64(dim), &out) }
            for d in 0..<dim {
                var sum = 0.0, magnitude = 0.0
                for j in 0..<keys {
                    let t = Double(p[j]) * Self.value(v[j * stride + d])
                    sum += t
                    magnitude += abs(t)
                }
                #expect(abs(Double(out[d]) - sum) <= 1e-5 * magnitude + 1e-30, "dim \(dim) element \(d)")
            }
        }
    }

    @Test(arguments: [KernelISA.scalar, KernelISA.avx2])
    func vectorHelpersMatchNaiveLoops(level: Int32) {
        guard level == KernelISA.scalar || KernelISA.hasAVX2 else { return }
        var rng = SplitMix64(seed: 0xD07)
        for n in [0, 1, 7, 8, 9, 33, 64, 1000] {
            let a = (0..<n).map { _ in rng.normal(1) }
            let b = (0..<n).map { _ in rng.normal(1) }
            let h = Self.halves(n, rng: &rng)
            let magnitude = zip(a, b).reduce(0.0) { $0 + abs(Double($1.0) * Double($1.1)) }
            let magnitudeHalf = zip(a, h).reduce(0.0) { $0 + abs(Double($1.0) * Self.value($1.1)) }
            let (dot, dotHalf, axpy) = KernelISA.with(level) { () -> (Float, Float, [Float]) in
                var y = b
                enc_axpy_f32(0.75, a, &y, Int64(n))
                return (enc_dot_f32(a, b, Int64(n)), enc_dot_f32_f16(a, h, Int64(n)), y)
            }
            let expected = zip(a, b).reduce(0.0) { $0 + Double($1.0) * Double($1.1) }
            let expectedHalf = zip(a, h).reduce(0.0) { $0 + Double($1.0) * Self.value($1.1) }
            #expect(abs(Double(dot) - expected) <= 1e-5 * magnitude, "dot n=\(n)")
            #expect(abs(Double(dotHalf) - expectedHalf) <= 1e-5 * magnitudeHalf, "dot f16 n=\(n)")
            for i in 0..<n {
                let e = Double(b[i]) + 0.75 * Double(a[i])
                #expect(abs(Double(axpy[i]) - e) <= 1e-6 * (abs(Double(b[i])) + abs(0.75 * Double(a[i]))), "axpy n=\(n) i=\(i)")
            }
        }
    }
}
