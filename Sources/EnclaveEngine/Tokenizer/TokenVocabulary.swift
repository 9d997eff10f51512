// Enclave: the vocabulary shared by the BPE and SentencePiece tokenizers.

/// Everything about a model's vocabulary that does not depend on the tokenizer algorithm: token texts
/// and their lookup table, attributes, scores, special ids, the end-of-generation set, the bytes each
/// token prints, and the special-token splitter.
struct TokenVocabulary: Sendable {
    /// Token texts as stored in the model.
    let texts: [String]
    /// Token text bytes to id.
    let table: ByteStringTable
    let attributes: [TokenAttributes]
    /// SentencePiece merge scores (0 when the file has none).
    let scores: [Float]
    let bos: Int32?
    let eos: Int32?
    let unknown: Int32?
    let endOfGeneration: Set<Int32>
    let addBOS: Bool
    let addEOS: Bool
    /// The bytes each token prints when special tokens are rendered (flat, with offsets).
    private let pieceBytes: [UInt8]
    private let pieceOffsets: [Int32]
    let splitter: SpecialTokenSplitter

    var count: Int { texts.count }

    /// - Parameter decodeNormal: appends the output bytes of a normal token given its text bytes.
    init(
        texts: [String],
        table: ByteStringTable,
        attributes: [TokenAttributes],
        scores: [Float],
        bos: Int32?,
        eos: Int32?,
        unknown: Int32?,
        endOfGeneration: Set<Int32>,
        addBOS: Bool,
        addEOS: Bool,
        decodeNormal: (UnsafeBufferPointer<UInt8>, inout [UInt8]) -> Void
    ) {
        self.texts = texts
        self.table = table
        self.attributes = attributes
        self.scores = scores
        self.bos = bos
        self.eos = eos
        self.unknown = unknown
        self.endOfGeneration = endOfGeneration
        self.addBOS = addBOS
        self.addEOS = addEOS
        var pieceBytes = [UInt8]()
        pieceBytes.reserveCapacity(table.bytes.count)
        var pieceOffsets = [Int32]()
        pieceOffsets.reserveCapacity(texts.count + 1)
        pieceOffsets.append(0)
        table.bytes.withUnsafeBufferPointer { all in
            for id in 0..<texts.count {
                let start = Int(table.offsets[id])
                let end = Int(table.offsets[id + 1])
                let text = UnsafeBufferPointer(rebasing: all[start..<end])
                let attr = attributes[id]
                if !attr.isDisjoint(with: .special) {
                    pieceBytes.append(contentsOf: text)
                } else if attr.contains(.normal) {
                    decodeNormal(text, &pieceBytes)
                } else if attr.contains(.byte) {
                    if let byte = Self.byteValue(text) { pieceBytes.append(byte) } else { pieceBytes.append(contentsOf: text) }
                }
                pieceOffsets.append(Int32(pieceBytes.count))
            }
        }
        self.pieceBytes = pieceBytes
        self.pieceOffsets = pieceOffsets
        self.splitter = SpecialTokenSplitter(table: table, attributes: attributes)
    }

    @inline(__always)
    func isValid(_ id: Int32) -> Bool { id >= 0 && Int(id) < texts.count }

    /// Appends the bytes token `id` prints; control and unknown tokens print nothing unless
    /// `renderSpecial` is on, and invalid ids print nothing.
    func appendPiece(_ id: Int32, renderSpecial: Bool, to out: inout [UInt8]) {
        guard isValid(id) else { return }
        if !renderSpecial && !attributes[Int(id)].isDisjoint(with: .hidden) { return }
        let start = Int(pieceOffsets[Int(id)])
        let end = Int(pieceOffsets[Int(id) + 1])
        out.append(contentsOf: pieceBytes[start..<end])
    }

    /// The byte of a `<0xXX>` token text.
    static func byteValue(_ text: UnsafeBufferPointer<UInt8>) -> UInt8? {
        guard text.count == 6, text[0] == UInt8(ascii: "<"), text[1] == UInt8(ascii: "0"),
            text[2] == UInt8(ascii: "x") || text[2] == UInt8(ascii: "X"), text[5] == UInt8(ascii: ">"),
            let high = hexDigit(text[3]), let low = hexDigit(text[4])
        else { return nil }
        return high << 4 | low
    }

    private static func hexDigit(_ c: UInt8) -> UInt8? {
        switch c {
        case UInt8(ascii: "0")...UInt8(ascii: "9"): c - UInt8(ascii: "0")
        case UInt8(ascii: "a")...UInt8(ascii: "f"): c - UInt8(ascii: "a") + 10
        case UInt8(ascii: "A")...UInt8(ascii: "F"): c - UInt8(ascii: "A") + 10
        default: nil
        }
    }
}
