// Enclave: a safetensors file (a JSON header, then little-endian tensors), mapped read-only.

import Foundation
import Synchronization

/// A safetensors file: an 8-byte little-endian header length N, N bytes of JSON
/// `{name: {dtype, shape, data_offsets: [begin, end]}, "__metadata__": {...}}`, then the tensor bytes, with
/// offsets relative to the end of the header. The file is memory-mapped; tensors are read in place.
///
/// ```swift
/// let file = try SafetensorsFile(path: "models/all-MiniLM-L6-v2/model.safetensors")
/// let embeddings = try file.floats("embeddings.word_embeddings.weight", shape: [30522, 384])
/// ```
public final class SafetensorsFile: Sendable {
    /// One tensor's entry in the header.
    public struct Tensor: Sendable, Hashable {
        /// The tensor's name.
        public let name: String
        /// The element type as the header spells it (`F32`, `F16`, `I64`, ...).
        public let dtype: String
        /// The dimensions, outermost first (PyTorch order).
        public let shape: [Int]
        /// Byte offset of the data from the start of the file.
        public let offset: Int
        /// Size of the data in bytes.
        public let byteCount: Int
    }

    /// The path the file was opened from.
    public let path: String
    /// The tensors by name.
    public let tensors: [String: Tensor]
    private let mapping: MappedFile
    /// Aligned copies of tensors whose data is not 4-byte aligned in the file, freed with the file.
    private let copies = Mutex<[Int]>([])  // addresses of the copies

    private static let elementBytes: [String: Int] = [
        "F64": 8, "F32": 4, "F16": 2, "BF16": 2, "I64": 8, "I32": 4, "I16": 2, "I8": 1, "U8": 1, "BOOL": 1,
    ]

    /// Maps and checks `path`: the header must be a JSON object, and every tensor's data must lie inside the
    /// file with exactly the bytes its type and shape need.
    /// - Throws: ``SafetensorsError``.
    public init(path: String) throws {
        self.path = path
        do {
            mapping = try MappedFile(path: path)
        } catch let error as GGUFError {
            throw SafetensorsError(error.code == .truncated ? .truncated : .cannotOpen, "\(error)", file: path)
        }
        guard mapping.count >= 8 else {
            throw SafetensorsError(.truncated, "the file has \(mapping.count) bytes, fewer than the 8 of its header length", file: path)
        }
        let headerLength = Int(min(UInt64(littleEndian: mapping.base.loadUnaligned(as: UInt64.self)), UInt64(Int.max)))
        guard headerLength <= mapping.count - 8 else {
            throw SafetensorsError(
                .truncated,
                "the header says it has \(headerLength) bytes, but the file has only \(mapping.count - 8) after the length",
                file: path
            )
        }
        let header = Data(bytes: mapping.base + 8, count: headerLength)
        guard let object = try? JSONSerialization.jsonObject(with: header), let entries = object as? [String: Any] else {
            throw SafetensorsError(.badHeader, "the header is not a JSON object (not a safetensors file, or a corrupt one)", file: path)
        }
        let dataStart = 8 + headerLength
        var tensors: [String: Tensor] = [:]
        for (name, value) in entries where name != "__metadata__" {
            guard let entry = value as? [String: Any], let dtype = entry["dtype"] as? String,
                let shape = (entry["shape"] as? [Any])?.compactMap({ ($0 as? NSNumber)?.intValue }),
                let offsets = (entry["data_offsets"] as? [Any])?.compactMap({ ($0 as? NSNumber)?.intValue }), offsets.count == 2
            else {
                throw SafetensorsError(.badHeader, "tensor '\(name)' lacks a dtype, shape or data_offsets pair", file: path)
            }
            guard let size = Self.elementBytes[dtype] else {
                throw SafetensorsError(.badTensor, "tensor '\(name)' has the unknown dtype '\(dtype)'", file: path)
            }
            guard shape.allSatisfy({ $0 >= 0 }), offsets[0] >= 0, offsets[1] >= offsets[0] else {
                throw SafetensorsError(.badTensor, "tensor '\(name)' has a negative dimension or reversed offsets", file: path)
            }
            let (elements, overflow) = shape.reduce((1, false)) { acc, d in
                let (product, o) = acc.0.multipliedReportingOverflow(by: d)
                return (product, acc.1 || o)
            }
            guard !overflow, elements * size == offsets[1] - offsets[0] else {
                throw SafetensorsError(
                    .badTensor,
                    "tensor '\(name)' spans \(offsets[1] - offsets[0]) bytes, but \(dtype) \(shape) needs \(overflow ? "more" : String(elements * size))",
                    file: path
                )
            }
            guard offsets[1] <= mapping.count - dataStart else {
                throw SafetensorsError(
                    .truncated,
                    "tensor '\(name)' ends at byte \(dataStart + offsets[1]), past the end of the file (\(mapping.count) bytes)",
                    file: path
                )
            }
            tensors[name] = Tensor(name: name, dtype: dtype, shape: shape, offset: dataStart + offsets[0], byteCount: offsets[1] - offsets[0])
        }
        self.tensors = tensors
    }

    /// The first value of tensor `name`, checked to be F32 with `shape` (little-endian, as on every platform
    /// the engine runs on). Valid while the file is.
    /// - Throws: ``SafetensorsError`` with code `missingTensor`.
    public func floats(_ name: String, shape: [Int]) throws -> UnsafePointer<Float> {
        guard let tensor = tensors[name] else {
            throw SafetensorsError(.missingTensor, "tensor '\(name)' is missing", file: path)
        }
        guard tensor.dtype == "F32", tensor.shape == shape else {
            throw SafetensorsError(.missingTensor, "tensor '\(name)' is \(tensor.dtype) \(tensor.shape), expected F32 \(shape)", file: path)
        }
        let source = mapping.base + tensor.offset
        // The format only promises byte alignment (PyTorch's writer pads the header so that F32 data is aligned);
        // data that is not aligned is read from an aligned copy.
        guard Int(bitPattern: source) % MemoryLayout<Float>.alignment == 0 else {
            let copy = UnsafeMutableRawPointer.allocate(byteCount: max(tensor.byteCount, 1), alignment: 64)
            copy.copyMemory(from: source, byteCount: tensor.byteCount)
            copies.withLock { $0.append(Int(bitPattern: copy)) }
            return UnsafePointer(copy.assumingMemoryBound(to: Float.self))
        }
        return source.assumingMemoryBound(to: Float.self)
    }

    deinit {
        for address in copies.withLock({ $0 }) { UnsafeMutableRawPointer(bitPattern: address)?.deallocate() }
    }
}
