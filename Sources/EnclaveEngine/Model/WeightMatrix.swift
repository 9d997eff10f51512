// Enclave: a weight matrix read in place from the mapped model file, with an optional packed copy.

import CEnclaveKernels

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// A 2-D weight `[rows x columns]` (PyTorch `Linear.weight` layout: one stored row per output),
/// kept in its ggml encoding inside the memory-mapped file.
///
/// A model packs its matrices once at load (``ModelWeights``; ``packed()`` packs one matrix): the copy
/// interleaves groups of 8 rows for the int16 kernels (`enc_q16_pack`), which multiply it 1.1-2.5x faster
/// and bit-identically, and the mapped pages of the original are then dropped from memory. `data` stays
/// valid either way (a dropped page is read again from the file if touched).
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
    /// The rows in the packed layout of the int16 kernels, if this matrix has been packed.
    public let packedRows: Packed?

    /// A heap copy of a matrix's rows in the packed layout of the int16 kernels (`enc_q16_pack`).
    /// Written once, by ``WeightMatrix/packed()`` or ``ModelWeights``, then read-only.
    public final class Packed: @unchecked Sendable {
        // Safety: the bytes are written before the storage is published in a WeightMatrix and never after.
        /// The first byte of the packed rows.
        public let bytes: UnsafeRawPointer
        /// Size of the copy in bytes (`enc_q16_packed_bytes`).
        public let byteCount: Int
        private let storage: UnsafeMutableRawPointer

        init?(type: GGMLType, rows: Int, columns: Int) {
            let count = Int(enc_q16_packed_bytes(Int32(type.rawValue), Int64(rows), Int64(columns)))
            guard count > 0, let pointer = mmap(nil, count, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0),
                pointer != MAP_FAILED
            else { return nil }
            storage = pointer
            bytes = UnsafeRawPointer(pointer)
            byteCount = count
        }

        deinit { munmap(storage, byteCount) }

        /// Packs rows `range` of `matrix` (lower bound a multiple of 8); disjoint ranges may be packed concurrently.
        func fill(from matrix: WeightMatrix, rows range: Range<Int>) {
            // Fault the destination pages in with one call (25% faster than a fault per page when writing).
            let groupBytes = byteCount / ((matrix.rows + 7) / 8)
            let page = Int(sysconf(Int32(_SC_PAGESIZE)))
            let start = range.lowerBound / 8 * groupBytes / page * page
            let end = min(byteCount, (range.upperBound + 7) / 8 * groupBytes)
            if end > start { _ = madvise(storage + start, end - start, Self.populateWrite) }
            let ok = enc_q16_pack(
                Int32(matrix.type.rawValue),
                matrix.data,
                Int64(matrix.rowBytes),
                Int64(matrix.rows),
                Int64(matrix.columns),
                Int64(range.lowerBound),
                Int64(range.upperBound),
                storage
            )
            precondition(ok == 1, "\(matrix.name): packing rows \(range) failed")
        }

        /// MADV_POPULATE_WRITE (Linux 5.14; older kernels reject it and the pages fault in as they are written).
        static let populateWrite: Int32 = 23
    }

    /// The activation format this weight pairs with (`ENC_ACT_*`).
    public var activationFormat: Int32 { enc_activation_format(Int32(type.rawValue)) }

    /// Whether the int16 kernels have a packed layout for this matrix's type (Q8_0, Q4_0, Q4_1, Q5_0, Q5_1,
    /// Q4_K, Q5_K, Q6_K).
    public var isPackable: Bool {
        enc_q16_packed_bytes(Int32(type.rawValue), Int64(max(rows, 1)), Int64(columns)) > 0
    }

    init(type: GGMLType, data: UnsafeRawPointer, rows: Int, columns: Int, name: String, packedRows: Packed? = nil) {
        self.type = type
        self.data = data
        self.rows = rows
        self.columns = columns
        self.rowBytes = type.rowBytes(elements: columns) ?? 0
        self.name = name
        self.packedRows = packedRows
    }

    /// This matrix with a packed copy of its rows (the same matrix if it is packed already, nil if its type
    /// has no packed layout). Packs on the calling thread; the mapped original is left as it is.
    public func packed() -> WeightMatrix? {
        if packedRows != nil { return self }
        guard let storage = Packed(type: type, rows: rows, columns: columns) else { return nil }
        storage.fill(from: self, rows: 0..<rows)
        return withPackedRows(storage)
    }

    /// This matrix pointing at `storage` for its packed rows.
    func withPackedRows(_ storage: Packed) -> WeightMatrix {
        WeightMatrix(type: type, data: data, rows: rows, columns: columns, name: name, packedRows: storage)
    }

    /// Drops the mapped pages that lie entirely inside rows `range` from the process's memory (they are
    /// read again from the file if touched). Used once the rows have been packed.
    func releaseMappedPages(rows range: Range<Int>) {
        let page = Int(sysconf(Int32(_SC_PAGESIZE)))
        let start = Int(bitPattern: data) + range.lowerBound * rowBytes
        let end = Int(bitPattern: data) + range.upperBound * rowBytes
        let first = (start + page - 1) / page * page
        let last = end / page * page
        guard last > first, let pointer = UnsafeMutableRawPointer(bitPattern: first) else { return }
        madvise(pointer, last - first, MADV_DONTNEED)
    }

    /// Dequantises row `index` into `out` (for embedding lookups). Reads the packed copy when there is one.
    public func dequantizeRow(_ index: Int, into out: UnsafeMutablePointer<Float>) {
        guard let packedRows else {
            Dequantize.row(type, data + index * rowBytes, count: columns, into: out)
            return
        }
        withUnsafeTemporaryAllocation(byteCount: rowBytes, alignment: 16) { row in
            let ok = enc_q16_packed_unpack_row(Int32(type.rawValue), packedRows.bytes, Int64(columns), Int64(index), row.baseAddress!)
            precondition(ok == 1, "\(name): cannot unpack row \(index)")
            Dequantize.row(type, UnsafeRawPointer(row.baseAddress!), count: columns, into: out)
        }
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
            throw ModelError(
                .badTensorShape,
                "\(path): tensor '\(info.name)' has shape \(info.shape), expected [\(columns), \(rows)] from the hyperparameters"
            )
        }
        guard info.type.isSupported else {
            throw ModelError(
                .unsupportedTensorType,
                "\(path): tensor '\(info.name)' uses type \(info.type), which is not supported (supported: F32, F16, BF16, Q8_0, Q4_0, Q4_1, Q5_0, Q5_1, Q4_K, Q5_K, Q6_K)"
            )
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
            throw ModelError(
                .unsupportedTensorType,
                "\(path): tensor '\(name)' uses type \(info.type); norm and bias vectors must be F32, F16 or BF16"
            )
        }
        var out = [Float](repeating: 0, count: count)
        out.withUnsafeMutableBufferPointer { Dequantize.row(info.type, data(of: info), count: count, into: $0.baseAddress!) }
        return out
    }

    func optionalVector(_ name: String, count: Int) throws -> [Float]? {
        tensor(named: name) == nil ? nil : try vector(name, count: count)
    }
}
