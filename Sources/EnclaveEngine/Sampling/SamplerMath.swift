// Enclave: fast passes over a whole vocabulary of logits.

/// The passes that touch every logit (up to 262,144 per token). They are written as plain loops the compiler
/// vectorises (several accumulators, selects instead of branches, a polynomial `exp` instead of a libm call): about
/// 0.1 ms for the maximum and under 1 ms for the sum of exponentials at 262,144 logits on a baseline x86-64 build,
/// where calling `expf` per logit took 2 ms. NaN logits count as minus infinity.
enum SamplerMath {
    /// The largest logit (minus infinity if there is none).
    static func maximum(_ logits: UnsafeMutableBufferPointer<Float>) -> Float {
        var a0 = -Float.infinity
        var a1 = -Float.infinity
        var a2 = -Float.infinity
        var a3 = -Float.infinity
        let count = logits.count
        var i = 0
        while i + 4 <= count {
            a0 = logits[i] > a0 ? logits[i] : a0
            a1 = logits[i + 1] > a1 ? logits[i + 1] : a1
            a2 = logits[i + 2] > a2 ? logits[i + 2] : a2
            a3 = logits[i + 3] > a3 ? logits[i + 3] : a3
            i += 4
        }
        while i < count {
            a0 = logits[i] > a0 ? logits[i] : a0
            i += 1
        }
        return Swift.max(Swift.max(a0, a1), Swift.max(a2, a3))
    }

    /// `sum(exp(logit - maximum))` over all logits, with `maximum` the largest logit (so every term is at most 1).
    /// Terms are computed a block at a time into stack scratch, then added eight lanes at a time.
    static func sumExp(_ logits: UnsafeMutableBufferPointer<Float>, maximum: Float) -> Double {
        let block = 1024
        return withUnsafeTemporaryAllocation(of: Float.self, capacity: block) { scratch in
            guard let raw = UnsafeRawPointer(scratch.baseAddress) else { return 0 }
            var total = 0.0
            var start = 0
            while start < logits.count {
                let length = Swift.min(block, logits.count - start)
                for j in 0..<length { scratch[j] = exp(logits[start + j] - maximum) }
                var lanes = SIMD8<Float>(repeating: 0)
                var k = 0
                while k + 8 <= length {
                    lanes += raw.loadUnaligned(fromByteOffset: k * 4, as: SIMD8<Float>.self)
                    k += 8
                }
                var sum = lanes.sum()
                while k < length {
                    sum += scratch[k]
                    k += 1
                }
                total += Double(sum)
                start += length
            }
            return total
        }
    }

    /// `e^x` for `x <= 0` (Cephes' single-precision polynomial, relative error below 2e-7); 0 below -87.3 and for NaN.
    @inline(__always)
    static func exp(_ x: Float) -> Float {
        let clamped: Float = x < -87.3 ? -87.3 : (x > 0 ? 0 : x)
        // Round x·log2(e) to an integer n by adding 1.5·2^23: n then sits in the low mantissa bits of `t`.
        let magic: Float = 12_582_912
        let t = clamped * 1.442_695_04 + magic
        let n = t - magic
        var r = clamped - n * 0.693_359_375
        r = r - n * -2.121_944_4e-4
        let z = r * r
        var p: Float = 1.987_569_15e-4
        p = p * r + 1.398_199_95e-3
        p = p * r + 8.333_451_9e-3
        p = p * r + 4.166_579_59e-2
        p = p * r + 1.666_666_55e-1
        p = p * r + 5.000_000_12e-1
        p = p * z + r + 1
        let scale = Float(bitPattern: (t.bitPattern &- magic.bitPattern &+ 127) << 23)
        return x >= -87.3 ? p * scale : 0
    }

    /// The lowest index of the largest logit.
    static func argmax(_ logits: UnsafeMutableBufferPointer<Float>) -> Int {
        let best = maximum(logits)
        var i = 0
        while i < logits.count {
            if logits[i] == best { return i }
            i += 1
        }
        return 0
    }
}
