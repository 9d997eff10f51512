// Enclave: the measurements behind `enclave bench kernels-q16`.

import CEnclaveKernels
import EnclaveEngine
import Foundation

/// Times matrix products of synthetic weights with quantised activations, one thread.
struct KernelBenchRunner {
    /// A weight matrix shape of one of the two reference models.
    struct Shape: Sendable {
        let model: String
        let matrix: String
        let type: GGMLType
        let rows: Int
        let k: Int

        static let all: [Shape] = [
            Shape(model: "SmolLM2", matrix: "attn_q/o", type: .q4_1, rows: 576, k: 576),
            Shape(model: "SmolLM2", matrix: "attn_k/v", type: .q4_1, rows: 192, k: 576),
            Shape(model: "SmolLM2", matrix: "ffn_gate/up", type: .q4_1, rows: 1536, k: 576),
            Shape(model: "SmolLM2", matrix: "ffn_down", type: .q4_1, rows: 576, k: 1536),
            Shape(model: "SmolLM2", matrix: "output", type: .q8_0, rows: 49152, k: 576),
            Shape(model: "Gemma3", matrix: "attn_q", type: .q5_0, rows: 1024, k: 640),
            Shape(model: "Gemma3", matrix: "attn_k/v", type: .q5_0, rows: 256, k: 640),
            Shape(model: "Gemma3", matrix: "attn_v", type: .q8_0, rows: 256, k: 640),
            Shape(model: "Gemma3", matrix: "ffn_gate/up", type: .q5_0, rows: 2048, k: 640),
            Shape(model: "Gemma3", matrix: "ffn_down", type: .q6_K, rows: 640, k: 2048),
            Shape(model: "Gemma3", matrix: "ffn_down", type: .q4_K, rows: 640, k: 2048),
            Shape(model: "Gemma3", matrix: "attn_output", type: .q4_K, rows: 640, k: 1024),
            Shape(model: "Gemma3", matrix: "output", type: .q8_0, rows: 262_144, k: 640),
        ]

        var matrixBytes: Int { rows * type.rowBytes(elements: k)! }
    }

    /// The kernels compared.
    enum Kernel: String, Codable, Sendable {
        case int16AVX2 = "int16-avx2"
        /// enc_q16_matmul_packed on a copy packed with enc_q16_pack (8 interleaved rows), AVX2.
        case int16Packed = "int16-packed"
        case int16Scalar = "int16-scalar"
        /// enc_matmul with int8 activations, at whatever level this build implements it.
        case int8 = "int8"
    }

    /// One measurement.
    struct Result: Codable, Sendable {
        let model: String
        let matrix: String
        let type: String
        /// Rows multiplied (batched products of the output matrices use their first rows only).
        let rows: Int
        let k: Int
        let kernel: Kernel
        let n: Int
        let cold: Bool
        /// Median time of one call.
        let microseconds: Double
        /// The 10th percentile: what the kernel does when nothing else disturbs it.
        let p10Microseconds: Double
        let repetitions: Int
        /// From the median.
        let gflops: Double
        /// Weight bytes read per second (once per call), from the median.
        let weightGBps: Double

        static let header =
            "model   matrix       type  rows x k      kernel        n    mode   median us    p10 us  GFLOP/s  GB/s(w)"

        var line: String {
            let shape = "\(rows)x\(k)"
            return model.padding(toLength: 8, withPad: " ", startingAt: 0) + matrix.padding(toLength: 13, withPad: " ", startingAt: 0)
                + type.padding(toLength: 6, withPad: " ", startingAt: 0) + shape.padding(toLength: 14, withPad: " ", startingAt: 0)
                + kernel.rawValue.padding(toLength: 14, withPad: " ", startingAt: 0)
                + String(format: "%-4d %-5@ %10.1f %9.1f %8.1f %8.2f", n, cold ? "cold" : "hot", microseconds, p10Microseconds, gflops, weightGBps)
        }
    }

    /// The cost of quantising one activation row.
    struct QuantizerResult: Codable, Sendable {
        let format: String
        let k: Int
        let kernel: Kernel
        /// Median nanoseconds per row.
        let nanoseconds: Double

        var line: String {
            "quantise " + format.padding(toLength: 10, withPad: " ", startingAt: 0) + String(format: "k=%-5d ", k)
                + kernel.rawValue.padding(toLength: 14, withPad: " ", startingAt: 0) + String(format: "%8.0f ns/row", nanoseconds)
        }
    }

