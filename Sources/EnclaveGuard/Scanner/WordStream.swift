// Enclave guardrails: a text as a stream of case-folded word hashes, for phrase matching.

/// The words of a text, each as a 64-bit hash of its case-folded bytes and its byte range, so that
/// phrases are matched by comparing integers. Folding lowers ASCII, Latin-1 letters (`É` to `é`) and
/// Cyrillic (`И` to `и`); zero-width characters (U+200B-U+200D, U+2060, U+FEFF) are skipped inside words,
/// so `ig\u{200B}nore` is the word `ignore`, and counted.
struct WordStream {
    /// One word.
    struct Word {
        /// FNV-1a of the folded bytes.
        var hash: UInt64
        /// The word's first byte in the text.
        var start: Int32
        /// One past the word's last byte.
        var end: Int32
    }

    /// The words, in order.
    private(set) var words: [Word] = []
    /// Zero-width characters found between two word characters.
    private(set) var hiddenCharacters = 0
    /// Whether the text has characters of the CJK or Hangul blocks (three-byte sequences from U+3000).
    private(set) var hasCJK = false

    static let offsetBasis: UInt64 = 0xcbf2_9ce4_8422_2325
    static let prime: UInt64 = 0x100_0000_01b3

    /// The hash of a word as the stream computes it (for already folded words such as pattern words).
    static func hash(_ word: String) -> UInt64 {
        var hash = offsetBasis
        for byte in word.utf8 { hash = (hash ^ UInt64(byte)) &* prime }
        return hash
    }

    /// Splits `text` into words.
    init(_ text: ScanBytes) {
        words.reserveCapacity(text.count / 5 + 1)
        var index = 0
        let count = text.count
        var hash = Self.offsetBasis
        var start = -1
        var end = 0
        while index < count {
            let byte = text[index]
            var length = 1
            var folded: (UInt8, UInt8, UInt8) = (byte, 0, 0)
            var isWord = Byte.isAlnum(byte)
            var hidden = false
            if byte < 0x80 {
                folded.0 = Byte.lower(byte)
            } else if byte >= 0xC2 && byte < 0xE0 {
                length = 2
                let second = text[index + 1]
                isWord = true
                folded = (byte, second, 0)
                if byte == 0xC3, second >= 0x80, second <= 0x9E, second != 0x97 {
                    folded.1 = second + 0x20
                } else if byte == 0xD0 {
                    if second >= 0x90 && second <= 0x9F {
                        folded.1 = second + 0x20
                    } else if second >= 0xA0 && second <= 0xAF {
                        folded = (0xD1, second - 0x20, 0)
                    } else if second == 0x81 {
                        folded = (0xD1, 0x91, 0)
                    }
                }
                if byte == 0xC2 { isWord = false }  // Latin-1 punctuation: «, », ¡, ¿, no-break space
            } else if byte >= 0xE0 && byte < 0xF0 {
                length = 3
                let second = text[index + 1]
                let third = text[index + 2]
                folded = (byte, second, third)
                if byte == 0xE2 && second == 0x80 && (0x8B...0x8D).contains(third) || byte == 0xE2 && second == 0x81 && third == 0xA0
                    || byte == 0xEF && second == 0xBB && third == 0xBF
                {
                    hidden = true
                } else if byte == 0xE2 || (byte == 0xE3 && second == 0x80) || (byte == 0xEF && second >= 0xBC) {
                    isWord = false  // general punctuation, CJK punctuation, full-width forms
                } else {
                    isWord = true
                    if byte >= 0xE3 { hasCJK = true }
                }
            } else if byte >= 0xF0 {
                length = 4
                isWord = false
            }
            if hidden {
                if start >= 0, Byte.isWord(text[index + 3]) { hiddenCharacters += 1 }
                index += 3
                continue
            }
            if isWord {
                if start < 0 {
                    start = index
                    hash = Self.offsetBasis
                }
                hash = (hash ^ UInt64(folded.0)) &* Self.prime
                if length >= 2 { hash = (hash ^ UInt64(folded.1)) &* Self.prime }
                if length == 3 { hash = (hash ^ UInt64(folded.2)) &* Self.prime }
                end = index + length
            } else if start >= 0 {
                words.append(Word(hash: hash, start: Int32(start), end: Int32(end)))
                start = -1
            }
            index += length
        }
        if start >= 0 { words.append(Word(hash: hash, start: Int32(start), end: Int32(end))) }
    }
}
