// Enclave bench: one-thread speed of the int16-activation matrix kernels on the model shapes.

import CEnclaveKernels
import Dispatch
import EnclaveEngine
import EnclaveEngineFixtures
import Foundation

/// Times matrix products of synthetic weights with quantised activations, one thread: the int16-activation
/// kernels (AVX2 on the plain and on the packed layout, portable) and the int8 ones, on the matrix shapes of
/// SmolLM2-135M (Q4_1 layers, Q8_0 output) and Gemma-3-270M Q4_K_M (Q5_0/Q8_0/Q4_K/Q6_K, Q8_0 output).
/// `enclave bench kernels-q16`.
///
/// Weights are random bytes with realistic block scales. "hot" multiplies the same matrix every time;
/// "cold" rotates through copies totalling `coldBytes`, so weights stream from DRAM as in decoding (the two
/// output matrices are larger than the caches, so their "hot" streams too). Times are medians, with the
/// 10th percentile alongside; the machine may be shared, so compare kernels as ratios.
///
/// ```swift
/// let bench = Q16KernelBench(seconds: 0.2, coldBytes: 256 << 20)
/// let report = bench.run(batchSizes: [8, 64, 512]) { line in print(line) }
/// print(Q16KernelBench.summary(report.results))
/// ```
public final class Q16KernelBench {
    /// Batched products use at most this many rows (the 262144-row output matrix is only ever
    /// multiplied with the few positions that need logits).
    static let batchedRowLimit = 8192
    /// Batched products of the portable and int8 kernels use at most this many rows (they are 10-30x
    /// slower; their speed per row does not depend on the row count).
    static let slowBatchedRowLimit = 256

    let seconds: Double
    let coldBytes: Int
    /// Weight copies for cold runs; the hot matrix is copy 0.
    private let buffer: UnsafeMutableRawPointer
    private let bufferBytes: Int
    /// The same copies packed (enc_q16_pack), for the packed kernel; rewritten per shape.
    private let packedBuffer: UnsafeMutableRawPointer
    private let packedBufferBytes: Int

    /// Creates the benchmark and fills its weight buffer (`max(coldBytes, 2 x the largest matrix)` plus one
    /// matrix) with random bytes.
    /// - Parameters:
    ///   - seconds: Time spent per measurement (at least 3 repetitions).
    ///   - coldBytes: Bytes of weight copies rotated through for cold measurements.
    public init(seconds: Double, coldBytes: Int) {
        self.seconds = seconds
        self.coldBytes = coldBytes
        let largest = Shape.all.map(\.matrixBytes).max()!
        bufferBytes = max(coldBytes, 2 * largest) + largest
        buffer = .allocate(byteCount: bufferBytes, alignment: 64)
        // Packed copies are at most 1.6x the plain ones (Q5_x codes as bytes).
        packedBufferBytes = bufferBytes * 8 / 5
        packedBuffer = .allocate(byteCount: packedBufferBytes, alignment: 64)
        var state: UInt64 = 0x1234_5678_9ABC_DEF1
        let words = buffer.bindMemory(to: UInt64.self, capacity: bufferBytes / 8)
        for i in 0..<bufferBytes / 8 {
            state ^= state << 13
            state ^= state >> 7
            state ^= state << 17
            words[i] = state
        }
    }

    deinit {
        buffer.deallocate()
        packedBuffer.deallocate()
    }

    /// A single-thread sequential read of the cold buffer, in GB/s (the memory ceiling of a cold run).
    public func streamReadBandwidth() -> Double {
        let words = UnsafeRawPointer(buffer).bindMemory(to: SIMD4<UInt64>.self, capacity: bufferBytes / 32)
        let count = bufferBytes / 32
        var best = Double.infinity
        var sink = SIMD4<UInt64>()
        for _ in 0..<5 {
            let start = DispatchTime.now().uptimeNanoseconds
            var a = SIMD4<UInt64>()
            var b = SIMD4<UInt64>()
            var i = 0
            while i + 1 < count {
                a &+= words[i]
                b &+= words[i + 1]
                i += 2
            }
            sink &+= a &+ b
            best = min(best, Double(DispatchTime.now().uptimeNanoseconds - start) * 1e-9)
        }
        if sink == SIMD4(repeating: 1) { print("") }  // keeps the loop alive
        return Double(count * 32) / best / 1e9
    }

