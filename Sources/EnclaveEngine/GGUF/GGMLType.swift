// Enclave: ggml tensor element types.

/// A ggml tensor element type as stored in a GGUF tensor info.
///
/// Only the types listed in ``isSupported`` can be computed with; the others are known by
/// name so that an error can say which unsupported type a file uses.
public struct GGMLType: Hashable, Sendable, CustomStringConvertible {
    /// The numeric id stored in the file.
    public let rawValue: UInt32

    public init(rawValue: UInt32) { self.rawValue = rawValue }

    public static let f32 = GGMLType(rawValue: 0)
    public static let f16 = GGMLType(rawValue: 1)
    public static let q4_0 = GGMLType(rawValue: 2)
    public static let q4_1 = GGMLType(rawValue: 3)
    public static let q5_0 = GGMLType(rawValue: 6)
    public static let q5_1 = GGMLType(rawValue: 7)
    public static let q8_0 = GGMLType(rawValue: 8)
    public static let q8_1 = GGMLType(rawValue: 9)
    public static let q2_K = GGMLType(rawValue: 10)
    public static let q3_K = GGMLType(rawValue: 11)
    public static let q4_K = GGMLType(rawValue: 12)
    public static let q5_K = GGMLType(rawValue: 13)
    public static let q6_K = GGMLType(rawValue: 14)
    public static let q8_K = GGMLType(rawValue: 15)
    public static let bf16 = GGMLType(rawValue: 30)

    /// Byte offset of the f16 super-block scale `d` in a Q6_K block (after `ql[128]`, `qh[64]` and
    /// `scales[16]`); `ENC_Q6_K_D_OFFSET` in the C kernels.
    public static let q6_KScaleOffset = 208

    private static let table: [UInt32: (name: String, block: Int, bytes: Int)] = [
        0: ("F32", 1, 4), 1: ("F16", 1, 2), 2: ("Q4_0", 32, 18), 3: ("Q4_1", 32, 20),
        6: ("Q5_0", 32, 22), 7: ("Q5_1", 32, 24), 8: ("Q8_0", 32, 34), 9: ("Q8_1", 32, 40),
        10: ("Q2_K", 256, 84), 11: ("Q3_K", 256, 110), 12: ("Q4_K", 256, 144), 13: ("Q5_K", 256, 176),
        14: ("Q6_K", 256, 210), 15: ("Q8_K", 256, 292), 16: ("IQ2_XXS", 256, 66), 17: ("IQ2_XS", 256, 74),
        18: ("IQ3_XXS", 256, 98), 19: ("IQ1_S", 256, 50), 20: ("IQ4_NL", 32, 18), 21: ("IQ3_S", 256, 110),
        22: ("IQ2_S", 256, 82), 23: ("IQ4_XS", 256, 136), 24: ("I8", 1, 1), 25: ("I16", 1, 2),
        26: ("I32", 1, 4), 27: ("I64", 1, 8), 28: ("F64", 1, 8), 29: ("IQ1_M", 256, 56),
        30: ("BF16", 1, 2), 34: ("TQ1_0", 256, 54), 35: ("TQ2_0", 256, 66), 39: ("MXFP4", 32, 17),
    ]

    /// The types the engine can compute with (what Q4_K_M, Q5_K_M, Q6_K, Q8_0 and F16 files contain).
    public static let supported: Set<GGMLType> = [.f32, .f16, .bf16, .q8_0, .q4_0, .q4_1, .q5_0, .q5_1, .q4_K, .q5_K, .q6_K]

    /// Whether the engine can compute with this type.
    public var isSupported: Bool { Self.supported.contains(self) }
    /// Whether ggml knows this id at all.
    public var isKnown: Bool { Self.table[rawValue] != nil }
    /// The ggml name, such as `Q4_K`, or `type N` for an unknown id.
    public var name: String { Self.table[rawValue]?.name ?? "type \(rawValue)" }
    /// Elements per quantisation block (1 for plain floats).
    public var blockSize: Int { Self.table[rawValue]?.block ?? 1 }
    /// Bytes per block.
    public var blockBytes: Int { Self.table[rawValue]?.bytes ?? 0 }
    public var description: String { name }

    /// Bytes taken by one row of `elements` values, or nil if `elements` is not a whole number of blocks.
    public func rowBytes(elements: Int) -> Int? {
        guard blockBytes > 0, elements % blockSize == 0 else { return nil }
        return elements / blockSize * blockBytes
    }
}
