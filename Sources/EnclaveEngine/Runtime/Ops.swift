// Enclave: element-wise and row operations of the forward pass (norms, RoPE, activations, softmax).

import Foundation

/// Vectorised row operations. Written with 8-wide SIMD and no fused multiply-add, so they compile
/// to plain SSE without target flags; they are a small share of the work next to the matrix products.
enum Ops {
    /// `out = x / sqrt(mean(x²) + eps) * weight` over `n` values.
    @inline(__always)
    static func rmsNorm(_ x: UnsafePointer<Float>, _ weight: UnsafePointer<Float>, _ out: UnsafeMutablePointer<Float>, _ n: Int, _ eps: Float) {
        var acc = SIMD8<Float>()
        var i = 0
        while i + 8 <= n {
            let v = UnsafeRawPointer(x + i).loadUnaligned(as: SIMD8<Float>.self)
            acc += v * v
            i += 8
        }
        var sum = acc.sum()
        while i < n { sum += x[i] * x[i]; i += 1 }
        let scale = 1 / (sum / Float(n) + eps).squareRoot()
        let s = SIMD8<Float>(repeating: scale)
        i = 0
        while i + 8 <= n {
            let v = UnsafeRawPointer(x + i).loadUnaligned(as: SIMD8<Float>.self)
            let w = UnsafeRawPointer(weight + i).loadUnaligned(as: SIMD8<Float>.self)
            UnsafeMutableRawPointer(out + i).storeBytes(of: v * s * w, as: SIMD8<Float>.self)
            i += 8
        }
        while i < n { out[i] = x[i] * scale * weight[i]; i += 1 }
    }

    /// `x += y` over `n` values.
    @inline(__always)
    static func add(_ x: UnsafeMutablePointer<Float>, _ y: UnsafePointer<Float>, _ n: Int) {
        var i = 0
        while i + 8 <= n {
            let a = UnsafeRawPointer(x + i).loadUnaligned(as: SIMD8<Float>.self)
            let b = UnsafeRawPointer(y + i).loadUnaligned(as: SIMD8<Float>.self)
            UnsafeMutableRawPointer(x + i).storeBytes(of: a + b, as: SIMD8<Float>.self)
            i += 8
        }
        while i < n { x[i] += y[i]; i += 1 }
    }

    /// `x *= s` over `n` values.
    @inline(__always)
    static func scale(_ x: UnsafeMutablePointer<Float>, _ s: Float, _ n: Int) {
        for i in 0..<n { x[i] *= s }
    }

    /// `gate = silu(gate) * up` (SwiGLU).
    static func siluMul(_ gate: UnsafeMutablePointer<Float>, _ up: UnsafePointer<Float>, _ n: Int) {
        for i in 0..<n {
            let g = gate[i]
            gate[i] = g / (1 + FastMath.exp(-g)) * up[i]
        }
    }

    /// `gate = gelu_tanh(gate) * up` (GeGLU, HF `gelu_pytorch_tanh`).
    static func geluMul(_ gate: UnsafeMutablePointer<Float>, _ up: UnsafePointer<Float>, _ n: Int) {
        for i in 0..<n {
            let z = gate[i]
            let g: Float
            if z <= -10 {
                g = 0
            } else if z >= 10 {
                g = z
            } else {
                let t = 0.797_884_56 * (z + 0.044715 * z * z * z)
                // tanh(t) = 1 - 2 / (exp(2t) + 1)
                let th = 1 - 2 / (FastMath.exp(2 * t) + 1)
                g = 0.5 * z * (1 + th)
            }
            gate[i] = g * up[i]
        }
    }

    /// In-place softmax over `n` values; returns the sum of exponentials before normalising.
    @discardableResult
    static func softmax(_ x: UnsafeMutablePointer<Float>, _ n: Int) -> Float {
        var m = -Float.infinity
        for i in 0..<n where x[i] > m { m = x[i] }
        var sum: Float = 0
        for i in 0..<n {
            let e = FastMath.exp(x[i] - m)
            x[i] = e
            sum += e
        }
        let inv = 1 / sum
        for i in 0..<n { x[i] *= inv }
        return sum
    }

    /// Rotates one head in place with precomputed `cos`/`sin` of each pair's angle.
    @inline(__always)
    static func rope(_ x: UnsafeMutablePointer<Float>, cos: UnsafePointer<Float>, sin: UnsafePointer<Float>, pairs: Int, style: RoPEStyle) {
        switch style {
        case .adjacent:
            for i in 0..<pairs {
                let a = x[2 * i], b = x[2 * i + 1]
                x[2 * i] = a * cos[i] - b * sin[i]
                x[2 * i + 1] = a * sin[i] + b * cos[i]
            }
        case .halves:
            for i in 0..<pairs {
                let a = x[i], b = x[i + pairs]
                x[i] = a * cos[i] - b * sin[i]
                x[i + pairs] = a * sin[i] + b * cos[i]
            }
        }
    }
}

/// Fast scalar approximations used in the forward pass.
enum FastMath {
    /// e^x with a relative error below 2e-7 over the float range (range reduction + degree-6 polynomial).
    @inline(__always)
    static func exp(_ x: Float) -> Float {
        if x < -87.3 { return 0 }
        if x > 88.0 { return Foundation.exp(x) }
        // x = n ln2 + r, |r| <= ln2/2
        let n = (x * 1.442_695_04).rounded(.toNearestOrEven)
        let r = x - n * 0.693_145_75 - n * 1.428_606_8e-6
        var p: Float = 1.987_569_1e-4
        p = p * r + 1.398_199_9e-3
        p = p * r + 8.333_452e-3
        p = p * r + 4.166_579_6e-2
        p = p * r + 0.166_666_66
        p = p * r + 0.5
        p = p * r * r + r + 1
        return p * Float(bitPattern: UInt32(bitPattern: Int32(n) + 127) << 23)
    }
}

extension Ops {
    /// Dot product of `n` values.
    @inline(__always)
    static func dot(_ a: UnsafePointer<Float>, _ b: UnsafePointer<Float>, _ n: Int) -> Float {
        var acc0 = SIMD8<Float>(), acc1 = SIMD8<Float>()
        var i = 0
        while i + 16 <= n {
            acc0 += UnsafeRawPointer(a + i).loadUnaligned(as: SIMD8<Float>.self) * UnsafeRawPointer(b + i).loadUnaligned(as: SIMD8<Float>.self)
            acc1 += UnsafeRawPointer(a + i + 8).loadUnaligned(as: SIMD8<Float>.self) * UnsafeRawPointer(b + i + 8).loadUnaligned(as: SIMD8<Float>.self)
            i += 16
        }
        var sum = (acc0 + acc1).sum()
        while i < n { sum += a[i] * b[i]; i += 1 }
        return sum
    }

    /// `y += a * x` over `n` values.
    @inline(__always)
    static func axpy(_ a: Float, _ x: UnsafePointer<Float>, _ y: UnsafeMutablePointer<Float>, _ n: Int) {
        let s = SIMD8<Float>(repeating: a)
        var i = 0
        while i + 8 <= n {
            let xv = UnsafeRawPointer(x + i).loadUnaligned(as: SIMD8<Float>.self)
            let yv = UnsafeRawPointer(y + i).loadUnaligned(as: SIMD8<Float>.self)
            UnsafeMutableRawPointer(y + i).storeBytes(of: yv + s * xv, as: SIMD8<Float>.self)
            i += 8
        }
        while i < n { y[i] += a * x[i]; i += 1 }
    }
}
