// Enclave bench: a weight matrix of `KernelBench`, from a model file or random valid blocks.

import CEnclaveKernels
public import EnclaveEngine
import EnclaveEngineFixtures

extension KernelBench {
    /// A weight matrix in its ggml encoding, borrowed from a model file or owning random blocks.
    final class Matrix {
        static let benchTypes: [GGMLType] = [.f32, .f16, .bf16, .q8_0, .q4_0, .q4_1, .q5_0, .q5_1, .q4_K, .q5_K, .q6_K]

        let label: String
        let type: GGMLType
        let rows: Int
        let k: Int
        let rowBytes: Int
        let data: UnsafeRawPointer
        /// The model file the data belongs to, nil for random blocks owned (and freed) by this matrix.
        let owner: GGUFFile?
        private let ownsData: Bool

        var bytes: Int { rows * rowBytes }
        var shape: String { "\(rows)x\(k)" }

        init(label: String, type: GGMLType, rows: Int, k: Int, data: UnsafeRawPointer, owner: GGUFFile?, ownsData: Bool = false) {
            self.label = label
            self.type = type
            self.rows = rows
            self.k = k
            self.rowBytes = type.rowBytes(elements: k)!
            self.data = data
            self.owner = owner
            self.ownsData = ownsData
        }

        deinit { if ownsData { data.deallocate() } }

        /// Random valid blocks (``GGMLBlockFactory``): random quant bytes, f16 scales within ±0.01, floats within ±1.
        static func random(_ type: GGMLType, rows: Int, k: Int, label: String) -> Matrix {
            let rowBytes = type.rowBytes(elements: k)!
            let data = UnsafeMutableRawPointer.allocate(byteCount: rows * rowBytes, alignment: 64)
            var rng = SplitMix64(seed: UInt64(rows * 31 + k) &* 0x9E37_79B9 &+ UInt64(type.rawValue))
            GGMLBlockFactory.write(type, rows: rows, k: k, to: data, using: &rng)
            return Matrix(label: label, type: type, rows: rows, k: k, data: UnsafeRawPointer(data), owner: nil, ownsData: true)
        }

        /// The tensor `name` of `file` if present, else random blocks of `type` and shape `rows` x `k`.
        static func tensor(_ file: GGUFFile?, _ name: String, _ type: GGMLType, rows: Int, k: Int) -> Matrix {
            if let file, let info = file.tensor(named: name), info.type == type, info.rowLength == k, info.rowCount == rows {
                return Matrix(label: name, type: type, rows: rows, k: k, data: file.data(of: info), owner: file)
            }
            return random(type, rows: rows, k: k, label: "\(name) (random)")
        }

        func multiply(_ w: UnsafeRawPointer, rows: Int, x: Activations, n: Int, y: UnsafeMutablePointer<Float>, tile: (Int32, Int32) = (0, 0)) {
            _ = enc_matmul_tiled(
                Int32(type.rawValue),
                tile.0,
                tile.1,
                w,
                Int64(rowBytes),
                Int64(k),
                0,
                Int64(rows),
                x.bytes,
                Int64(x.stride),
                Int64(n),
                y,
                Int64(rows)
            )
        }
    }
}
