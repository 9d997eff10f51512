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
    static let supportedNames = [
        "gpt2", "gpt-2", "smollm", "starcoder", "refact", "command-r", "codeshell", "exaone",
        "minerva", "minerva-7b", "llama-bpe", "llama3", "llama-v3", "qwen2",
    ]

    /// Whether a piece that is already a whole vocabulary entry skips merging (llama.cpp's `ignore_merges`).
    var ignoresMerges: Bool { self == .llama3 }

    /// Whether BOS is added by default when the file has no `tokenizer.ggml.add_bos_token` key.
    var addsBOSByDefault: Bool { self == .llama3 }

    /// Splits `text` into words. `scratch.wordEnds` receives the byte offset where each word ends; the
    /// words cover the text without gaps.
    func split(_ text: UnsafeBufferPointer<UInt8>, scratch: inout PreTokenizerScanner) {
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
