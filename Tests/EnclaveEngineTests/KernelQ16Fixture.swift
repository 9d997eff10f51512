// Enclave: weights and activations for the kernel tests, and a Float64 reference product.

import CEnclaveKernels
import EnclaveEngine
import EnclaveEngineFixtures
import Foundation

/// A weight matrix in ggml encoding (owned synthetic bytes or a tensor of a mapped model file).
struct KernelQ16Fixture {
    let type: GGMLType
    let rows: Int
    let k: Int
    let data: UnsafeRawPointer
    let rowBytes: Int
    private let storage: Storage?

    /// Owns the bytes of a synthetic matrix.
    private final class Storage {
        let pointer: UnsafeMutableRawPointer
        init(_ bytes: [UInt8]) {
            pointer = .allocate(byteCount: max(1, bytes.count), alignment: 64)
            bytes.withUnsafeBytes { pointer.copyMemory(from: $0.baseAddress!, byteCount: bytes.count) }
        }
        deinit { pointer.deallocate() }
    }

    init(type: GGMLType, rows: Int, k: Int, data: UnsafeRawPointer, rowBytes: Int) {
        self.type = type
        self.rows = rows
        self.k = k
        self.data = data
        self.rowBytes = rowBytes
        storage = nil
    }

    private init(type: GGMLType, rows: Int, k: Int, bytes: [UInt8]) {
        let storage = Storage(bytes)
        self.type = type
        self.rows = rows
        self.k = k
        self.storage = storage
        rowBytes = type.rowBytes(elements: k)!
        data = UnsafeRawPointer(storage.pointer)
    }

    /// Activations: `count` rows of `k` floats.
    struct Inputs {
        let k: Int
        let count: Int
        var values: [Float]
    }

    /// Deterministic random weights (``GGMLBlockFactory``) with finite scales of both signs: d within ±0.02,
    /// m or dmin within ±0.05.
    static func weights(_ type: GGMLType, rows: Int, k: Int, seed: UInt64) -> KernelQ16Fixture {
        var rng = SplitMix64(seed: seed)
        let bytes = GGMLBlockFactory.blocks(
            type,
            rows: rows,
            k: k,
            using: &rng,
            scale: { (field: Int, rng: inout SplitMix64) -> Float in
                let size: Double = field == 0 ? 0.02 : 0.05
                return Float((rng.unit() * 2 - 1) * size)
            }
        )
        return KernelQ16Fixture(type: type, rows: rows, k: k, bytes: bytes)
    }

    /// Roughly unit-scale activations with a few large outliers, like transformer hidden states.
    static func inputs(k: Int, count: Int, seed: UInt64) -> Inputs {
        var rng = SplitMix64(seed: seed)
        var values = (0..<k * count).map { _ in Float(rng.unit() * 2 - 1) }
        for _ in 0..<max(1, k * count / 200) { values[Int(rng.next() % UInt64(k * count))] *= 40 }
        return Inputs(k: k, count: count, values: values)
    }

    /// The activation rows quantised to the format this weight type pairs with.
    func quantized(_ x: Inputs, isa: Int32) -> (bytes: [UInt8], stride: Int) {
        let format = enc_q16_activation_format(Int32(type.rawValue))
        let stride = Int(enc_q16_activation_row_bytes(format, Int64(k)))
        var bytes = [UInt8](repeating: 0, count: stride * x.count)
        x.values.withUnsafeBufferPointer { v in
            bytes.withUnsafeMutableBytes { out in
                for r in 0..<x.count {
                    enc_q16_quantize_row_isa(isa, format, v.baseAddress! + r * k, Int64(k), out.baseAddress! + r * stride)
                }
            }
        }
        return (bytes, stride)
    }

    /// Multiplies `count` activation columns starting at `column` with `rows` (nil isa: the default entry point).
    func multiply(_ x: Inputs, column: Int, count: Int, rows range: Range<Int>, isa: Int32?, into y: UnsafeMutablePointer<Float>, ldy: Int) {
        let (bytes, stride) = quantized(x, isa: Int32(ENC_ISA_SCALAR))
        bytes.withUnsafeBytes { q in
            let xp = q.baseAddress! + column * stride
            let t = Int32(type.rawValue)
            if let isa {
                enc_q16_matmul_isa(
                    isa,
                    t,
                    data,
                    Int64(rowBytes),
                    Int64(k),
                    Int64(range.lowerBound),
                    Int64(range.upperBound),
                    xp,
                    Int64(stride),
                    Int64(count),
                    y,
                    Int64(ldy)
                )
            } else {
                enc_q16_matmul(
                    t,
                    data,
                    Int64(rowBytes),
                    Int64(k),
                    Int64(range.lowerBound),
                    Int64(range.upperBound),
                    xp,
                    Int64(stride),
                    Int64(count),
                    y,
                    Int64(ldy)
                )
            }
        }
    }

    /// All rows times `columns` activation rows from `firstColumn`: y[c * rows + r].
    func product(_ x: Inputs, columns: Int, firstColumn: Int = 0, isa: Int32?) -> [Float] {
        var y = [Float](repeating: .nan, count: columns * rows)
        y.withUnsafeMutableBufferPointer {
            multiply(x, column: firstColumn, count: columns, rows: 0..<rows, isa: isa, into: $0.baseAddress!, ldy: rows)
        }
        return y
    }

    /// Float64 products of the dequantised weights (Dequantize.row) with the dequantised activations.
    func reference(_ x: Inputs, columns: Int) -> [Float] {
        let (bytes, stride) = quantized(x, isa: Int32(ENC_ISA_SCALAR))
        let acts: [[Double]] = bytes.withUnsafeBytes { q in
            (0..<columns).map { c in Self.dequantizeActivations(q.baseAddress! + c * stride, blockSize: type.blockSize, k: k) }
        }
        var y = [Float](repeating: 0, count: columns * rows)
        var row = [Float](repeating: 0, count: k)
        for r in 0..<rows {
            Dequantize.row(type, data + r * rowBytes, count: k, into: &row)
            for c in 0..<columns {
                var sum = 0.0
                for i in 0..<k { sum += Double(row[i]) * acts[c][i] }
                y[c * rows + r] = Float(sum)
            }
        }
        return y
    }

    /// value_i = d * qs[i] of enc_q16_32 or enc_q16_256 blocks.
    static func dequantizeActivations(_ p: UnsafeRawPointer, blockSize: Int, k: Int) -> [Double] {
        let (size, qsOffset) =
            blockSize == 32
            ? (MemoryLayout<enc_q16_32>.stride, MemoryLayout<enc_q16_32>.offset(of: \.qs)!)
            : (MemoryLayout<enc_q16_256>.stride, MemoryLayout<enc_q16_256>.offset(of: \.qs)!)
        var out = [Double](repeating: 0, count: k)
        for b in 0..<k / blockSize {
            let block = p + b * size
            let d = Double(block.loadUnaligned(as: Float.self))
            for i in 0..<blockSize {
                out[b * blockSize + i] = d * Double(block.loadUnaligned(fromByteOffset: qsOffset + 2 * i, as: Int16.self))
            }
        }
        return out
    }

    /// max |a - b| / max |b| (0 when both are zero).
    static func relativeError(_ a: [Float], _ b: [Float]) -> Double {
        let scale = b.reduce(0.0) { max($0, abs(Double($1))) }
        let err = zip(a, b).reduce(0.0) { max($0, abs(Double($1.0) - Double($1.1))) }
        return scale == 0 ? err : err / scale
    }
}
