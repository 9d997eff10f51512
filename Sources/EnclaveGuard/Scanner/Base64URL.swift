// Enclave guardrails: decoding base64 candidates (JWT headers, encoded prompt-injection payloads).

/// A small base64 decoder over text bytes that accepts both alphabets (standard and URL-safe) and missing
/// padding, for the detectors that must look inside an encoded run.
enum Base64URL {
    /// The decoded bytes of `range`, or nil when it has a character outside both alphabets.
    static func decode(_ text: ScanBytes, _ range: Range<Int>) -> [UInt8]? {
        var output: [UInt8] = []
        output.reserveCapacity(range.count * 3 / 4)
        var buffer: UInt32 = 0
        var bits = 0
        for index in range {
            let byte = text[index]
            let value: UInt32
            switch byte {
            case UInt8(ascii: "A")...UInt8(ascii: "Z"): value = UInt32(byte - UInt8(ascii: "A"))
            case UInt8(ascii: "a")...UInt8(ascii: "z"): value = UInt32(byte - UInt8(ascii: "a")) + 26
            case UInt8(ascii: "0")...UInt8(ascii: "9"): value = UInt32(byte - UInt8(ascii: "0")) + 52
            case UInt8(ascii: "+"), UInt8(ascii: "-"): value = 62
            case UInt8(ascii: "/"), UInt8(ascii: "_"): value = 63
            case UInt8(ascii: "="): return output
            default: return nil
            }
            buffer = (buffer << 6) | value
            bits += 6
            if bits >= 8 {
                bits -= 8
                output.append(UInt8(truncatingIfNeeded: buffer >> UInt32(bits)))
            }
        }
        return output
    }
}
