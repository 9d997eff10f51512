// Enclave guardrails: finding an unfinished private key block at the end of a stream.

/// Rule 4 of ``Holdback``: a `-----BEGIN` whose header could still be, or is, a private key's
/// (`-----BEGIN RSA PRIVATE KEY-----`, `-----BEGIN OPENSSH PRIVATE KEY-----`, ...) and has no complete
/// `-----END ...-----` line after it yet.
enum PrivateKeyBlock {
    private static let begin = Array("-----BEGIN".utf8)
    private static let end = Array("-----END".utf8)
    private static let dashes = Array("-----".utf8)
    private static let privateWord = Array("PRIVATE".utf8)
    private static let newline = UInt8(ascii: "\n")

    /// The offset of the open block's `-----BEGIN`, or `nil` if no private key block is open.
    static func openStart(in bytes: [UInt8]) -> Int? {
        guard let start = lastOccurrence(of: begin, in: bytes, from: 0) else { return nil }
        // Closed once the END line has its closing dashes: until then the scanner cannot see the whole block.
        if let footer = occurrence(of: end, in: bytes, from: start + begin.count),
            occurrence(of: dashes, in: bytes, from: footer + end.count) != nil
        {
            return nil
        }
        // The header line: until its newline, or the end of the text while it is being written.
        let headerEnd = bytes[(start + begin.count)...].firstIndex(of: newline) ?? bytes.count
        let header = bytes[(start + begin.count)..<headerEnd]
        let headerComplete = headerEnd < bytes.count || closesHeader(header)
        if headerComplete && occurrence(of: privateWord, in: Array(header), from: 0) == nil { return nil }
        return start
    }

    /// Whether the header's text ends with its closing five dashes.
    private static func closesHeader(_ header: ArraySlice<UInt8>) -> Bool {
        header.count > 5 && header.suffix(5).allSatisfy { $0 == UInt8(ascii: "-") }
    }

    static func occurrence(of needle: [UInt8], in bytes: [UInt8], from start: Int) -> Int? {
        guard bytes.count >= needle.count, start <= bytes.count - needle.count else { return nil }
        var index = start
        let first = needle[0]
        while index <= bytes.count - needle.count {
            if bytes[index] == first, bytes[index..<(index + needle.count)].elementsEqual(needle) { return index }
            index += 1
        }
        return nil
    }

    static func lastOccurrence(of needle: [UInt8], in bytes: [UInt8], from start: Int) -> Int? {
        guard bytes.count >= needle.count else { return nil }
        var index = bytes.count - needle.count
        let first = needle[0]
        while index >= start {
            if bytes[index] == first, bytes[index..<(index + needle.count)].elementsEqual(needle) { return index }
            index -= 1
        }
        return nil
    }
}
