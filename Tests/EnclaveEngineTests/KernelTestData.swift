// Enclave: test data and Float64 references for the C kernels (CEnclaveKernels).

import CEnclaveKernels
import EnclaveEngine
import EnclaveEngineFixtures
import Foundation

/// Switches the kernels' instruction set for the duration of `body` and restores the previous level.
enum KernelISA {
    static var hasAVX2: Bool { enc_isa_detected() == Int32(ENC_ISA_AVX2) }

    static func with<T>(_ level: Int32, _ body: () throws -> T) rethrows -> T {
        let previous = enc_isa_active()
        enc_isa_set(level)
        defer { enc_isa_set(previous) }
        return try body()
    }

    static let scalar = Int32(ENC_ISA_SCALAR)
    static let avx2 = Int32(ENC_ISA_AVX2)
}

/// Activation rows in the format a weight type pairs with, and their dequantised values (d * qs).
struct KernelActivations {
    let bytes: [UInt8]
    let stride: Int
    let n: Int
    let values: [[Double]]
}

enum KernelData {
    static let allTypes: [GGMLType] = [.f32, .f16, .bf16, .q8_0, .q4_0, .q4_1, .q5_0, .q5_1, .q4_K, .q5_K, .q6_K]

    /// `rows` random rows of `k` elements (``GGMLBlockFactory``): random quant bytes with sane f16 scales (about
    /// `scale` in size, both signs); float types roughly normal with unit spread.
    static func weights(_ type: GGMLType, rows: Int, k: Int, scale: Float = 0.02, rng: inout SplitMix64) -> [UInt8] {
        GGMLBlockFactory.blocks(
            type,
            rows: rows,
            k: k,
            using: &rng,
            element: { (rng: inout SplitMix64) -> Float in rng.normal(1) },
            scale: { (_: Int, rng: inout SplitMix64) -> Float in Float.random(in: -1...1, using: &rng) * scale }
        )
    }

    /// `count` floats like a hidden state: roughly normal with a few large outliers.
    static func floats(_ count: Int, rng: inout SplitMix64) -> [Float] {
        (0..<count).map { _ in
            let v = rng.normal(1)
            return Int.random(in: 0..<64, using: &rng) == 0 ? v * 20 : v
        }
    }

    /// Quantises `n` rows of `k` floats for `type` with the active instruction set.
    static func activations(for type: GGMLType, k: Int, n: Int, floats: [Float]) -> KernelActivations {
        let format = enc_activation_format(Int32(type.rawValue))
        let stride = Int(enc_activation_row_bytes(format, Int64(k)))
        var bytes = [UInt8](repeating: 0, count: stride * n)
        floats.withUnsafeBufferPointer { src in
            bytes.withUnsafeMutableBytes { dst in
                for c in 0..<n { enc_quantize_row(format, src.baseAddress! + c * k, Int64(k), dst.baseAddress! + c * stride) }
            }
        }
        let values = (0..<n).map { c in dequantizeActivation(format: format, bytes, offset: c * stride, k: k) }
        return KernelActivations(bytes: bytes, stride: stride, n: n, values: values)
    }

    /// The values an activation row stands for: floats as they are, or d * qs per block.
    static func dequantizeActivation(format: Int32, _ bytes: [UInt8], offset: Int, k: Int) -> [Double] {
        bytes.withUnsafeBytes { raw in
            let p = raw.baseAddress! + offset
            switch Int(format) {
            case Int(ENC_ACT_Q8_32):
                return (0..<k).map { i in
                    let b = p + (i / 32) * 40
                    return Double(b.loadUnaligned(as: Float.self)) * Double(b.load(fromByteOffset: 8 + i % 32, as: Int8.self))
                }
            case Int(ENC_ACT_Q8_256):
                return (0..<k).map { i in
                    let b = p + (i / 256) * 292
                    return Double(b.loadUnaligned(as: Float.self)) * Double(b.load(fromByteOffset: 36 + i % 256, as: Int8.self))
                }
            default:
                return (0..<k).map { Double(p.loadUnaligned(fromByteOffset: 4 * $0, as: Float.self)) }
            }
        }
    }

    /// y[c * rows + r] for the weight rows [0, rows) with the active instruction set and the given tile.
    static func matmul(
        _ type: GGMLType,
        _ w: UnsafeRawPointer,
        rowBytes: Int,
        k: Int,
        rows: Range<Int>,
        _ x: KernelActivations,
        tile: (Int32, Int32) = (0, 0)
    ) -> (ok: Bool, y: [Float]) {
        let count = rows.count
        var y = [Float](repeating: .nan, count: count * x.n)
        let ok = x.bytes.withUnsafeBytes { xb in
            y.withUnsafeMutableBufferPointer { yb in
                // Shift the row origin so that output row r0 lands at y[0].
                enc_matmul_tiled(
                    Int32(type.rawValue),
                    tile.0,
                    tile.1,
                    w + rows.lowerBound * rowBytes,
                    Int64(rowBytes),
                    Int64(k),
                    0,
                    Int64(count),
                    xb.baseAddress!,
                    Int64(x.stride),
                    Int64(x.n),
                    yb.baseAddress!,
                    Int64(count)
                )
            }
        }
        return (ok != 0, y)
    }

    /// Float64 reference of the same product from `Dequantize.row`, and each output's magnitude sum |w_i x_i|.
    static func reference(
        _ type: GGMLType,
        _ w: UnsafeRawPointer,
        rowBytes: Int,
        k: Int,
        rows: Range<Int>,
        _ x: KernelActivations
    ) -> (y: [Double], magnitude: [Double]) {
        var y = [Double](repeating: 0, count: rows.count * x.n)
        var magnitude = y
        var row = [Float](repeating: 0, count: k)
        for (i, r) in rows.enumerated() {
            row.withUnsafeMutableBufferPointer { Dequantize.row(type, w + r * rowBytes, count: k, into: $0.baseAddress!) }
            for c in 0..<x.n {
                var sum = 0.0
                var mag = 0.0
                let xv = x.values[c]
                for j in 0..<k {
                    let t = Double(row[j]) * xv[j]
                    sum += t
                    mag += abs(t)
                }
                y[c * rows.count + i] = sum
                magnitude[c * rows.count + i] = mag
            }
        }
        return (y, magnitude)
    }

    /// The largest |a - b| / (magnitude + tiny) over all outputs.
    static func worstError(_ a: [Float], _ b: [Double], magnitude: [Double]) -> Double {
        var worst = 0.0
        for i in a.indices {
            let e = abs(Double(a[i]) - b[i]) / (magnitude[i] + 1e-30)
            if !(e <= worst) { worst = e.isNaN ? .infinity : e }
        }
        return worst
    }
}
