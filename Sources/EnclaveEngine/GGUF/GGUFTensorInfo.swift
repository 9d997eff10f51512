// Enclave: one tensor's description in a GGUF file.

/// A tensor's name, shape, type and location, validated against the file size.
public struct GGUFTensorInfo: Sendable, Equatable {
    /// The tensor name, such as `blk.0.attn_q.weight`.
    public let name: String
    /// Dimensions, fastest-varying first (ggml `ne`).
    public let shape: [Int]
    /// The element type.
    public let type: GGMLType
    /// Offset of the data from the start of the file (absolute, already validated).
    public let fileOffset: Int
    /// Size of the data in bytes.
    public let byteCount: Int

    /// Number of elements.
    public var elementCount: Int { shape.reduce(1, *) }
    /// Elements per row (`ne[0]`).
    public var rowLength: Int { shape.first ?? 1 }
    /// Number of rows (product of the other dimensions).
    public var rowCount: Int { shape.dropFirst().reduce(1, *) }
    /// Bytes per row.
    public var rowBytes: Int { type.rowBytes(elements: rowLength) ?? 0 }
}
