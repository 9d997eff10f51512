// Enclave: reference dequantisation of every supported tensor type (ggml block layouts).

/// Converts ggml-encoded rows to `Float`. This is the readable reference the SIMD kernels are
/// tested against, and the path used for single-row gathers such as embedding lookups.
public enum Dequantize {
    @inline(__always)
    static func half(_ p: UnsafeRawPointer, _ offset: Int) -> Float {
        Float(Float16(bitPattern: p.loadUnaligned(fromByteOffset: offset, as: UInt16.self)))
    }

    /// Dequantises `count` elements of type `type` starting at `src` into `dst`.
    /// - Precondition: `count` is a multiple of the type's block size and the type is supported.
    public static func row(_ type: GGMLType, _ src: UnsafeRawPointer, count: Int, into dst: UnsafeMutablePointer<Float>) {
        precondition(count % type.blockSize == 0, "row length \(count) is not a multiple of \(type.blockSize)")
        let blocks = count / type.blockSize
        switch type {
        case .f32:
            for i in 0..<count { dst[i] = src.loadUnaligned(fromByteOffset: 4 * i, as: Float.self) }
        case .f16:
            for i in 0..<count { dst[i] = half(src, 2 * i) }
        case .bf16:
            for i in 0..<count {
                dst[i] = Float(bitPattern: UInt32(src.loadUnaligned(fromByteOffset: 2 * i, as: UInt16.self)) << 16)
            }
        case .q8_0:
            for b in 0..<blocks {
                let p = src + b * 34
                let d = half(p, 0)
                let out = dst + b * 32
                for i in 0..<32 { out[i] = d * Float(p.load(fromByteOffset: 2 + i, as: Int8.self)) }
            }
        case .q4_0:
            for b in 0..<blocks {
                let p = src + b * 18
                let d = half(p, 0)
                let out = dst + b * 32
                for j in 0..<16 {
                    let q = p.load(fromByteOffset: 2 + j, as: UInt8.self)
                    out[j] = Float(Int(q & 15) - 8) * d
                    out[j + 16] = Float(Int(q >> 4) - 8) * d
                }
            }
        case .q4_1:
            for b in 0..<blocks {
                let p = src + b * 20
                let d = half(p, 0)
                let m = half(p, 2)
                let out = dst + b * 32
                for j in 0..<16 {
                    let q = p.load(fromByteOffset: 4 + j, as: UInt8.self)
                    out[j] = Float(q & 15) * d + m
                    out[j + 16] = Float(q >> 4) * d + m
                }
            }
        case .q5_0:
            for b in 0..<blocks {
                let p = src + b * 22
                let d = half(p, 0)
                let out = dst + b * 32
                let qh = UInt32(littleEndian: p.loadUnaligned(fromByteOffset: 2, as: UInt32.self))
                for j in 0..<16 {
                    let q = p.load(fromByteOffset: 6 + j, as: UInt8.self)
                    let lo = Int(q & 15) | Int((qh >> UInt32(j)) & 1) << 4
                    let hi = Int(q >> 4) | Int((qh >> UInt32(j + 16)) & 1) << 4
                    out[j] = Float(lo - 16) * d
                    out[j + 16] = Float(hi - 16) * d
                }
            }
        case .q5_1:
            for b in 0..<blocks {
                let p = src + b * 24
                let d = half(p, 0)
                let m = half(p, 2)
                let out = dst + b * 32
                let qh = UInt32(littleEndian: p.loadUnaligned(fromByteOffset: 4, as: UInt32.self))
                for j in 0..<16 {
                    let q = p.load(fromByteOffset: 8 + j, as: UInt8.self)
                    let lo = Int(q & 15) | Int((qh >> UInt32(j)) & 1) << 4
                    let hi = Int(q >> 4) | Int((qh >> UInt32(j + 16)) & 1) << 4
                    out[j] = Float(lo) * d + m
                    out[j + 16] = Float(hi) * d + m
                }
            }
        case .q4_K:
            for b in 0..<blocks { q4K(src + b * 144, dst + b * 256) }
        case .q5_K:
            for b in 0..<blocks { q5K(src + b * 176, dst + b * 256) }
        case .q6_K:
            for b in 0..<blocks { q6K(src + b * 210, dst + b * 256) }
        default:
            preconditionFailure("dequantisation of \(type) is not supported")
        }
    }

