// Enclave: a parsed, validated, memory-mapped GGUF file.

/// A GGUF model file (versions 2 and 3), memory-mapped and validated.
///
/// Parsing reads the header, metadata and tensor infos; tensor data stays in the mapping
/// and is read in place. Every count, size, offset and shape is checked against the file
/// size before use, so a truncated or corrupt file gives a ``GGUFError`` naming the problem
/// and the file, never a crash or a huge allocation.
///
/// ```swift
/// let file = try GGUFFile(path: "models/SmolLM2-135M-Instruct.Q4_1.gguf")
/// print(file.metadata.string("general.architecture") ?? "?")
/// ```
public final class GGUFFile: Sendable {
    /// The underlying mapping (tensor data is read through it).
    public let mapping: MappedFile
    /// The GGUF version (2 or 3).
    public let version: Int
    /// The key-value metadata.
    public let metadata: GGUFMetadata
    /// Tensor infos in file order.
    public let tensors: [GGUFTensorInfo]
    /// The alignment of tensor data.
    public let alignment: Int
    /// Absolute offset of the tensor data blob.
    public let dataOffset: Int
    private let index: [String: Int]

    /// The path the file was opened from.
    public var path: String { mapping.path }
    /// The file size in bytes.
    public var fileSize: Int { mapping.count }

    /// Opens and validates the GGUF file at `path`.
    public convenience init(path: String) throws {
        try self.init(mapping: MappedFile(path: path))
    }

    /// Parses an existing mapping.
    public init(mapping: MappedFile) throws {
        self.mapping = mapping
        let file = mapping.path
        var cursor = GGUFCursor(base: mapping.base, end: mapping.count, offset: 0, file: file)
        guard mapping.count >= 4 else {
            throw GGUFError(.notGGUF, "not a GGUF file (only \(mapping.count) bytes)", file: file)
        }
        let magic = try cursor.read(UInt32.self, "magic")
        guard magic == 0x4655_4747 else {
            throw GGUFError(.notGGUF, "not a GGUF file (the first bytes are not 'GGUF')", file: file)
        }
        let version = try cursor.read(UInt32.self, "version")
        guard version == 2 || version == 3 else {
            throw GGUFError(.unsupportedVersion, "GGUF version \(version) is not supported (only 2 and 3)", file: file)
        }
        self.version = Int(version)
        let tensorCount = try cursor.read(UInt64.self, "tensor count")
        let kvCount = try cursor.read(UInt64.self, "metadata count")
        // Each key-value pair takes at least 8 (key length) + 4 (type) + 1 bytes; each tensor info at least 8+4+8+4+8.
        // A plausible count that does not fit means a cut-off download; an absurd one means corruption.
        guard kvCount <= UInt64(cursor.remaining / 13) else {
            throw GGUFError(
                kvCount < 1 << 20 ? .truncated : .corrupt,
                "metadata count \(kvCount) cannot fit in a \(mapping.count)-byte file; the download may be incomplete or the file corrupt",
                file: file
            )
        }
        guard tensorCount <= UInt64(cursor.remaining / 32) else {
            throw GGUFError(
                tensorCount < 1 << 20 ? .truncated : .corrupt,
                "tensor count \(tensorCount) cannot fit in a \(mapping.count)-byte file; the download may be incomplete or the file corrupt",
                file: file
            )
        }

        var keys = [String]()
        var values = [String: GGUFValue]()
        keys.reserveCapacity(Int(kvCount))
        for i in 0..<Int(kvCount) {
            let key = try cursor.readString("metadata key #\(i)", maxLength: 65_535)
            let type = try cursor.read(UInt32.self, "type of metadata key '\(key)'")
            let value = try Self.readValue(type: type, cursor: &cursor, key: key, depth: 0)
            if values[key] != nil {
                throw GGUFError(.corrupt, "metadata key '\(key)' appears twice", file: file)
            }
            keys.append(key)
            values[key] = value
        }
        let metadata = GGUFMetadata(keys: keys, values: values, file: file)
        self.metadata = metadata

        let alignment = try metadata.optionalInt("general.alignment", in: 1...(1 << 20)) ?? 32
        guard alignment % 8 == 0 else {
            throw GGUFError(.corrupt, "general.alignment = \(alignment) is not a multiple of 8", file: file)
        }
        self.alignment = alignment

        struct RawInfo {
            let name: String
            let shape: [Int]
            let type: GGMLType
            let offset: UInt64
        }
        var raw = [RawInfo]()
        raw.reserveCapacity(Int(tensorCount))
        for i in 0..<Int(tensorCount) {
            let name = try cursor.readString("name of tensor #\(i)", maxLength: 4096)
            let nDims = try cursor.read(UInt32.self, "dimension count of tensor '\(name)'")
            guard (1...4).contains(nDims) else {
                throw GGUFError(.corrupt, "tensor '\(name)' has \(nDims) dimensions (1 to 4 allowed)", file: file)
            }
            var shape = [Int]()
            var elements: UInt64 = 1
            for d in 0..<Int(nDims) {
                let dim = try cursor.read(UInt64.self, "dimension \(d) of tensor '\(name)'")
                guard dim >= 1, dim <= UInt64(1) << 40 else {
                    throw GGUFError(.corrupt, "tensor '\(name)' has an impossible dimension \(dim)", file: file)
                }
                let (product, overflow) = elements.multipliedReportingOverflow(by: dim)
                guard !overflow, product <= UInt64(1) << 42 else {
                    throw GGUFError(.corrupt, "tensor '\(name)' has an impossible shape", file: file)
                }
                elements = product
                shape.append(Int(dim))
            }
            let type = GGMLType(rawValue: try cursor.read(UInt32.self, "type of tensor '\(name)'"))
            let offset = try cursor.read(UInt64.self, "offset of tensor '\(name)'")
            raw.append(RawInfo(name: name, shape: shape, type: type, offset: offset))
        }

        let infosEnd = cursor.offset
        let dataOffset = infosEnd + (alignment - infosEnd % alignment) % alignment
        self.dataOffset = dataOffset
        let dataSize = mapping.count - dataOffset
        guard dataSize >= 0 || raw.isEmpty else {
            throw GGUFError(
                .truncated,
                "file ends at byte \(mapping.count) before tensor data starts at \(dataOffset); the download may be incomplete",
                file: file
            )
        }

        var tensors = [GGUFTensorInfo]()
        var index = [String: Int]()
        tensors.reserveCapacity(raw.count)
        for info in raw {
            guard index[info.name] == nil else {
                throw GGUFError(.corrupt, "tensor '\(info.name)' appears twice", file: file)
            }
            guard info.type.isKnown else {
                throw GGUFError(.unsupportedType, "tensor '\(info.name)' has unknown ggml type id \(info.type.rawValue)", file: file)
            }
            guard let rowBytes = info.type.rowBytes(elements: info.shape[0]) else {
                throw GGUFError(
                    .corrupt,
                    "tensor '\(info.name)' (\(info.type)) has a row length \(info.shape[0]) that is not a multiple of the block size \(info.type.blockSize)",
                    file: file
                )
            }
            let rows = info.shape.dropFirst().reduce(1, *)
            let (bytes, overflow) = rowBytes.multipliedReportingOverflow(by: rows)
            guard !overflow else {
                throw GGUFError(.corrupt, "tensor '\(info.name)' has an impossible size", file: file)
            }
            guard info.offset % UInt64(alignment) == 0 else {
                throw GGUFError(.corrupt, "tensor '\(info.name)' offset \(info.offset) is not aligned to \(alignment)", file: file)
            }
            guard info.offset <= UInt64(max(dataSize, 0)), bytes <= max(dataSize, 0) - Int(info.offset) else {
                throw GGUFError(
                    .truncated,
                    "tensor '\(info.name)' (\(bytes) bytes at data offset \(info.offset)) extends past the end of the file (\(mapping.count) bytes); the download may be incomplete",
                    file: file
                )
            }
            index[info.name] = tensors.count
            tensors.append(
                GGUFTensorInfo(
                    name: info.name,
                    shape: info.shape,
                    type: info.type,
                    fileOffset: dataOffset + Int(info.offset),
                    byteCount: bytes
                )
            )
        }
        self.tensors = tensors
        self.index = index
    }