    /// All measurements of one shape.
    public func measure(_ shape: Shape, batchSizes: [Int]) -> [Result] {
        let copies = max(2, min((bufferBytes - shape.matrixBytes) / shape.matrixBytes, (coldBytes + shape.matrixBytes - 1) / shape.matrixBytes))
        writeScales(shape, copies: copies)
        let maxN = batchSizes.max()!
        let inputs = Inputs(shape: shape, columns: maxN)
        var results: [Result] = []
        results.append(time(shape, .int16AVX2, n: 1, cold: false, inputs: inputs, copies: copies))
        results.append(time(shape, .int16AVX2, n: 1, cold: true, inputs: inputs, copies: copies))
        for n in batchSizes { results.append(time(shape, .int16AVX2, n: n, cold: false, inputs: inputs, copies: copies)) }
        if packCopies(shape, copies: copies) {
            results.append(time(shape, .int16Packed, n: 1, cold: false, inputs: inputs, copies: copies))
            results.append(time(shape, .int16Packed, n: 1, cold: true, inputs: inputs, copies: copies))
            for n in batchSizes {
                results.append(time(shape, .int16Packed, n: n, cold: false, inputs: inputs, copies: copies))
                results.append(time(shape, .int16Packed, n: n, cold: true, inputs: inputs, copies: copies))
            }
        }
        results.append(time(shape, .int16Scalar, n: 1, cold: false, inputs: inputs, copies: copies))
        results.append(time(shape, .int16Scalar, n: 1, cold: true, inputs: inputs, copies: copies))
        for n in batchSizes { results.append(time(shape, .int16Scalar, n: n, cold: false, inputs: inputs, copies: copies)) }
        results.append(time(shape, .int8, n: 1, cold: false, inputs: inputs, copies: copies))
        results.append(time(shape, .int8, n: 1, cold: true, inputs: inputs, copies: copies))
        results.append(time(shape, .int8, n: batchSizes.min()!, cold: false, inputs: inputs, copies: copies))
        return results
    }

    /// Bytes of one packed copy of the shape's matrix.
    private func packedBytes(_ shape: Shape) -> Int {
        Int(enc_q16_packed_bytes(Int32(shape.type.rawValue), Int64(shape.rows), Int64(shape.k)))
    }

    /// Packs the `copies` weight copies into the packed buffer; false if the type has no packed layout.
    private func packCopies(_ shape: Shape, copies: Int) -> Bool {
        let bytes = packedBytes(shape)
        guard bytes > 0, copies * bytes <= packedBufferBytes else { return false }
        let type = Int32(shape.type.rawValue)
        let rowBytes = Int64(shape.type.rowBytes(elements: shape.k)!)
        for c in 0..<copies {
            let ok = enc_q16_pack(
                type,
                buffer + c * shape.matrixBytes,
                rowBytes,
                Int64(shape.rows),
                Int64(shape.k),
                0,
                Int64(shape.rows),
                packedBuffer + c * bytes
            )
            guard ok == 1 else { return false }
        }
        return true
    }

    /// Realistic f16 block scales (random bytes would include NaN, infinity and subnormals): d = 0.0078 and
    /// m = -0.03 in every block of the copies.
    private func writeScales(_ shape: Shape, copies: Int) {
        var unused = SplitMix64(seed: 0)
        let blocks = (copies + 1) * shape.matrixBytes / shape.type.blockBytes
        GGMLBlockFactory.writeScales(shape.type, blocks: blocks, to: buffer, using: &unused) { field, _ in field == 0 ? 0.0078 : -0.03 }
    }

    /// Activations quantised for both activation widths.
    private struct Inputs {
        let int16: [UInt8]
        let int16Stride: Int
        let int8: [UInt8]
        let int8Stride: Int

        init(shape: Shape, columns: Int) {
            let k = shape.k
            let type = Int32(shape.type.rawValue)
            var state: UInt32 = 77
            let x = (0..<k * columns).map { _ -> Float in
                state = state &* 1_664_525 &+ 1_013_904_223
                return Float(Int32(bitPattern: state) >> 8) / Float(1 << 23)
            }
            let f16 = enc_q16_activation_format(type)
            let f8 = enc_activation_format(type)
            int16Stride = Int(enc_q16_activation_row_bytes(f16, Int64(k)))
            int8Stride = Int(enc_activation_row_bytes(f8, Int64(k)))
            var a = [UInt8](repeating: 0, count: int16Stride * columns)
            var b = [UInt8](repeating: 0, count: int8Stride * columns)
            let (s16, s8) = (int16Stride, int8Stride)
            x.withUnsafeBufferPointer { xs in
                a.withUnsafeMutableBytes { out in
                    for c in 0..<columns { enc_q16_quantize_row(f16, xs.baseAddress! + c * k, Int64(k), out.baseAddress! + c * s16) }
                }
                b.withUnsafeMutableBytes { out in
                    for c in 0..<columns { enc_quantize_row(f8, xs.baseAddress! + c * k, Int64(k), out.baseAddress! + c * s8) }
                }
            }
            int16 = a
            int8 = b
        }
    }