    /// The JSON document.
    struct Report: Codable, Sendable {
        let streamReadGBps: Double
        let quantizers: [QuantizerResult]
        let results: [Result]
    }

    /// Quantisation of one row of k floats to the int16 block formats, AVX2 and portable.
    func measureQuantizers() -> [QuantizerResult] {
        var results: [QuantizerResult] = []
        for (format, name, lengths) in [(Int32(ENC_ACT_Q16_32), "q16x32", [576, 640, 1536, 2048]), (Int32(ENC_ACT_Q16_256), "q16x256", [1024, 1536, 2048])] {
            for k in lengths {
                let x = (0..<k).map { Float(($0 * 7919) % 1000) / 500 - 1 }
                var out = [UInt8](repeating: 0, count: Int(enc_q16_activation_row_bytes(format, Int64(k))))
                for (kernel, isa) in [(Kernel.int16AVX2, Int32(ENC_ISA_AVX2)), (Kernel.int16Scalar, Int32(ENC_ISA_SCALAR))] {
                    var times: [Double] = []
                    x.withUnsafeBufferPointer { xs in
                        out.withUnsafeMutableBytes { o in
                            for _ in 0..<51 {
                                let start = DispatchTime.now().uptimeNanoseconds
                                for _ in 0..<20 { enc_q16_quantize_row_isa(isa, format, xs.baseAddress!, Int64(k), o.baseAddress!) }
                                times.append(Double(DispatchTime.now().uptimeNanoseconds - start) / 20)
                            }
                        }
                    }
                    results.append(QuantizerResult(format: name, k: k, kernel: kernel, nanoseconds: times.sorted()[times.count / 2]))
                }
            }
        }
        return results
    }

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

    init(seconds: Double, coldBytes: Int) {
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

    /// A single-thread sequential read of the cold buffer, in GB/s (the memory ceiling of a cold run).
    func streamReadBandwidth() -> Double {
        let words = UnsafeRawPointer(buffer).bindMemory(to: SIMD4<UInt64>.self, capacity: bufferBytes / 32)
        let count = bufferBytes / 32
        var best = Double.infinity
        var sink = SIMD4<UInt64>()
        for _ in 0..<5 {
            let start = DispatchTime.now().uptimeNanoseconds
            var a = SIMD4<UInt64>(), b = SIMD4<UInt64>()
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
    func measure(_ shape: Shape, batchSizes: [Int]) -> [Result] {
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
        let type = Int32(shape.type.rawValue), rowBytes = Int64(shape.type.rowBytes(elements: shape.k)!)
        for c in 0..<copies {
            let ok = enc_q16_pack(type, buffer + c * shape.matrixBytes, rowBytes, Int64(shape.rows), Int64(shape.k), 0,
                                  Int64(shape.rows), packedBuffer + c * bytes)
            guard ok == 1 else { return false }
        }
        return true
    }

    /// Realistic f16 block scales (random bytes would include NaN, infinity and subnormals).
    private func writeScales(_ shape: Shape, copies: Int) {
        let type = shape.type
        let blocks = (copies + 1) * shape.matrixBytes / type.blockBytes
        let scale = Float16(0.0078).bitPattern, minimum = Float16(-0.03).bitPattern
        for b in 0..<blocks {
            let p = buffer + b * type.blockBytes
            switch type {
            case .q6_K: p.storeBytes(of: scale, toByteOffset: 208, as: UInt16.self)
            case .q4_1, .q5_1, .q4_K, .q5_K:
                p.storeBytes(of: scale, as: UInt16.self)
                p.storeBytes(of: minimum, toByteOffset: 2, as: UInt16.self)
            default: p.storeBytes(of: scale, as: UInt16.self)
            }
        }
    }

    /// Activations quantised for both activation widths.
    private struct Inputs {
        let int16: [UInt8]
        let int16Stride: Int
        let int8: [UInt8]
        let int8Stride: Int

        init(shape: Shape, columns: Int) {
            let k = shape.k, type = Int32(shape.type.rawValue)
            var state: UInt32 = 77
            let x = (0..<k * columns).map { _ -> Float in
                state = state &* 1_664_525 &+ 1_013_904_223
                return Float(Int32(bitPattern: state) >> 8) / Float(1 << 23)
            }
            let f16 = enc_q16_activation_format(type), f8 = enc_activation_format(type)
            int16Stride = Int(enc_q16_activation_row_bytes(f16, Int64(k)))
            int8Stride = Int(enc_activation_row_bytes(f8, Int64(k)))
            var a = [UInt8](repeating: 0, count: int16Stride * columns), b = [UInt8](repeating: 0, count: int8Stride * columns)
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
        let type = Int32(shape.type.rawValue), k = Int64(shape.k)
        var y = [Float](repeating: 0, count: rows * n)
        var times: [Double] = []
        var copy = 0
        let budget = UInt64(seconds * 1e9), begin = DispatchTime.now().uptimeNanoseconds
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
                        enc_q16_matmul_isa(Int32(ENC_ISA_AVX2), type, w, Int64(rowBytes), k, 0, Int64(rows), x.baseAddress!, stride,
                                           Int64(n), out.baseAddress!, Int64(rows))
                    case .int16Packed:
                        _ = enc_q16_matmul_packed_isa(Int32(ENC_ISA_AVX2), type, packed, k, 0, Int64(rows), x.baseAddress!, stride,
                                                      Int64(n), out.baseAddress!, Int64(rows))
                    case .int16Scalar:
                        enc_q16_matmul_isa(Int32(ENC_ISA_SCALAR), type, w, Int64(rowBytes), k, 0, Int64(rows), x.baseAddress!, stride,
                                           Int64(n), out.baseAddress!, Int64(rows))
                    case .int8:
                        enc_matmul(type, w, Int64(rowBytes), k, 0, Int64(rows), x.baseAddress!, stride, Int64(n), out.baseAddress!, Int64(rows))
                    }
                    times.append(Double(DispatchTime.now().uptimeNanoseconds - start) * 1e-9)
                } while times.count < 3 || (DispatchTime.now().uptimeNanoseconds - begin < budget && times.count < 10_000)
            }
        }
        times.sort()
        let t = times[times.count / 2]
        return Result(model: shape.model, matrix: shape.matrix, type: shape.type.name, rows: rows, k: shape.k, kernel: kernel, n: n,
                      cold: cold, microseconds: t * 1e6, p10Microseconds: times[times.count / 10] * 1e6, repetitions: times.count,
                      gflops: 2 * Double(rows * shape.k * n) / t / 1e9, weightGBps: Double(rows * rowBytes) / t / 1e9)
    }

