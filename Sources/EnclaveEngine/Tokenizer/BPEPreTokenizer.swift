// Enclave: the regex pre-tokenizers of byte-level BPE vocabularies, as hand-written scanners.

/// How a byte-level BPE vocabulary cuts text into words before merging (`tokenizer.ggml.pre`).
///
/// Each case is a hand-written scanner over Unicode scalars that reproduces llama.cpp's regexes:
/// * ``gpt2``: `'s|'t|'re|'ve|'m|'ll|'d| ?\p{L}+| ?\p{N}+| ?[^\s\p{L}\p{N}]+|\s+(?!\S)|\s+`
/// * ``smollm``: every `\p{N}` scalar alone first, then the GPT-2 pattern on the rest
///   (StarCoder, Refact, Command-R, CodeShell, EXAONE, Minerva and SmolLM use it)
/// * ``llama3``: `(?i:'s|'t|'re|'ve|'m|'ll|'d)|[^\r\n\p{L}\p{N}]?\p{L}+|\p{N}{1,3}| ?[^\s\p{L}\p{N}]+[\r\n]*|\s*[\r\n]+|\s+(?!\S)|\s+`
/// * ``qwen2``: the same with `\p{N}` (one digit per word) in place of `\p{N}{1,3}`
enum BPEPreTokenizer: String, Sendable, CaseIterable {
    case gpt2
    case smollm
    case llama3
    case qwen2

    /// The pre-tokenizer for a `tokenizer.ggml.pre` value, or nil if it is not supported.
    init?(ggufName name: String) {
        switch name {
        case "gpt2", "gpt-2": self = .gpt2
        case "smollm", "starcoder", "refact", "command-r", "codeshell", "exaone", "minerva", "minerva-7b": self = .smollm
        case "llama-bpe", "llama3", "llama-v3": self = .llama3
        case "qwen2": self = .qwen2
        default: return nil
        }
    }

    /// The `tokenizer.ggml.pre` values this engine accepts.
    static let supportedNames = ["gpt2", "gpt-2", "smollm", "starcoder", "refact", "command-r", "codeshell", "exaone",
                                 "minerva", "minerva-7b", "llama-bpe", "llama3", "llama-v3", "qwen2"]

    /// Whether a piece that is already a whole vocabulary entry skips merging (llama.cpp's `ignore_merges`).
    var ignoresMerges: Bool { self == .llama3 }

    /// Whether BOS is added by default when the file has no `tokenizer.ggml.add_bos_token` key.
    var addsBOSByDefault: Bool { self == .llama3 }

    /// Splits `text` into words. `scratch.wordEnds` receives the byte offset where each word ends; the
    /// words cover the text without gaps.
    func split(_ text: UnsafeBufferPointer<UInt8>, scratch: inout PreTokenizerScratch) {
        scratch.load(text)
        let n = scratch.scalars.count
        guard n > 0 else { return }
        switch self {
        case .gpt2:
            scratch.scanGPT2(0, n)
        case .smollm:
            var runStart = 0
            for i in 0..<n where scratch.flags[i] & ScalarClass.number != 0 {
                if i > runStart { scratch.scanGPT2(runStart, i) }
                scratch.cut(i + 1)
                runStart = i + 1
            }
            if runStart < n { scratch.scanGPT2(runStart, n) }
        case .llama3:
            scratch.scanLlama3(0, n, maxDigits: 3)
        case .qwen2:
            scratch.scanLlama3(0, n, maxDigits: 1)
        }
        scratch.convertCutsToByteOffsets()
    }
}

/// Reusable buffers for ``BPEPreTokenizer``: the scalars of the text, their byte offsets and classes,
/// and the cut points the scanners produce.
struct PreTokenizerScratch {
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
                let runClass: UInt8? = c & ScalarClass.letter != 0 ? ScalarClass.letter
                    : c & ScalarClass.number != 0 ? ScalarClass.number
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
            let scalar = scalars[pos], c = flags[pos]
            let isLineBreak = scalar == Self.cr || scalar == Self.lf
            // `[^\r\n\p{L}\p{N}]?\p{L}+`
            if !isLineBreak && c & ScalarClass.number == 0
                && (c & ScalarClass.letter != 0 || (cls(pos + 1) ?? 0) & ScalarClass.letter != 0) {
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
