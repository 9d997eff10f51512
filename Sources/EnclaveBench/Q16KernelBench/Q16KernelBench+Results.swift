// Enclave bench: the shapes, kernels and results of `Q16KernelBench`.

public import EnclaveEngine
import Foundation

extension Q16KernelBench {
    /// A weight matrix shape of one of the two reference models.
    public struct Shape: Sendable {
        public let model: String
        public let matrix: String
        public let type: GGMLType
        public let rows: Int
        public let k: Int

        public static let all: [Shape] = [
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

        public var matrixBytes: Int { rows * type.rowBytes(elements: k)! }
    }

    /// The kernels compared.
    public enum Kernel: String, Codable, Sendable {
        case int16AVX2 = "int16-avx2"
        /// enc_q16_matmul_packed on a copy packed with enc_q16_pack (8 interleaved rows), AVX2.
        case int16Packed = "int16-packed"
        case int16Scalar = "int16-scalar"
        /// enc_matmul with int8 activations, at whatever level this build implements it.
        case int8 = "int8"
    }

    /// One measurement.
    public struct Result: Codable, Sendable {
        public let model: String
        public let matrix: String
        public let type: String
        /// Rows multiplied (batched products of the output matrices use their first rows only).
        public let rows: Int
        public let k: Int
        public let kernel: Kernel
        public let n: Int
        public let cold: Bool
        /// Median time of one call.
        public let microseconds: Double
        /// The 10th percentile: what the kernel does when nothing else disturbs it.
        public let p10Microseconds: Double
        public let repetitions: Int
        /// From the median.
        public let gflops: Double
        /// Weight bytes read per second (once per call), from the median.
        public let weightGBps: Double

        public static let header =
            "model   matrix       type  rows x k      kernel        n    mode   median us    p10 us  GFLOP/s  GB/s(w)"

        public var line: String {
            let shape = "\(rows)x\(k)"
            return model.padding(toLength: 8, withPad: " ", startingAt: 0) + matrix.padding(toLength: 13, withPad: " ", startingAt: 0)
                + type.padding(toLength: 6, withPad: " ", startingAt: 0) + shape.padding(toLength: 14, withPad: " ", startingAt: 0)
                + kernel.rawValue.padding(toLength: 14, withPad: " ", startingAt: 0)
                + String(format: "%-4d %-5@ %10.1f %9.1f %8.1f %8.2f", n, cold ? "cold" : "hot", microseconds, p10Microseconds, gflops, weightGBps)
        }
    }

    /// The cost of quantising one activation row.
    public struct QuantizerResult: Codable, Sendable {
        public let format: String
        public let k: Int
        public let kernel: Kernel
        /// Median nanoseconds per row.
        public let nanoseconds: Double

        public var line: String {
            "quantise " + format.padding(toLength: 10, withPad: " ", startingAt: 0) + String(format: "k=%-5d ", k)
                + kernel.rawValue.padding(toLength: 14, withPad: " ", startingAt: 0) + String(format: "%8.0f ns/row", nanoseconds)
        }
    }

    /// The JSON document.
    public struct Report: Codable, Sendable {
        public let streamReadGBps: Double
        public let quantizers: [QuantizerResult]
        public let results: [Result]
    }
}