    private func time(_ shape: Shape, _ kernel: Kernel, n: Int, cold: Bool, inputs: Inputs, copies: Int) -> Result {
        let limit = kernel == .int16AVX2 || kernel == .int16Packed ? Self.batchedRowLimit : Self.slowBatchedRowLimit
        let rows = n > 1 ? min(shape.rows, limit) : shape.rows
        let rowBytes = shape.type.rowBytes(elements: shape.k)!
        let type = Int32(shape.type.rawValue)
        let k = Int64(shape.k)
        var y = [Float](repeating: 0, count: rows * n)
        var times: [Double] = []
        var copy = 0
        let budget = UInt64(seconds * 1e9)
        let begin = DispatchTime.now().uptimeNanoseconds
        let input = kernel == .int8 ? inputs.int8 : inputs.int16
        let stride = Int64(kernel == .int8 ? inputs.int8Stride : inputs.int16Stride)
        y.withUnsafeMutableBufferPointer { out in
            input.withUnsafeBytes { x in
                repeat {
                    let w = UnsafeRawPointer(buffer + (cold ? copy : 0) * shape.matrixBytes)
                    let packed = UnsafeRawPointer(packedBuffer + (cold ? copy : 0) * packedBytes(shape))
                    copy = (copy + 1) % copies
                    let start = DispatchTime.now().uptimeNanoseconds
                    switch kernel {
                    case .int16AVX2:
                        enc_q16_matmul_isa(
                            Int32(ENC_ISA_AVX2),
                            type,
                            w,
                            Int64(rowBytes),
                            k,
                            0,
                            Int64(rows),
                            x.baseAddress!,
                            stride,
                            Int64(n),
                            out.baseAddress!,
                            Int64(rows)
                        )
                    case .int16Packed:
                        _ = enc_q16_matmul_packed_isa(
                            Int32(ENC_ISA_AVX2),
                            type,
                            packed,
                            k,
                            0,
                            Int64(rows),
                            x.baseAddress!,
                            stride,
                            Int64(n),
                            out.baseAddress!,
                            Int64(rows)
                        )
                    case .int16Scalar:
                        enc_q16_matmul_isa(
                            Int32(ENC_ISA_SCALAR),
                            type,
                            w,
                            Int64(rowBytes),
                            k,
                            0,
                            Int64(rows),
                            x.baseAddress!,
                            stride,
                            Int64(n),
                            out.baseAddress!,
                            Int64(rows)
                        )
                    case .int8:
                        enc_matmul(type, w, Int64(rowBytes), k, 0, Int64(rows), x.baseAddress!, stride, Int64(n), out.baseAddress!, Int64(rows))
                    }
                    times.append(Double(DispatchTime.now().uptimeNanoseconds - start) * 1e-9)
                } while times.count < 3 || (DispatchTime.now().uptimeNanoseconds - begin < budget && times.count < 10_000)
            }
        }
        let t = Statistics.median(times)
        return Result(
            model: shape.model,
            matrix: shape.matrix,
            type: shape.type.name,
            rows: rows,
            k: shape.k,
            kernel: kernel,
            n: n,
            cold: cold,
            microseconds: t * 1e6,
            p10Microseconds: Statistics.percentile(times, 10) * 1e6,
            repetitions: times.count,
            gflops: 2 * Double(rows * shape.k * n) / t / 1e9,
            weightGBps: Double(rows * rowBytes) / t / 1e9
        )
    }

    /// Every measurement: the memory bandwidth, the quantisers, then each shape in ``Shape/all``. `line` gets
    /// the table as it is measured (a heading, the column header, then one line per result).
    public func run(batchSizes: [Int], coldMegabytes: Int, line: (String) -> Void = { _ in }) -> Report {
        line("CPU level: \(enc_isa_active() == Int32(ENC_ISA_AVX2) ? "AVX2+FMA+F16C" : "portable C"); one thread; median times")
        line(Result.header)
        let stream = streamReadBandwidth()
        line(String(format: "memory: sequential read of %d MB: %.1f GB/s", coldMegabytes, stream))
        let quantizers = measureQuantizers()
        for q in quantizers { line(q.line) }
        var results: [Result] = []
        for shape in Shape.all {
            let shapeResults = measure(shape, batchSizes: batchSizes)
            for r in shapeResults { line(r.line) }
            results += shapeResults
        }
        return Report(streamReadGBps: stream, quantizers: quantizers, results: results)
    }

    /// The report as pretty-printed JSON with sorted keys.
    public static func json(_ report: Report) throws -> String {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys]
        return String(decoding: try encoder.encode(report), as: UTF8.self)
    }
}
