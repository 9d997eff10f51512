// Enclave: SentencePiece BPE (`tokenizer.ggml.model` = `llama`), as llama.cpp runs it.

/// A SentencePiece BPE tokenizer (Llama 2, Mistral, TinyLlama, Gemma …).
///
/// Encoding cuts special tokens out of the text (user-defined ones always), optionally puts a space in
/// front of each plain fragment that starts the text or follows a special token, writes every space as
/// `▁`, and then repeatedly merges the adjacent pair whose concatenation is the vocabulary entry with
/// the highest score (leftmost on ties). Characters left without a token become `<0xXX>` byte tokens.
final class SentencePieceTokenizer: VocabularyBackedTokenizer {
    let vocabulary: TokenVocabulary
    /// Whether a space is put in front of the text and after each special token (`add_space_prefix`).
    let addSpacePrefix: Bool
    /// The `<0xXX>` token of each byte, or -1.
    let byteTokens: [Int32]

    private static let escapedSpace: [UInt8] = [0xE2, 0x96, 0x81]  // U+2581 ▁

    init(vocabulary: TokenVocabulary, addSpacePrefix: Bool) {
        self.vocabulary = vocabulary
        self.addSpacePrefix = addSpacePrefix
        let hex = Array("0123456789ABCDEF".utf8)
        self.byteTokens = (0..<256).map { byte in
            let id = vocabulary.table.find([
                UInt8(ascii: "<"), UInt8(ascii: "0"), UInt8(ascii: "x"),
                hex[byte >> 4], hex[byte & 15], UInt8(ascii: ">"),
            ])
            // Like llama.cpp, fall back to a token whose text is the byte itself.
            return id >= 0 ? id : vocabulary.table.find([UInt8(byte)])
        }
    }

    var tokenizerFamily: String { "spm" }

    /// Appends `text` to `escaped` with every space as SentencePiece's U+2581 (without copying the text first).
    private static func escapeSpaces(_ text: UnsafeBufferPointer<UInt8>, into escaped: inout [UInt8]) {
        for byte in text {
            if byte == 0x20 { escaped.append(contentsOf: escapedSpace) } else { escaped.append(byte) }
        }
    }

    func encode(_ text: String, addSpecial: Bool, parseSpecial: Bool, literals: [String]) -> [Int32] {
        let literalBytes = literals.map { Array($0.utf8) }
        var output = [Int32]()
        output.reserveCapacity(text.utf8.count / 3 + 2)
        if addSpecial && vocabulary.addBOS, let bos = vocabulary.bos { output.append(bos) }
        var text = text
        text.withUTF8 { bytes in
            var scratch = Scratch()
            var afterSpecial = true
            for fragment in vocabulary.splitter.split(bytes, parseSpecial: parseSpecial) {
                switch fragment {
                case .token(let id):
                    output.append(id)
                    afterSpecial = true
                case .text(let range):
                    scratch.escaped.removeAll(keepingCapacity: true)
                    if addSpacePrefix && afterSpecial { scratch.escaped.append(contentsOf: Self.escapedSpace) }
                    let text = UnsafeBufferPointer(rebasing: bytes[range])
                    if let restored = LiteralMarkers.restore(text, literals: literalBytes) {
                        restored.withUnsafeBufferPointer { Self.escapeSpaces($0, into: &scratch.escaped) }
                    } else {
                        Self.escapeSpaces(text, into: &scratch.escaped)
                    }
                    encodeEscaped(&scratch, into: &output)
                    afterSpecial = false
                }
            }
        }
        if addSpecial && vocabulary.addEOS, let eos = vocabulary.eos { output.append(eos) }
        return output
    }

