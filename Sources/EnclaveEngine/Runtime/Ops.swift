// Enclave: element-wise and row operations of the forward pass (norms, RoPE, activations, softmax).

import CEnclaveKernels
import Foundation

/// Row operations of the forward pass. Norms, RoPE and dot products are written with 8-wide SIMD and
/// no fused multiply-add, so they compile to plain SSE without target flags; the exponential-heavy
/// activations and softmax call the C kernels (AVX2 with a portable fallback).
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
        while i < n {
            sum += x[i] * x[i]
            i += 1
        }
        let scale = 1 / (sum / Float(n) + eps).squareRoot()
        let s = SIMD8<Float>(repeating: scale)
        i = 0
        while i + 8 <= n {
            let v = UnsafeRawPointer(x + i).loadUnaligned(as: SIMD8<Float>.self)
            let w = UnsafeRawPointer(weight + i).loadUnaligned(as: SIMD8<Float>.self)
            UnsafeMutableRawPointer(out + i).storeBytes(of: v * s * w, as: SIMD8<Float>.self)
            i += 8
        }
        while i < n {
            out[i] = x[i] * scale * weight[i]
            i += 1
        }
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
        while i < n {
            x[i] += y[i]
            i += 1
        }
    }

    /// `x *= s` over `n` values.
    @inline(__always)
    static func scale(_ x: UnsafeMutablePointer<Float>, _ s: Float, _ n: Int) {
        for i in 0..<n { x[i] *= s }
    }

    /// `gate = silu(gate) * up` (SwiGLU).
    @inline(__always)
    static func siluMul(_ gate: UnsafeMutablePointer<Float>, _ up: UnsafePointer<Float>, _ n: Int) {
        enc_silu_mul(gate, up, Int64(n))
    }

    /// `gate = gelu_tanh(gate) * up` (GeGLU, HF `gelu_pytorch_tanh`).
    @inline(__always)
    static func geluMul(_ gate: UnsafeMutablePointer<Float>, _ up: UnsafePointer<Float>, _ n: Int) {
        enc_gelu_mul(gate, up, Int64(n))
    }

    /// In-place softmax over `n` values; returns the sum of exponentials before normalising.
    @discardableResult
    @inline(__always)
    static func softmax(_ x: UnsafeMutablePointer<Float>, _ n: Int) -> Float {
        enc_softmax(x, Int64(n))
    }

    /// Rotates one head in place with precomputed `cos`/`sin` of each pair's angle.
    @inline(__always)
    static func rope(_ x: UnsafeMutablePointer<Float>, cos: UnsafePointer<Float>, sin: UnsafePointer<Float>, pairs: Int, style: RoPEStyle) {
        switch style {
        case .adjacent: enc_rope_adjacent(x, cos, sin, Int64(pairs))
        case .halves: enc_rope_halves(x, cos, sin, Int64(pairs))
        }
    }
}

extension Ops {
    /// Dot product of `n` values.
    @inline(__always)
    static func dot(_ a: UnsafePointer<Float>, _ b: UnsafePointer<Float>, _ n: Int) -> Float {
        var acc0 = SIMD8<Float>()
        var acc1 = SIMD8<Float>()
        var i = 0
        while i + 16 <= n {
            acc0 += UnsafeRawPointer(a + i).loadUnaligned(as: SIMD8<Float>.self) * UnsafeRawPointer(b + i).loadUnaligned(as: SIMD8<Float>.self)
            acc1 +=
                UnsafeRawPointer(a + i + 8).loadUnaligned(as: SIMD8<Float>.self) * UnsafeRawPointer(b + i + 8).loadUnaligned(as: SIMD8<Float>.self)
            i += 16
        }
        var sum = (acc0 + acc1).sum()
        while i < n {
            sum += a[i] * b[i]
            i += 1
        }
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
        while i < n {
            y[i] += a * x[i]
            i += 1
        }
    }
}
