// Enclave: fast passes over a whole vocabulary of logits.

import CEnclaveKernels

/// The passes that touch every logit (up to 262,144 per token). The maximum and argmax are plain loops the
/// compiler vectorises (several accumulators, selects instead of branches); the sum of exponentials is a C kernel
/// (`enc_sum_exp`, AVX2 where present): the Swift polynomial loop compiled to scalar code in the package's
/// baseline build. NaN logits count as minus infinity.
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

    /// `sum(exp(logit - maximum))` over all logits, with `maximum` the largest logit (so every term is at most 1);
    /// NaN logits add nothing. The C kernel's polynomial `e^x` (relative error below 2e-7), AVX2 where present.
    static func sumExp(_ logits: UnsafeMutableBufferPointer<Float>, maximum: Float) -> Double {
        guard let base = logits.baseAddress else { return 0 }
        return enc_sum_exp(base, Int64(logits.count), maximum)
    }

    /// The lowest index of the largest logit.
    static func argmax(_ logits: UnsafeMutableBufferPointer<Float>) -> Int {
        firstIndex(of: maximum(logits), in: logits)
    }

    /// The lowest index holding `value` (0 if none does).
    static func firstIndex(of value: Float, in logits: UnsafeMutableBufferPointer<Float>) -> Int {
        var i = 0
        while i < logits.count {
            if logits[i] == value { return i }
            i += 1
        }
        return 0
    }
}