    /// Decodes tokens. With `add_space_prefix`, the one space that encoding put in front of the text
    /// (and after each special token) is dropped again, so `decode(encode(text))` gives back `text`.
    func decode(_ ids: [Int32], renderSpecial: Bool) -> String {
        var bytes = [UInt8]()
        var afterSpecial = true
        for id in ids where vocabulary.isValid(id) {
            let start = bytes.count
            vocabulary.appendPiece(id, renderSpecial: renderSpecial, to: &bytes)
            if !vocabulary.attributes[Int(id)].isDisjoint(with: .special) {
                afterSpecial = true
                continue
            }
            if addSpacePrefix && afterSpecial && bytes.count > start && bytes[start] == 0x20 {
                bytes.remove(at: start)
            }
            afterSpecial = false
        }
        return String(decoding: bytes, as: UTF8.self)
    }

    // MARK: - Encoding

    /// Buffers reused across the fragments of one `encode` call.
    private struct Scratch {
        var escaped: [UInt8] = []
        var symbols: [MergeSymbol] = []
        var queue = MergeQueue()
    }

    private func encodeEscaped(_ scratch: inout Scratch, into output: inout [Int32]) {
        let count = scratch.escaped.count
        guard count > 0 else { return }
        scratch.symbols.removeAll(keepingCapacity: true)
        var offset = 0
        while offset < count {
            let length = min(UTF8Scalars.sequenceLength(lead: scratch.escaped[offset]), count - offset)
            scratch.symbols.append(
                MergeSymbol(
                    start: Int32(offset),
                    length: Int32(length),
                    prev: Int32(scratch.symbols.count - 1),
                    next: offset + length == count ? -1 : Int32(scratch.symbols.count + 1),
                    id: -1
                )
            )
            offset += length
        }
        scratch.escaped.withUnsafeBufferPointer { text in
            scratch.queue.removeAll()
            for i in 1..<max(scratch.symbols.count, 1) { addCandidate(Int32(i - 1), Int32(i), text, &scratch) }
            while let candidate = scratch.queue.pop() {
                let l = Int(candidate.left)
                let r = Int(candidate.right)
                let left = scratch.symbols[l]
                let right = scratch.symbols[r]
                guard left.length > 0, right.length > 0, left.length + right.length == candidate.checkLeft else { continue }
                scratch.symbols[l].length += right.length
                scratch.symbols[l].id = candidate.result
                scratch.symbols[l].next = right.next
                scratch.symbols[r].length = 0
                if right.next >= 0 { scratch.symbols[Int(right.next)].prev = candidate.left }
                addCandidate(left.prev, candidate.left, text, &scratch)
                addCandidate(candidate.left, right.next, text, &scratch)
            }
            var i: Int32 = 0
            while i >= 0 {
                let symbol = scratch.symbols[Int(i)]
                let slice = UnsafeBufferPointer(rebasing: text[Int(symbol.start)..<Int(symbol.start + symbol.length)])
                let id = symbol.id >= 0 ? symbol.id : vocabulary.table.find(slice)
                if id >= 0 {
                    output.append(id)
                } else {
                    for byte in slice { emitByte(byte, into: &output) }
                }
                i = symbol.next
            }
        }
    }

    @inline(__always)
    private func addCandidate(_ left: Int32, _ right: Int32, _ text: UnsafeBufferPointer<UInt8>, _ scratch: inout Scratch) {
        guard left >= 0, right >= 0 else { return }
        let start = Int(scratch.symbols[Int(left)].start)
        let size = Int(scratch.symbols[Int(left)].length + scratch.symbols[Int(right)].length)
        let id = vocabulary.table.find(UnsafeBufferPointer(rebasing: text[start..<(start + size)]))
        guard id >= 0 else { return }
        scratch.queue.push(
            MergeCandidate(
                priority: MergeQueue.priority(score: vocabulary.scores[Int(id)], left: left),
                left: left,
                right: right,
                checkLeft: Int32(size),
                checkRight: 0,
                result: id
            )
        )
    }

    /// Emits the byte-fallback token of `byte`, or the unknown token if the vocabulary has neither.
    @inline(__always)
    private func emitByte(_ byte: UInt8, into output: inout [Int32]) {
        let id = byteTokens[Int(byte)]
        if id >= 0 {
            output.append(id)
        } else if let unknown = vocabulary.unknown {
            output.append(unknown)
        }
    }
}
