// Enclave guardrails: how much of the end of a stream could still become a match.

/// The holdback rule of the stream filter: which trailing bytes of the text not yet sent could still
/// turn out to be part of a match, and so must wait for more text.
///
/// Held at the end of the text:
/// 1. the trailing **run** of match bytes: ASCII letters and digits and `@ . _ % + - / : = ~ ( )`
///    (everything e-mail addresses, keys, tokens, JWTs, URLs with passwords, IPs and dates are made of);
/// 2. extended to the left across **single spaces** that join digit groups (card numbers, phone numbers,
///    IBANs: a space with a digit or `)` before it or a digit or `(` after it), and a trailing space after a
///    digit, since the next group may follow;
/// 3. a trailing `[` followed only by `A-Z 0-9 _` (a placeholder being written), when the answer may hold
///    placeholders to restore;
/// 4. a private key block, from its `-----BEGIN` to its `-----END` line, when secrets are checked
///    (another `-----BEGIN ...-----` header, such as a certificate's, is released once its line is complete).
///
/// Everything before that is final and can be filtered and sent. Bytes from U+0080 up end a run (they are
/// never part of an ASCII match), so a cut is always on a character boundary.
enum Holdback {
    /// What is held at the end of a text.
    struct Tail: Equatable {
        /// Where the held bytes begin.
        var start: Int
        /// Whether they are an open private key block (rule 4), which has its own, larger bound.
        var isBlock: Bool
    }

    private static let matchBytes: [Bool] = {
        var table = [Bool](repeating: false, count: 256)
        for byte in UInt8(ascii: "a")...UInt8(ascii: "z") { table[Int(byte)] = true }
        for byte in UInt8(ascii: "A")...UInt8(ascii: "Z") { table[Int(byte)] = true }
        for byte in UInt8(ascii: "0")...UInt8(ascii: "9") { table[Int(byte)] = true }
        for character in "@._%+-/:=~()" { table[Int(character.asciiValue!)] = true }
        return table
    }()

    static func isMatchByte(_ byte: UInt8) -> Bool { matchBytes[Int(byte)] }

    static func isDigit(_ byte: UInt8) -> Bool { (0x30...0x39).contains(byte) }

    private static let space = UInt8(ascii: " ")

    /// Whether the space at `index` joins the bytes on each side of it into one possible match (rule 2).
    static func isJoiner(_ bytes: [UInt8], at index: Int) -> Bool {
        guard bytes[index] == space, index > 0 else { return false }
        let before = bytes[index - 1]
        guard isMatchByte(before) else { return false }
        if isDigit(before) || before == UInt8(ascii: ")") { return true }
        guard index + 1 < bytes.count else { return false }
        let after = bytes[index + 1]
        return isDigit(after) || after == UInt8(ascii: "(")
    }

    /// Whether a match could span `index - 1` and `index`: a cut there is not a clean boundary.
    static func isInsideRun(_ bytes: [UInt8], at index: Int) -> Bool {
        guard index > 0, index < bytes.count else { return false }
        return isMatchByte(bytes[index - 1]) || isJoiner(bytes, at: index - 1)
    }

    /// The start of the run held by rules 1 and 2.
    static func runStart(_ bytes: [UInt8]) -> Int {
        var index = bytes.count
        if index >= 2, bytes[index - 1] == space, isDigit(bytes[index - 2]) || bytes[index - 2] == UInt8(ascii: ")") {
            index -= 1
        }
        while index > 0 {
            while index > 0, isMatchByte(bytes[index - 1]) { index -= 1 }
            if index >= 2, index < bytes.count, isJoiner(bytes, at: index - 1) {
                index -= 1
                continue
            }
            break
        }
        return index
    }

    /// The held tail of `bytes` under rules 1 to 4 (rule 3 when `placeholders`, rule 4 when `blocks`).
    static func tail(of bytes: [UInt8], placeholders: Bool, blocks: Bool) -> Tail {
        if blocks, let block = PrivateKeyBlock.openStart(in: bytes) {
            return Tail(start: block, isBlock: true)
        }
        var start = runStart(bytes)
        if placeholders, let open = PlaceholderSyntax.openStart(in: bytes) { start = min(start, open) }
        return Tail(start: start, isBlock: false)
    }
}
