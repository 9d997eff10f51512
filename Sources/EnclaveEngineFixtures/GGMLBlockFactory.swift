// Enclave engine fixtures: valid random weights in any ggml encoding.

public import EnclaveEngine

/// Makes weight matrices in their ggml encoding with random contents that are still valid: the one factory
/// behind the kernel tests, the synthetic test models and `enclave bench kernels`.
///
/// Block types get random quant bytes (one generator draw per byte) and, in each block, f16 scale fields
/// from `scale`: random bytes there would include NaN, infinities and subnormals. Float types (F32, F16,
/// BF16) get one `element` value per element.
///
/// ```swift
/// var rng = SplitMix64(seed: 7)
/// let bytes = GGMLBlockFactory.blocks(.q6_K, rows: 8, k: 256, using: &rng) { _, rng in Float.random(in: -0.02...0.02, using: &rng) }
/// ```
public enum GGMLBlockFactory {
    /// The block types the factory knows the scale fields of (with the float types, every type the engine computes with).
    public static let blockTypes: [GGMLType] = [.q8_0, .q4_0, .q4_1, .q5_0, .q5_1, .q4_K, .q5_K, .q6_K]

    /// Byte offsets of the f16 scale fields in one block: `d` first, then `m` or `dmin` where the type has one.
    /// Empty for the float types.
    public static func scaleFieldOffsets(_ type: GGMLType) -> [Int] {
        switch type {
        case .q8_0, .q4_0, .q5_0: [0]
        case .q4_1, .q5_1, .q4_K, .q5_K: [0, 2]
        case .q6_K: [GGMLType.q6_KScaleOffset]
        default: []
        }
    }

    /// Writes `rows` rows of `k` elements of `type` to `destination` (`rows * type.rowBytes(elements: k)` bytes).
    /// - Parameters:
    ///   - rng: The generator; the bytes depend only on its state, the type and the shape.
    ///   - element: A value for each element of a float type.
    ///   - scale: The value of a block's scale field, given its index in ``scaleFieldOffsets(_:)`` (0: `d`).
    /// - Precondition: `type` is a float type or one of ``blockTypes``, and `k` a multiple of its block size.
    public static func write<G: RandomNumberGenerator>(
        _ type: GGMLType,
        rows: Int,
        k: Int,
        to destination: UnsafeMutableRawPointer,
        using rng: inout G,
        element: (inout G) -> Float = { Float.random(in: -1...1, using: &$0) },
        scale: (_ field: Int, inout G) -> Float = { _, rng in Float.random(in: -0.01...0.01, using: &rng) }
    ) {
        precondition(type.rowBytes(elements: k) != nil, "\(type) rows of \(k) elements")
        let count = rows * k
        switch type {
        case .f32:
            for i in 0..<count { destination.storeBytes(of: element(&rng).bitPattern.littleEndian, toByteOffset: 4 * i, as: UInt32.self) }
        case .f16:
            for i in 0..<count { destination.storeBytes(of: half(element(&rng)), toByteOffset: 2 * i, as: UInt16.self) }
        case .bf16:
            for i in 0..<count {
                destination.storeBytes(of: UInt16(element(&rng).bitPattern >> 16).littleEndian, toByteOffset: 2 * i, as: UInt16.self)
            }
        default:
            precondition(!scaleFieldOffsets(type).isEmpty, "no block layout for \(type)")
            for block in 0..<(count / type.blockSize) {
                let base = destination + block * type.blockBytes
                for i in 0..<type.blockBytes { base.storeBytes(of: UInt8(truncatingIfNeeded: rng.next()), toByteOffset: i, as: UInt8.self) }
                writeScales(type, blocks: 1, to: base, using: &rng, scale: scale)
            }
        }
    }

    /// Sets the f16 scale fields of `blocks` consecutive blocks of `type` at `destination`, leaving their
    /// other bytes as they are (for a buffer already filled with random bytes).
    /// - Parameter scale: The value of a block's scale field, given its index in ``scaleFieldOffsets(_:)``.
    public static func writeScales<G: RandomNumberGenerator>(
        _ type: GGMLType,
        blocks: Int,
        to destination: UnsafeMutableRawPointer,
        using rng: inout G,
        scale: (_ field: Int, inout G) -> Float
    ) {
        let fields = scaleFieldOffsets(type)
        for block in 0..<blocks {
            let base = destination + block * type.blockBytes
            for (index, offset) in fields.enumerated() { base.storeBytes(of: half(scale(index, &rng)), toByteOffset: offset, as: UInt16.self) }
        }
    }

    /// The bytes of `rows` rows of `k` elements of `type` (see ``write(_:rows:k:to:using:element:scale:)``).
    public static func blocks<G: RandomNumberGenerator>(
        _ type: GGMLType,
        rows: Int,
        k: Int,
        using rng: inout G,
        element: (inout G) -> Float = { Float.random(in: -1...1, using: &$0) },
        scale: (_ field: Int, inout G) -> Float = { _, rng in Float.random(in: -0.01...0.01, using: &rng) }
    ) -> [UInt8] {
        let byteCount = rows * type.rowBytes(elements: k)!
        var bytes = [UInt8](repeating: 0, count: byteCount)
        bytes.withUnsafeMutableBytes { buffer in
            guard let base = buffer.baseAddress else { return }
            write(type, rows: rows, k: k, to: base, using: &rng, element: element, scale: scale)
        }
        return bytes
    }

    /// An f16 bit pattern, little-endian, as stored in a block.
    public static func half(_ value: Float) -> UInt16 { Float16(value).bitPattern.littleEndian }
}
