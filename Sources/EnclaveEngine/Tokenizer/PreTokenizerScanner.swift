// Enclave: hand-written scanners for the BPE pre-tokenizer regexes.

/// The scanners behind ``BPEPreTokenizer``, with their reusable buffers: the scalars of the text, their
/// byte offsets and classes, and the cut points the scanners produce.
struct PreTokenizerScanner {
    var scalars: [UInt32] = []
    /// Byte offset of each scalar, plus the text length at the end.
    var offsets: [Int32] = []
    var flags: [UInt8] = []
    /// Scalar indices (then byte offsets) where words end.
    var wordEnds: [Int32] = []
    private var lastCut = 0

    mutating func load(_ text: UnsafeBufferPointer<UInt8>) {
        scalars.removeAll(keepingCapacity: true)
        offsets.removeAll(keepingCapacity: true)
        flags.removeAll(keepingCapacity: true)
        wordEnds.removeAll(keepingCapacity: true)
        lastCut = 0
        var i = 0
        while i < text.count {
            let (scalar, length) = UTF8Scalars.decode(text, at: i)
            let value = scalar ?? 0xFFFD
            scalars.append(value)
            offsets.append(Int32(i))
            flags.append(ScalarClass.of(value))
            i += length
        }
        offsets.append(Int32(text.count))
    }

    /// Ends a word at scalar index `end` (ignored if it would be empty).
    @inline(__always)
    mutating func cut(_ end: Int) {
        if end > lastCut {
            wordEnds.append(Int32(end))
            lastCut = end
        }
    }

    mutating func convertCutsToByteOffsets() {
        for k in wordEnds.indices { wordEnds[k] = offsets[Int(wordEnds[k])] }
    }

    // MARK: - Scanners (each works on the scalar range lo..<hi; scalars outside it count as absent)

    private static let apostrophe = UInt32(UInt8(ascii: "'"))
    private static let space = UInt32(UInt8(ascii: " "))
    private static let cr = UInt32(UInt8(ascii: "\r"))
    private static let lf = UInt32(UInt8(ascii: "\n"))

    /// The length of an English contraction (`'s`, `'t`, `'re`, `'ve`, `'m`, `'ll`, `'d`) at `pos`, or 0.
    @inline(__always)
    private func contractionLength(at pos: Int, _ hi: Int, ignoringCase: Bool) -> Int {
        guard scalars[pos] == Self.apostrophe, pos + 1 < hi else { return 0 }
        func lower(_ v: UInt32) -> UInt32 { ignoringCase && v >= 0x41 && v <= 0x5A ? v + 0x20 : v }
        let a = lower(scalars[pos + 1])
        switch a {
        case 0x73, 0x74, 0x6D, 0x64: return 2  // s t m d
        default: break
        }
        guard pos + 2 < hi else { return 0 }
        let b = lower(scalars[pos + 2])
        if (a == 0x72 && b == 0x65) || (a == 0x76 && b == 0x65) || (a == 0x6C && b == 0x6C) { return 3 }  // re ve ll
        return 0
    }

    /// The GPT-2 pattern `'s|'t|'re|'ve|'m|'ll|'d| ?\p{L}+| ?\p{N}+| ?[^\s\p{L}\p{N}]+|\s+(?!\S)|\s+`.
    mutating func scanGPT2(_ lo: Int, _ hi: Int) {
        @inline(__always) func cls(_ p: Int) -> UInt8? { p < hi ? flags[p] : nil }
        var pos = lo
        while pos < hi {
            let contraction = contractionLength(at: pos, hi, ignoringCase: false)
            if contraction > 0 {
                pos += contraction
                cut(pos)
                continue
            }
            let isSpace = scalars[pos] == Self.space
            let body = isSpace ? pos + 1 : pos
            if let c = cls(body) {
                // ` ?\p{L}+`, ` ?\p{N}+` and ` ?[^\s\p{L}\p{N}]+`: one run of the same class.
                let runClass: UInt8? =
                    c & ScalarClass.letter != 0
                    ? ScalarClass.letter
                    : c & ScalarClass.number != 0
                        ? ScalarClass.number
                        : c & ScalarClass.whitespace == 0 ? 0 : nil
                if let runClass {
                    pos = body
                    while let next = cls(pos), runClass == 0 ? next == 0 : next & runClass != 0 { pos += 1 }
                    cut(pos)
                    continue
                }
            }
            pos = scanWhitespace(pos, hi, splitAtLineBreaks: false)
        }
    }

    /// The Llama-3 / Qwen2 pattern, with `\p{N}{1,maxDigits}`.
    mutating func scanLlama3(_ lo: Int, _ hi: Int, maxDigits: Int) {
        @inline(__always) func cls(_ p: Int) -> UInt8? { p < hi ? flags[p] : nil }
        var pos = lo
        while pos < hi {
            let contraction = contractionLength(at: pos, hi, ignoringCase: true)
            if contraction > 0 {
                pos += contraction
                cut(pos)
                continue
            }
            let scalar = scalars[pos]
            let c = flags[pos]
            let isLineBreak = scalar == Self.cr || scalar == Self.lf
            // `[^\r\n\p{L}\p{N}]?\p{L}+`
            if !isLineBreak && c & ScalarClass.number == 0
                && (c & ScalarClass.letter != 0 || (cls(pos + 1) ?? 0) & ScalarClass.letter != 0)
            {
                pos += 1
                while let next = cls(pos), next & ScalarClass.letter != 0 { pos += 1 }
                cut(pos)
                continue
            }
            // `\p{N}{1,maxDigits}`
            if c & ScalarClass.number != 0 {
                var groupStart = pos
                while let next = cls(pos), next & ScalarClass.number != 0 {
                    pos += 1
                    if pos - groupStart >= maxDigits {
                        cut(pos)
                        groupStart = pos
                    }
                }
                cut(pos)
                continue
            }
            // ` ?[^\s\p{L}\p{N}]+[\r\n]*`
            let afterSpace = scalar == Self.space ? cls(pos + 1) : c
            if (afterSpace ?? 0) & (ScalarClass.whitespace | ScalarClass.letter | ScalarClass.number) == 0 {
                if scalar == Self.space { pos += 1 }
                while let next = cls(pos), next == 0 { pos += 1 }
                while pos < hi && (scalars[pos] == Self.cr || scalars[pos] == Self.lf) { pos += 1 }
                cut(pos)
                continue
            }
            pos = scanWhitespace(pos, hi, splitAtLineBreaks: true)
        }
    }

    /// `\s*[\r\n]+` (when `splitAtLineBreaks`), then `\s+(?!\S)` and `\s+`, starting at `pos`.
    /// Returns the new position (always past `pos`).
    private mutating func scanWhitespace(_ pos: Int, _ hi: Int, splitAtLineBreaks: Bool) -> Int {
        var count = 0
        var afterLastLineBreak = -1
        while pos + count < hi && flags[pos + count] & ScalarClass.whitespace != 0 {
            if splitAtLineBreaks && (scalars[pos + count] == Self.cr || scalars[pos + count] == Self.lf) {
                afterLastLineBreak = pos + count + 1
            }
            count += 1
        }
        let end: Int
        if afterLastLineBreak >= 0 {
            end = afterLastLineBreak
        } else if count > 1 && pos + count < hi {
            end = pos + count - 1  // leave the last whitespace to prefix the next word
        } else {
            end = pos + max(count, 1)
        }
        cut(end)
        return end
    }
}
