// Enclave: small UTF-8 helpers over raw bytes.

/// UTF-8 helpers used by the tokenizers, which work on bytes rather than `String`s.
enum UTF8Scalars {
    /// The length llama.cpp gives a UTF-8 sequence from its first byte: 1 for ASCII and stray
    /// continuation bytes, 2, 3 or 4 for lead bytes.
    @inline(__always)
    static func sequenceLength(lead: UInt8) -> Int {
        switch lead >> 4 {
        case 0xC, 0xD: return 2
        case 0xE: return 3
        case 0xF: return 4
        default: return 1
        }
    }

    /// Decodes the scalar starting at `i`. Returns nil and a length of 1 for invalid or cut-off
    /// sequences (Swift `String` bytes are always valid, so this only matters for vocab entries).
    @inline(__always)
    static func decode(_ bytes: UnsafeBufferPointer<UInt8>, at i: Int) -> (scalar: UInt32?, length: Int) {
        let b0 = bytes[i]
        if b0 < 0x80 { return (UInt32(b0), 1) }
        let length = sequenceLength(lead: b0)
        guard length > 1, i + length <= bytes.count else { return (nil, 1) }
        var scalar = UInt32(b0) & (0xFF >> (length + 1))
        for k in 1..<length {
            let b = bytes[i + k]
            guard b & 0xC0 == 0x80 else { return (nil, 1) }
            scalar = scalar << 6 | UInt32(b & 0x3F)
        }
        return (scalar, length)
    }

    /// How many bytes at the end of `bytes` form the start of a UTF-8 sequence that more bytes could
    /// still complete (0 if the buffer ends on a character boundary or with bytes that can never
    /// become valid).
    static func incompleteSuffixLength(_ bytes: [UInt8]) -> Int {
        let n = bytes.count
        var k = 1
        while k <= min(3, n) {
            let b = bytes[n - k]
            if b & 0xC0 != 0x80 {
                // b is a lead byte (or ASCII) with k - 1 continuation bytes after it.
                let need: Int
                switch b {
                case 0xC2...0xDF: need = 2
                case 0xE0...0xEF: need = 3
                case 0xF0...0xF4: need = 4
                default: return 0
                }
                guard k < need else { return 0 }
                // The second byte of some sequences has a narrower range (no overlongs, surrogates or > U+10FFFF).
                if k >= 2 {
                    let second = bytes[n - k + 1]
                    switch b {
                    case 0xE0: if second < 0xA0 { return 0 }
                    case 0xED: if second > 0x9F { return 0 }
                    case 0xF0: if second < 0x90 { return 0 }
                    case 0xF4: if second > 0x8F { return 0 }
                    default: break
                    }
                }
                return k
            }
            k += 1
        }
        return 0
    }
}
