// Enclave: GPT-2's reversible mapping between bytes and printable Unicode characters.

/// The byte-level BPE alphabet: every byte is shown as one printable character so that vocabulary
/// entries are valid text. Bytes 0x21–0x7E, 0xA1–0xAC and 0xAE–0xFF map to the code point with the
/// same number; the other 68 bytes map, in ascending order, to U+0100, U+0101, … (so space is `Ġ`
/// U+0120 and newline is `Ċ` U+010A).
enum ByteUnicodeMap {
    /// The code point each byte maps to.
    static let scalarForByte: [UInt32] = {
        var table = [UInt32](repeating: 0, count: 256)
        var next: UInt32 = 0x100
        for byte in 0..<256 {
            if (0x21...0x7E).contains(byte) || (0xA1...0xAC).contains(byte) || (0xAE...0xFF).contains(byte) {
                table[byte] = UInt32(byte)
            } else {
                table[byte] = next
                next += 1
            }
        }
        return table
    }()

    /// The UTF-8 encoding of each byte's character (one or two bytes), packed little-endian with the
    /// length in the top byte: `utf8ForByte[b] & 0xFFFF` holds the bytes, `>> 24` the count.
    static let utf8ForByte: [UInt32] = scalarForByte.map { scalar in
        if scalar < 0x80 { return (1 << 24) | scalar }
        let b0 = 0xC0 | (scalar >> 6)
        let b1 = 0x80 | (scalar & 0x3F)
        return (2 << 24) | b0 | (b1 << 8)
    }

    /// The byte a mapped code point stands for, or nil if the code point is not in the alphabet.
    static func byte(for scalar: UInt32) -> UInt8? {
        if scalar < 0x100 {
            let b = Int(scalar)
            if (0x21...0x7E).contains(b) || (0xA1...0xAC).contains(b) || (0xAE...0xFF).contains(b) { return UInt8(b) }
            return nil
        }
        guard scalar < 0x100 + 68 else { return nil }
        return byteForLowScalar[Int(scalar - 0x100)]
    }

    private static let byteForLowScalar: [UInt8] = {
        var table = [UInt8](repeating: 0, count: 68)
        for byte in 0..<256 where scalarForByte[byte] >= 0x100 {
            table[Int(scalarForByte[byte] - 0x100)] = UInt8(byte)
        }
        return table
    }()

    /// Appends the mapped UTF-8 of `byte` to `out`.
    @inline(__always)
    static func appendMapped(_ byte: UInt8, to out: inout [UInt8]) {
        let packed = utf8ForByte[Int(byte)]
        out.append(UInt8(truncatingIfNeeded: packed))
        if packed >> 24 == 2 { out.append(UInt8(truncatingIfNeeded: packed >> 8)) }
    }

    /// Appends the original bytes of a vocabulary entry written in the mapped alphabet. A character
    /// outside the alphabet is copied as its own UTF-8 (malformed vocabularies only).
    static func appendUnmapped(_ text: UnsafeBufferPointer<UInt8>, to out: inout [UInt8]) {
        var i = 0
        while i < text.count {
            let (scalar, length) = UTF8Scalars.decode(text, at: i)
            if let scalar, let byte = byte(for: scalar) {
                out.append(byte)
            } else {
                out.append(contentsOf: UnsafeBufferPointer(rebasing: text[i..<(i + length)]))
            }
            i += length
        }
    }
}