    /// Speed-ups of the AVX2 int16 kernel per shape (ratios of medians), and of the packed kernel over it.
    static func summary(_ results: [Result]) -> String {
        var lines = ["", "AVX2 int16 (GFLOP/s) relative to: portable int16, n=1 hot | int8 enc_matmul, n=1 hot | itself at n=1, largest batch"]
        var packedLines = ["", "packed / plain AVX2 int16 (ratio of medians): n=1 hot | n=1 cold | each batch size"]
        var seen = Set<String>()
        for r in results where r.kernel == .int16AVX2 && r.n == 1 && !r.cold {
            let key = "\(r.model) \(r.matrix) \(r.type)"
            guard seen.insert(key).inserted else { continue }
            let same = results.filter { "\($0.model) \($0.matrix) \($0.type)" == key }
            func gflops(_ kernel: Kernel, _ n: Int, cold: Bool = false) -> Double? {
                same.first { $0.kernel == kernel && $0.n == n && $0.cold == cold }?.gflops
            }
            let largest = same.filter { $0.kernel == .int16AVX2 }.map(\.n).max() ?? 1
            let scalar = gflops(.int16Scalar, 1).map { r.gflops / $0 } ?? .nan
            let int8 = gflops(.int8, 1).map { r.gflops / $0 } ?? .nan
            let batched = (gflops(.int16AVX2, largest) ?? .nan) / r.gflops
            lines.append("  " + key.padding(toLength: 30, withPad: " ", startingAt: 0) + String(format: " x%6.1f | x%6.1f | x%5.2f", scalar, int8, batched))
            let sizes = Array(Set(same.filter { $0.kernel == .int16Packed && $0.n > 1 }.map(\.n))).sorted()
            guard let hot = gflops(.int16Packed, 1), let cold = gflops(.int16Packed, 1, cold: true) else { continue }
            var line = "  " + key.padding(toLength: 30, withPad: " ", startingAt: 0)
                + String(format: " x%5.2f | x%5.2f |", hot / r.gflops, cold / (gflops(.int16AVX2, 1, cold: true) ?? .nan))
            for n in sizes {
                line += String(format: " n=%d x%5.2f", n, (gflops(.int16Packed, n) ?? .nan) / (gflops(.int16AVX2, n) ?? .nan))
            }
            packedLines.append(line)
        }
        return (lines + packedLines).joined(separator: "\n")
    }
}
