// Enclave guardrails: the byte-level helpers every detector scans with.

/// The UTF-8 bytes of a text under scan, with the character tests the detectors share. Detectors read
/// bytes, never `Character`s or regular expressions: a scan is a few passes over contiguous memory.
struct ScanBytes {
    /// The text's bytes.
    let bytes: UnsafeBufferPointer<UInt8>

    /// The number of bytes.
    var count: Int { bytes.count }

    /// The byte at `index`, or 0 outside the text (so look-arounds need no bounds checks).
    @inline(__always) subscript(index: Int) -> UInt8 {
        index >= 0 && index < bytes.count ? bytes[index] : 0
    }

    /// Runs `body` over the UTF-8 bytes of `text`, without copying a native string.
    static func with<R>(_ text: String, _ body: (ScanBytes) -> R) -> R {
        var text = text
        return text.withUTF8 { body(ScanBytes(bytes: $0)) }
    }

    /// Whether the bytes from `start` equal `literal` (ASCII, compared exactly).
    @inline(__always) func matches(_ literal: StaticString, at start: Int) -> Bool {
        let count = literal.utf8CodeUnitCount
        guard start >= 0, start + count <= bytes.count else { return false }
        let pointer = literal.utf8Start
        for offset in 0..<count where bytes[start + offset] != pointer[offset] { return false }
        return true
    }

    /// Whether the bytes from `start` equal `literal` ignoring ASCII case (`literal` in lower case).
    @inline(__always) func matchesFolded(_ literal: StaticString, at start: Int) -> Bool {
        let count = literal.utf8CodeUnitCount
        guard start >= 0, start + count <= bytes.count else { return false }
        let pointer = literal.utf8Start
        for offset in 0..<count where Byte.lower(bytes[start + offset]) != pointer[offset] { return false }
        return true
    }

    /// The end of the run of bytes from `start` that satisfy `predicate`, at most `limit` bytes long.
    @inline(__always) func runEnd(from start: Int, limit: Int = .max, while predicate: (UInt8) -> Bool) -> Int {
        var index = start
        let end = limit == .max ? bytes.count : min(bytes.count, start + limit)
        while index < end, predicate(bytes[index]) { index += 1 }
        return index
    }

    /// The start of the run of bytes ending just before `end` that satisfy `predicate`.
    @inline(__always) func runStart(before end: Int, limit: Int = .max, while predicate: (UInt8) -> Bool) -> Int {
        var index = end
        let floor = limit == .max ? 0 : max(0, end - limit)
        while index > floor, predicate(bytes[index - 1]) { index -= 1 }
        return index
    }

    /// Whether a token may start at `index`: the previous byte is not a letter, digit or underscore.
    @inline(__always) func isTokenStart(_ index: Int) -> Bool { !Byte.isWord(self[index - 1]) }

    /// Whether a token may end at `index` (exclusive): the next byte is not a letter, digit or underscore.
    @inline(__always) func isTokenEnd(_ index: Int) -> Bool { !Byte.isWord(self[index]) }

    /// The bytes of `range` as a string (for the rare detector that must decode a candidate).
    func string(_ range: Range<Int>) -> String {
        String(decoding: UnsafeBufferPointer(rebasing: bytes[range]), as: UTF8.self)
    }
}

/// Character classes of single UTF-8 bytes.
enum Byte {
    /// `0`-`9`.
    @inline(__always) static func isDigit(_ byte: UInt8) -> Bool { byte &- 0x30 < 10 }
    /// `A`-`Z`.
    @inline(__always) static func isUpper(_ byte: UInt8) -> Bool { byte &- 0x41 < 26 }
    /// `a`-`z`.
    @inline(__always) static func isLower(_ byte: UInt8) -> Bool { byte &- 0x61 < 26 }
    /// An ASCII letter.
    @inline(__always) static func isAlpha(_ byte: UInt8) -> Bool { (byte | 0x20) &- 0x61 < 26 }
    /// An ASCII letter or digit.
    @inline(__always) static func isAlnum(_ byte: UInt8) -> Bool { isAlpha(byte) || isDigit(byte) }
    /// A letter, digit, underscore or any byte of a non-ASCII character (which are letters in most texts).
    @inline(__always) static func isWord(_ byte: UInt8) -> Bool { isAlnum(byte) || byte == UInt8(ascii: "_") || byte >= 0x80 }
    /// A hexadecimal digit.
    @inline(__always) static func isHex(_ byte: UInt8) -> Bool { isDigit(byte) || (byte | 0x20) &- 0x61 < 6 }
    /// A character of the standard base64 alphabet (padding excluded).
    @inline(__always) static func isBase64(_ byte: UInt8) -> Bool {
        isAlnum(byte) || byte == UInt8(ascii: "+") || byte == UInt8(ascii: "/")
    }
    /// A character of the URL-safe base64 alphabet.
    @inline(__always) static func isBase64URL(_ byte: UInt8) -> Bool {
        isAlnum(byte) || byte == UInt8(ascii: "-") || byte == UInt8(ascii: "_")
    }
    /// A space or tab.
    @inline(__always) static func isBlank(_ byte: UInt8) -> Bool { byte == 0x20 || byte == 0x09 }
    /// Whitespace (space, tab, line feed, carriage return).
    @inline(__always) static func isSpace(_ byte: UInt8) -> Bool { byte == 0x20 || byte &- 0x09 < 5 }
    /// The ASCII lower case of a byte (other bytes unchanged).
    @inline(__always) static func lower(_ byte: UInt8) -> UInt8 { isUpper(byte) ? byte | 0x20 : byte }
    /// The value of a decimal digit.
    @inline(__always) static func digit(_ byte: UInt8) -> Int { Int(byte &- 0x30) }
}
