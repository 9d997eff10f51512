// Enclave: byte-level BPE (`tokenizer.ggml.model` = `gpt2`), as llama.cpp runs it.

/// A byte-level BPE tokenizer (GPT-2, SmolLM, StarCoder, Llama 3, Qwen2 …).
///
/// Encoding cuts special tokens out of the text, splits each plain fragment into words with the
/// ``BPEPreTokenizer``, maps every byte of a word to its token (GPT-2 byte alphabet) and then repeatedly
/// merges the adjacent pair with the lowest merge rank (leftmost on ties). All lookups work on byte
/// slices and integer pairs; no `String` is built per token.
final class BPETokenizer: VocabularyBackedTokenizer {
    let vocabulary: TokenVocabulary
    let merges: MergeTable
    let preTokenizer: BPEPreTokenizer
    let preTokenizerName: String
    /// The token of each byte's mapped character, or -1 if the vocabulary lacks it.
    let byteTokens: [Int32]

    init(vocabulary: TokenVocabulary, merges: MergeTable, preTokenizer: BPEPreTokenizer, preTokenizerName: String) {
        self.vocabulary = vocabulary
        self.merges = merges
        self.preTokenizer = preTokenizer
        self.preTokenizerName = preTokenizerName
        var mapped = [UInt8]()
        self.byteTokens = (0..<256).map { byte in
            mapped.removeAll(keepingCapacity: true)
            ByteUnicodeMap.appendMapped(UInt8(byte), to: &mapped)
            return vocabulary.table.find(mapped)
        }
    }

    var tokenizerFamily: String { "bpe/\(preTokenizerName)" }

    func encode(_ text: String, addSpecial: Bool, parseSpecial: Bool, literals: [String]) -> [Int32] {
        let literalBytes = literals.map { Array($0.utf8) }
        var output = [Int32]()
        output.reserveCapacity(text.utf8.count / 3 + 2)
        if addSpecial && vocabulary.addBOS, let bos = vocabulary.bos { output.append(bos) }
        var text = text
        text.withUTF8 { bytes in
            var scratch = Scratch()
            for fragment in vocabulary.splitter.split(bytes, parseSpecial: parseSpecial) {
                switch fragment {
                case .token(let id):
                    output.append(id)
                case .text(let range):
                    let text = UnsafeBufferPointer(rebasing: bytes[range])
                    if let restored = LiteralMarkers.restore(text, literals: literalBytes) {
                        restored.withUnsafeBufferPointer { encodePlain($0, scratch: &scratch, into: &output) }
                    } else {
                        encodePlain(text, scratch: &scratch, into: &output)
                    }
                }
            }
        }
        if addSpecial && vocabulary.addEOS, let eos = vocabulary.eos { output.append(eos) }
        return output
    }

    func decode(_ ids: [Int32], renderSpecial: Bool) -> String {
        var bytes = [UInt8]()
        for id in ids { vocabulary.appendPiece(id, renderSpecial: renderSpecial, to: &bytes) }
        return String(decoding: bytes, as: UTF8.self)
    }

    // MARK: - Encoding

    /// Buffers reused across the words of one `encode` call.
    private struct Scratch {
        var preTokenizer = PreTokenizerScanner()
        var symbols: [MergeSymbol] = []
        var queue = MergeQueue()
        var mapped: [UInt8] = []
    }

    private func encodePlain(_ text: UnsafeBufferPointer<UInt8>, scratch: inout Scratch, into output: inout [Int32]) {
        preTokenizer.split(text, scratch: &scratch.preTokenizer)
        var start = 0
        for end in scratch.preTokenizer.wordEnds {
            encodeWord(UnsafeBufferPointer(rebasing: text[start..<Int(end)]), scratch: &scratch, into: &output)
            start = Int(end)
        }
    }

    private func encodeWord(_ word: UnsafeBufferPointer<UInt8>, scratch: inout Scratch, into output: inout [Int32]) {
        if word.count == 1 {
            emit(byteTokens[Int(word[0])], into: &output)
            return
        }
        if preTokenizer.ignoresMerges {
            scratch.mapped.removeAll(keepingCapacity: true)
            for byte in word { ByteUnicodeMap.appendMapped(byte, to: &scratch.mapped) }
            let whole = vocabulary.table.find(scratch.mapped)
            if whole >= 0 {
                output.append(whole)
                return
            }
        }
        scratch.symbols.removeAll(keepingCapacity: true)
        for (i, byte) in word.enumerated() {
            scratch.symbols.append(
                MergeSymbol(
                    start: Int32(i),
                    length: 1,
                    prev: Int32(i - 1),
                    next: i + 1 == word.count ? -1 : Int32(i + 1),
                    id: byteTokens[Int(byte)]
                )
            )
        }
        scratch.queue.removeAll()
        for i in 1..<scratch.symbols.count { addCandidate(Int32(i - 1), Int32(i), &scratch) }
        while let candidate = scratch.queue.pop() {
            let l = Int(candidate.left)
            let r = Int(candidate.right)
            let left = scratch.symbols[l]
            let right = scratch.symbols[r]
            guard left.length > 0, right.length > 0, left.next == candidate.right,
                left.id == candidate.checkLeft, right.id == candidate.checkRight
            else { continue }
            scratch.symbols[l].length += right.length
            scratch.symbols[l].id = candidate.result
            scratch.symbols[l].next = right.next
            scratch.symbols[r].length = 0
            if right.next >= 0 { scratch.symbols[Int(right.next)].prev = candidate.left }
            addCandidate(left.prev, candidate.left, &scratch)
            addCandidate(candidate.left, right.next, &scratch)
        }
        var i: Int32 = 0
        while i >= 0 {
            emit(scratch.symbols[Int(i)].id, into: &output)
            i = scratch.symbols[Int(i)].next
        }
    }

    @inline(__always)
    private func addCandidate(_ left: Int32, _ right: Int32, _ scratch: inout Scratch) {
        guard left >= 0, right >= 0 else { return }
        let leftID = scratch.symbols[Int(left)].id
        let rightID = scratch.symbols[Int(right)].id
        guard let merge = merges.lookup(leftID, rightID) else { return }
        scratch.queue.push(
            MergeCandidate(
                priority: MergeQueue.priority(rank: merge.rank, left: left),
                left: left,
                right: right,
                checkLeft: leftID,
                checkRight: rightID,
                result: merge.result
            )
        )
    }

    /// Emits a final symbol; a byte whose character is missing from the vocabulary becomes the unknown
    /// token if there is one (llama.cpp drops it).
    @inline(__always)
    private func emit(_ id: Int32, into output: inout [Int32]) {
        if id >= 0 {
            output.append(id)
        } else if let unknown = vocabulary.unknown {
            output.append(unknown)
        }
    }
}
