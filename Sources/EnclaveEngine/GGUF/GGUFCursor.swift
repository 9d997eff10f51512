// Enclave: a bounds-checked little-endian reader over mapped bytes.

/// Reads little-endian values from a byte range, checking every read against the end.
struct GGUFCursor {
    let base: UnsafeRawPointer
    let end: Int
    var offset: Int
    let file: String

    var remaining: Int { end - offset }

    mutating func need(_ n: Int, _ what: @autoclosure () -> String) throws {
        guard n >= 0, n <= remaining else {
            throw GGUFError(
                .truncated,
                "file ends at byte \(end) while reading \(what()) at byte \(offset) (needs \(n) bytes); the download may be incomplete",
                file: file
            )
        }
    }

    mutating func read<T: FixedWidthInteger>(_: T.Type, _ what: @autoclosure () -> String) throws -> T {
        try need(MemoryLayout<T>.size, what())
        let v = base.loadUnaligned(fromByteOffset: offset, as: T.self)
        offset += MemoryLayout<T>.size
        return T(littleEndian: v)
    }

    mutating func readFloat(_ what: @autoclosure () -> String) throws -> Float {
        Float(bitPattern: try read(UInt32.self, what()))
    }

    mutating func readDouble(_ what: @autoclosure () -> String) throws -> Double {
        Double(bitPattern: try read(UInt64.self, what()))
    }

    /// Reads a gguf_string (u64 length + bytes), refusing lengths beyond `maxLength` or the file end.
    mutating func readString(_ what: @autoclosure () -> String, maxLength: Int = 1 << 26) throws -> String {
        let length = try read(UInt64.self, what())
        guard length <= UInt64(maxLength) else {
            throw GGUFError(.corrupt, "\(what()) at byte \(offset - 8) claims a length of \(length) bytes (limit \(maxLength))", file: file)
        }
        let n = Int(length)
        try need(n, what())
        let buffer = UnsafeRawBufferPointer(start: base + offset, count: n)
        offset += n
        if let s = String(validating: buffer, as: UTF8.self) { return s }
        return String(decoding: buffer, as: UTF8.self)
    }
}
