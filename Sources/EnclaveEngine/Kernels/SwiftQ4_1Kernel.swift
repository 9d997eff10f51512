// Enclave: a pure-Swift SIMD Q4_1 x q8_32 matrix-vector product, kept as the measured comparison for the C kernels.

/// The Q4_1 matrix-vector product in pure Swift, written in the "bitcast style" that measured best in
/// docs/kernels.md (§2, kernel 2e: integer dot products on 16 x Int16 lanes, activations pre-expanded to Int16,
/// two weight rows per pass). The engine uses the C kernels (`enc_matmul`); this exists so that
/// `enclave bench kernels` can show, on the same data, why the hot kernels are in C: Swift SIMD has no
/// `vpmaddubsw`/`vpmaddwd`, and without AVX2 target flags (which a package dependency cannot set) it runs on
/// 128-bit SSE2.
///
/// Only same-width lane operations and `unsafeBitCast` are used (no SIMD conversion initialisers, lane shuffles
/// or float comparisons, which Swift 6.3 compiles to out-of-line helpers or scalar loops).
public enum SwiftQ4_1Kernel {
    /// One activation block of 32 values expanded to Int16: `even[i]` = q[2i] and `odd[i]` = q[2i + 1], matching
    /// the byte order of the unpacked weight nibbles, plus the block's scale `d` and `s` = d * sum(q).
    public struct ExpandedBlock: Sendable {
        public var even: SIMD16<Int16>
        public var odd: SIMD16<Int16>
        public var d: Float
        public var s: Float

        public init(even: SIMD16<Int16>, odd: SIMD16<Int16>, d: Float, s: Float) {
            self.even = even
            self.odd = odd
            self.d = d
            self.s = s
        }
    }

    /// Bytes of one enc_q8_32 activation block: d (f32), s (f32), 32 x int8.
    public static let activationBlockBytes = 40
    /// Bytes of one Q4_1 weight block: d (f16), m (f16), 16 bytes of nibbles.
    public static let weightBlockBytes = 20

    /// Expands `blocks` enc_q8_32 activation blocks at `x` (as written by `enc_quantize_q8_32`) into `out`.
    /// Done once per input vector; it costs far less than one matrix-vector product.
    public static func expand(_ x: UnsafeRawPointer, blocks: Int, into out: UnsafeMutablePointer<ExpandedBlock>) {
        for b in 0..<blocks {
            let p = x + b * activationBlockBytes
            var even = SIMD16<Int16>()
            var odd = SIMD16<Int16>()
            for i in 0..<16 {
                even[i] = Int16(p.load(fromByteOffset: 8 + 2 * i, as: Int8.self))
                odd[i] = Int16(p.load(fromByteOffset: 9 + 2 * i, as: Int8.self))
            }
            out[b] = ExpandedBlock(
                even: even,
                odd: odd,
                d: p.loadUnaligned(as: Float.self),
                s: p.loadUnaligned(fromByteOffset: 4, as: Float.self)
            )
        }
    }

    /// y[r] = dot(weight row r, x) for r in `rows` (`w` points at row 0, rows `rowBytes` apart, `blocks` Q4_1
    /// blocks per row), two rows per pass.
    public static func matvec(
        _ w: UnsafeRawPointer,
        rowBytes: Int,
        blocks: Int,
        rows: Range<Int>,
        x: UnsafePointer<ExpandedBlock>,
        y: UnsafeMutablePointer<Float>
    ) {
        var r = rows.lowerBound
        while r + 2 <= rows.upperBound {
            let (a, b) = dot2(w + r * rowBytes, w + (r + 1) * rowBytes, blocks: blocks, x: x)
            y[r] = a
            y[r + 1] = b
            r += 2
        }
        if r < rows.upperBound {
            y[r] = dot2(w + r * rowBytes, w + r * rowBytes, blocks: blocks, x: x).0
        }
    }

    /// An f16 bit pattern to Float without `Float(Float16)` (a libcall without F16C): shift the exponent and
    /// mantissa into place and rescale by 2^112. Exact for normal and subnormal halves (scales are never inf/NaN).
    @inline(__always)
    static func half(_ p: UnsafeRawPointer, _ offset: Int) -> Float {
        let h = UInt32(p.loadUnaligned(fromByteOffset: offset, as: UInt16.self))
        let magnitude = Float(bitPattern: (h & 0x7fff) << 13) * 0x1p112
        return Float(bitPattern: magnitude.bitPattern | ((h & 0x8000) << 16))
    }

    /// The integer dot product of one weight block with one expanded activation block, as 8 Float lanes.
    @inline(__always)
    static func blockDot(_ p: UnsafeRawPointer, _ xb: ExpandedBlock) -> SIMD8<Float> {
        // 16 bytes of nibbles, duplicated into both halves, shifted by 0 (low half) or 4 (high half) and masked:
        // bytes 0..15 are elements 0..15 (low nibbles), bytes 16..31 elements 16..31 (high nibbles).
        let q = p.loadUnaligned(fromByteOffset: 4, as: SIMD4<UInt32>.self)
        let both = unsafeBitCast((q, q), to: SIMD8<UInt32>.self)
        let nibbles = (both &>> SIMD8<UInt32>(0, 0, 0, 0, 4, 4, 4, 4)) & SIMD8<UInt32>(repeating: 0x0F0F_0F0F)
        // Each Int16 lane holds elements 2i (low byte) and 2i + 1 (high byte), both 0...15.
        let pairs = unsafeBitCast(nibbles, to: SIMD16<Int16>.self)
        let even = pairs & SIMD16<Int16>(repeating: 0x00FF)
        let odd = pairs &>> SIMD16<Int16>(repeating: 8)
        let products = even &* xb.even &+ odd &* xb.odd  // |each| <= 2 * 15 * 127, fits in Int16
        // Pairwise add into Int32 lanes: sign-extended low half plus arithmetic-shifted high half.
        let wide = unsafeBitCast(products, to: SIMD8<Int32>.self)
        let sums = ((wide &<< SIMD8<Int32>(repeating: 16)) &>> SIMD8<Int32>(repeating: 16)) &+ (wide &>> SIMD8<Int32>(repeating: 16))
        // Int32 -> Float with the 1.5 * 2^23 magic number (exact for |v| < 2^22).
        let biased = unsafeBitCast(sums &+ SIMD8<Int32>(repeating: 0x4B40_0000), to: SIMD8<Float>.self)
        return biased - SIMD8<Float>(repeating: 12_582_912)
    }

    @inline(__always)
    static func dot2(_ w0: UnsafeRawPointer, _ w1: UnsafeRawPointer, blocks: Int, x: UnsafePointer<ExpandedBlock>) -> (Float, Float) {
        var acc0 = SIMD8<Float>()
        var acc1 = SIMD8<Float>()
        var min0: Float = 0
        var min1: Float = 0
        for b in 0..<blocks {
            let xb = x[b]
            let p0 = w0 + b * weightBlockBytes
            let p1 = w1 + b * weightBlockBytes
            acc0 += blockDot(p0, xb) * SIMD8<Float>(repeating: half(p0, 0) * xb.d)
            acc1 += blockDot(p1, xb) * SIMD8<Float>(repeating: half(p1, 0) * xb.d)
            min0 += half(p0, 2) * xb.s
            min1 += half(p1, 2) * xb.s
        }
        return (acc0.sum() + min0, acc1.sum() + min1)
    }
}
