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
///    (another `-----BEGIN ...-----` header, such as a certificate's, is released once its line is complete);
/// 5. when names or postal addresses are checked, a sequence of words that start with a capital letter or a
///    digit joined by single spaces or `, ` (`Mr John Smith`, `221B Baker Street, London`), and a trailing
///    space or comma after one.
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

    static func isUpper(_ byte: UInt8) -> Bool { (0x41...0x5A).contains(byte) }

    private static let comma = UInt8(ascii: ",")

    /// The length of the joiner that ends at `index` (rule 2, and rule 5 when `words`), joining the run
    /// before it with the one starting at `index` (or with the text still to come, at the end): 0 for none,
    /// 1 for a space (or a trailing comma), 2 for a comma and a space between capitalised words.
    static func joinerLength(_ bytes: [UInt8], before index: Int, words: Bool) -> Int {
        guard index >= 2 else { return 0 }
        let after: UInt8? = index < bytes.count ? bytes[index] : nil
        let last = bytes[index - 1]
        let before = bytes[index - 2]
        if last == space {
            if words, before == comma, index >= 3, after.map(isUpper) ?? true, wordIsCapitalised(bytes, endingAt: index - 2) { return 2 }
            guard isMatchByte(before) else { return 0 }
            if isDigit(before) || before == UInt8(ascii: ")") { return 1 }
            if words, after.map(isUpper) ?? true, wordIsCapitalised(bytes, endingAt: index - 1) { return 1 }
            guard let after else { return 0 }
            return isDigit(after) || after == UInt8(ascii: "(") ? 1 : 0
        }
        if words, last == comma, after == nil, wordIsCapitalised(bytes, endingAt: index - 1) { return 1 }
        return 0
    }

    /// Whether the run of match bytes ending at `end` is not empty and starts with a capital letter or a digit.
    private static func wordIsCapitalised(_ bytes: [UInt8], endingAt end: Int) -> Bool {
        var start = end
        while start > 0, isMatchByte(bytes[start - 1]) { start -= 1 }
        return start < end && (isUpper(bytes[start]) || isDigit(bytes[start]))
    }

    /// Whether a match could span `index - 1` and `index`: a cut there is not a clean boundary.
    static func isInsideRun(_ bytes: [UInt8], at index: Int, words: Bool) -> Bool {
        guard index > 0, index < bytes.count else { return false }
        if isMatchByte(bytes[index - 1]) || joinerLength(bytes, before: index, words: words) > 0 { return true }
        return words && bytes[index - 1] == comma && bytes[index] == space
    }

    /// The start of the run held by rules 1 and 2 (and 5 when `words`).
    static func runStart(_ bytes: [UInt8], words: Bool) -> Int {
        var index = bytes.count
        while index > 0 {
            while index > 0, isMatchByte(bytes[index - 1]) { index -= 1 }
            let joiner = joinerLength(bytes, before: index, words: words)
            guard joiner > 0 else { break }
            index -= joiner
        }
        return index
    }

    /// The held tail of `bytes` under rules 1 to 5 (rule 3 when `placeholders`, 4 when `blocks`, 5 when `words`).
    static func tail(of bytes: [UInt8], placeholders: Bool, blocks: Bool, words: Bool) -> Tail {
        if blocks, let block = PrivateKeyBlock.openStart(in: bytes) {
            return Tail(start: block, isBlock: true)
        }
        var start = runStart(bytes, words: words)
        if placeholders, let open = PlaceholderSyntax.openStart(in: bytes) { start = min(start, open) }
        return Tail(start: start, isBlock: false)
    }
}