    /// The tensor named `name`, if present.
    public func tensor(named name: String) -> GGUFTensorInfo? {
        index[name].map { tensors[$0] }
    }

    /// A pointer to the first byte of a tensor's data.
    public func data(of tensor: GGUFTensorInfo) -> UnsafeRawPointer {
        mapping.base + tensor.fileOffset
    }

    private static func readValue(type: UInt32, cursor: inout GGUFCursor, key: String, depth: Int) throws -> GGUFValue {
        let what = "value of metadata key '\(key)'"
        switch type {
        case 0: return .uint8(try cursor.read(UInt8.self, what))
        case 1: return .int8(try cursor.read(Int8.self, what))
        case 2: return .uint16(try cursor.read(UInt16.self, what))
        case 3: return .int16(try cursor.read(Int16.self, what))
        case 4: return .uint32(try cursor.read(UInt32.self, what))
        case 5: return .int32(try cursor.read(Int32.self, what))
        case 6: return .float32(try cursor.readFloat(what))
        case 7:
            let b = try cursor.read(UInt8.self, what)
            guard b <= 1 else {
                throw GGUFError(.corrupt, "metadata key '\(key)' has a Boolean byte \(b) (0 or 1 allowed)", file: cursor.file)
            }
            return .bool(b == 1)
        case 8: return .string(try cursor.readString(what))
        case 9:
            guard depth < 4 else {
                throw GGUFError(.corrupt, "metadata key '\(key)' nests arrays too deeply", file: cursor.file)
            }
            let elementType = try cursor.read(UInt32.self, "array type of metadata key '\(key)'")
            let count = try cursor.read(UInt64.self, "array length of metadata key '\(key)'")
            let minSize: Int
            switch elementType {
            case 0, 1, 7: minSize = 1
            case 2, 3: minSize = 2
            case 4, 5, 6: minSize = 4
            case 8, 10, 11, 12: minSize = 8
            case 9: minSize = 12
            default:
                throw GGUFError(.unsupportedType, "metadata key '\(key)' has an array of unknown type \(elementType)", file: cursor.file)
            }
            guard count <= UInt64(cursor.remaining / minSize) else {
                throw GGUFError(.corrupt, "metadata key '\(key)' claims \(count) array elements, more than the file can hold", file: cursor.file)
            }
            var items = [GGUFValue]()
            items.reserveCapacity(Int(count))
            for _ in 0..<Int(count) {
                items.append(try readValue(type: elementType, cursor: &cursor, key: key, depth: depth + 1))
            }
            return .array(items)
        case 10: return .uint64(try cursor.read(UInt64.self, what))
        case 11: return .int64(try cursor.read(Int64.self, what))
        case 12: return .float64(try cursor.readDouble(what))
        default:
            throw GGUFError(.unsupportedType, "metadata key '\(key)' has unknown value type \(type)", file: cursor.file)
        }
    }
}
