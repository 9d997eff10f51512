// Enclave: writes GGUF version 3 files (used by tests and tools to make synthetic models).

public import Foundation

/// Builds a GGUF v3 file in memory: metadata, tensor infos and aligned tensor data.
///
/// ```swift
/// var writer = GGUFWriter()
/// writer.add("general.architecture", .string("llama"))
/// writer.addTensor("output_norm.weight", shape: [8], type: .f32, data: floatBytes)
/// try writer.data().write(to: url)
/// ```
public struct GGUFWriter: Sendable {
    private var kv: [(String, GGUFValue)] = []
    private var tensors: [(name: String, shape: [Int], type: GGMLType, data: [UInt8])] = []
    /// Alignment of tensor data (written as `general.alignment` when not 32).
    public var alignment: Int

    public init(alignment: Int = 32) { self.alignment = alignment }

    /// Adds a metadata key.
    public mutating func add(_ key: String, _ value: GGUFValue) { kv.append((key, value)) }

    /// Adds a tensor with raw encoded bytes.
    public mutating func addTensor(_ name: String, shape: [Int], type: GGMLType, data: [UInt8]) {
        tensors.append((name, shape, type, data))
    }

    /// Adds an F32 tensor.
    public mutating func addTensor(_ name: String, shape: [Int], floats: [Float]) {
        var bytes = [UInt8]()
        bytes.reserveCapacity(floats.count * 4)
        for f in floats { withUnsafeBytes(of: f.bitPattern.littleEndian) { bytes.append(contentsOf: $0) } }
        addTensor(name, shape: shape, type: .f32, data: bytes)
    }

    /// The serialised file.
    public func data() -> Data {
        var out = Data()
        func u32(_ v: UInt32) { withUnsafeBytes(of: v.littleEndian) { out.append(contentsOf: $0) } }
        func u64(_ v: UInt64) { withUnsafeBytes(of: v.littleEndian) { out.append(contentsOf: $0) } }
        func str(_ s: String) {
            u64(UInt64(s.utf8.count))
            out.append(contentsOf: Array(s.utf8))
        }
        func typeID(_ v: GGUFValue) -> UInt32 {
            switch v {
            case .uint8: 0
            case .int8: 1
            case .uint16: 2
            case .int16: 3
            case .uint32: 4
            case .int32: 5
            case .float32: 6
            case .bool: 7
            case .string: 8
            case .array: 9
            case .uint64: 10
            case .int64: 11
            case .float64: 12
            }
        }
        func value(_ v: GGUFValue) {
            switch v {
            case .uint8(let x): out.append(x)
            case .int8(let x): out.append(UInt8(bitPattern: x))
            case .uint16(let x): withUnsafeBytes(of: x.littleEndian) { out.append(contentsOf: $0) }
            case .int16(let x): withUnsafeBytes(of: x.littleEndian) { out.append(contentsOf: $0) }
            case .uint32(let x): u32(x)
            case .int32(let x): u32(UInt32(bitPattern: x))
            case .float32(let x): u32(x.bitPattern)
            case .bool(let x): out.append(x ? 1 : 0)
            case .string(let s): str(s)
            case .uint64(let x): u64(x)
            case .int64(let x): u64(UInt64(bitPattern: x))
            case .float64(let x): u64(x.bitPattern)
            case .array(let items):
                u32(items.first.map(typeID) ?? 4)
                u64(UInt64(items.count))
                for item in items { value(item) }
            }
        }
        var allKV = kv
        if alignment != 32 { allKV.append(("general.alignment", .uint32(UInt32(alignment)))) }
        out.append(contentsOf: Array("GGUF".utf8))
        u32(3)
        u64(UInt64(tensors.count))
        u64(UInt64(allKV.count))
        for (key, v) in allKV {
            str(key)
            u32(typeID(v))
            value(v)
        }
        var offset = 0
        var offsets = [Int]()
        for t in tensors {
            offsets.append(offset)
            offset += t.data.count
            offset += (alignment - offset % alignment) % alignment
        }
        for (t, off) in zip(tensors, offsets) {
            str(t.name)
            u32(UInt32(t.shape.count))
            for d in t.shape { u64(UInt64(d)) }
            u32(t.type.rawValue)
            u64(UInt64(off))
        }
        out.append(contentsOf: [UInt8](repeating: 0, count: (alignment - out.count % alignment) % alignment))
        for t in tensors {
            out.append(contentsOf: t.data)
            out.append(contentsOf: [UInt8](repeating: 0, count: (alignment - out.count % alignment) % alignment))
        }
        return out
    }
}
