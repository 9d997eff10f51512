// Enclave: a weight matrix read in place from the mapped model file.

import CEnclaveKernels

/// A 2-D weight `[rows x columns]` (PyTorch `Linear.weight` layout: one stored row per output),
/// kept in its ggml encoding inside the memory-mapped file.
public struct WeightMatrix: @unchecked Sendable {
    // The pointer refers to the read-only mapping owned by the model's GGUFFile, which outlives every use.
    /// The element encoding.
    public let type: GGMLType
    /// Row 0 of the data.
    public let data: UnsafeRawPointer
    /// Output features (stored rows).
    public let rows: Int
    /// Input features (elements per row).
    public let columns: Int
    /// Bytes per stored row.
    public let rowBytes: Int
    /// The tensor name, for messages.
    public let name: String

    /// The activation format this weight pairs with (`ENC_ACT_*`).
    public var activationFormat: Int32 { enc_activation_format(Int32(type.rawValue)) }

    init(type: GGMLType, data: UnsafeRawPointer, rows: Int, columns: Int, name: String) {
        self.type = type
        self.data = data
        self.rows = rows
        self.columns = columns
        self.rowBytes = type.rowBytes(elements: columns) ?? 0
        self.name = name
    }

    /// Dequantises row `index` into `out` (for embedding lookups).
    public func dequantizeRow(_ index: Int, into out: UnsafeMutablePointer<Float>) {
        Dequantize.row(type, data + index * rowBytes, count: columns, into: out)
    }
}

extension GGUFFile {
    /// The matrix `name` checked to be `[rows x columns]` of a supported type.
    func matrix(_ name: String, rows: Int, columns: Int) throws -> WeightMatrix {
        guard let info = tensor(named: name) else {
            throw ModelError(.missingTensor, "\(path): tensor '\(name)' is missing")
        }
        return try matrix(info, rows: rows, columns: columns)
    }

    func matrix(_ info: GGUFTensorInfo, rows: Int, columns: Int) throws -> WeightMatrix {
        guard info.shape == [columns, rows] || (rows == 1 && info.shape == [columns]) else {
            throw ModelError(.badTensorShape, "\(path): tensor '\(info.name)' has shape \(info.shape), expected [\(columns), \(rows)] from the hyperparameters")
        }
        guard info.type.isSupported else {
            throw ModelError(.unsupportedTensorType, "\(path): tensor '\(info.name)' uses type \(info.type), which is not supported (supported: F32, F16, BF16, Q8_0, Q4_0, Q4_1, Q5_0, Q5_1, Q4_K, Q5_K, Q6_K)")
        }
        return WeightMatrix(type: info.type, data: data(of: info), rows: rows, columns: columns, name: info.name)
    }

    /// A 1-D vector of `count` values, converted to `Float`.
    func vector(_ name: String, count: Int) throws -> [Float] {
        guard let info = tensor(named: name) else {
            throw ModelError(.missingTensor, "\(path): tensor '\(name)' is missing")
        }
        guard info.shape == [count] else {
            throw ModelError(.badTensorShape, "\(path): tensor '\(name)' has shape \(info.shape), expected [\(count)]")
        }
        guard [.f32, .f16, .bf16].contains(info.type) else {
            throw ModelError(.unsupportedTensorType, "\(path): tensor '\(name)' uses type \(info.type); norm and bias vectors must be F32, F16 or BF16")
        }
        var out = [Float](repeating: 0, count: count)
        out.withUnsafeMutableBufferPointer { Dequantize.row(info.type, data(of: info), count: count, into: $0.baseAddress!) }
        return out
    }

    func optionalVector(_ name: String, count: Int) throws -> [Float]? {
        tensor(named: name) == nil ? nil : try vector(name, count: count)
    }
}