    /// The 6-bit scale and min of sub-block `k` (0..<8) from the 12 packed bytes of a Q4_K/Q5_K block.
    @inline(__always)
    static func scaleMin(_ s: UnsafeRawPointer, _ k: Int) -> (Float, Float) {
        func b(_ i: Int) -> UInt8 { s.load(fromByteOffset: i, as: UInt8.self) }
        if k < 4 {
            return (Float(b(k) & 63), Float(b(k + 4) & 63))
        }
        let sc = (b(k + 4) & 15) | ((b(k - 4) >> 6) << 4)
        let m = (b(k + 4) >> 4) | ((b(k) >> 6) << 4)
        return (Float(sc), Float(m))
    }

    static func q4K(_ p: UnsafeRawPointer, _ out: UnsafeMutablePointer<Float>) {
        let d = half(p, 0)
        let dmin = half(p, 2)
        let scales = p + 4
        let qs = p + 16
        for c in 0..<4 {
            let (sc0, m0) = scaleMin(scales, 2 * c)
            let (sc1, m1) = scaleMin(scales, 2 * c + 1)
            let d0 = d * sc0
            let mm0 = dmin * m0
            let d1 = d * sc1
            let mm1 = dmin * m1
            for l in 0..<32 {
                let q = qs.load(fromByteOffset: 32 * c + l, as: UInt8.self)
                out[64 * c + l] = d0 * Float(q & 15) - mm0
                out[64 * c + 32 + l] = d1 * Float(q >> 4) - mm1
            }
        }
    }

    static func q5K(_ p: UnsafeRawPointer, _ out: UnsafeMutablePointer<Float>) {
        let d = half(p, 0)
        let dmin = half(p, 2)
        let scales = p + 4
        let qh = p + 16
        let qs = p + 48
        for c in 0..<4 {
            let (sc0, m0) = scaleMin(scales, 2 * c)
            let (sc1, m1) = scaleMin(scales, 2 * c + 1)
            let d0 = d * sc0
            let mm0 = dmin * m0
            let d1 = d * sc1
            let mm1 = dmin * m1
            for l in 0..<32 {
                let q = qs.load(fromByteOffset: 32 * c + l, as: UInt8.self)
                let h = qh.load(fromByteOffset: l, as: UInt8.self)
                let lo = Int(q & 15) + (Int(h >> UInt8(2 * c)) & 1) * 16
                let hi = Int(q >> 4) + (Int(h >> UInt8(2 * c + 1)) & 1) * 16
                out[64 * c + l] = d0 * Float(lo) - mm0
                out[64 * c + 32 + l] = d1 * Float(hi) - mm1
            }
        }
    }

    static func q6K(_ p: UnsafeRawPointer, _ out: UnsafeMutablePointer<Float>) {
        let d = half(p, GGMLType.q6_KScaleOffset)
        for h in 0..<2 {
            let ql = p + 64 * h
            let qh = p + 128 + 32 * h
            let sc = p + 192 + 8 * h
            for l in 0..<32 {
                let L0 = ql.load(fromByteOffset: l, as: UInt8.self)
                let L1 = ql.load(fromByteOffset: l + 32, as: UInt8.self)
                let H = qh.load(fromByteOffset: l, as: UInt8.self)
                let q0 = Int((L0 & 15) | ((H & 3) << 4)) - 32
                let q1 = Int((L1 & 15) | (((H >> 2) & 3) << 4)) - 32
                let q2 = Int((L0 >> 4) | (((H >> 4) & 3) << 4)) - 32
                let q3 = Int((L1 >> 4) | (((H >> 6) & 3) << 4)) - 32
                let s = l / 16
                out[128 * h + l] = d * Float(sc.load(fromByteOffset: s, as: Int8.self)) * Float(q0)
                out[128 * h + 32 + l] = d * Float(sc.load(fromByteOffset: s + 2, as: Int8.self)) * Float(q1)
                out[128 * h + 64 + l] = d * Float(sc.load(fromByteOffset: s + 4, as: Int8.self)) * Float(q2)
                out[128 * h + 96 + l] = d * Float(sc.load(fromByteOffset: s + 6, as: Int8.self)) * Float(q3)
            }
        }
    }
}
