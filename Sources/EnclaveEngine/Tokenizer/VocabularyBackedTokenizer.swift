// Enclave: what every tokenizer built on a GGUF vocabulary answers the same way.

/// A tokenizer whose special ids, flags and token texts come from a ``TokenVocabulary``; the
/// conforming types implement only encoding, decoding and their family name.
protocol VocabularyBackedTokenizer: Tokenizer {
    var vocabulary: TokenVocabulary { get }
}

extension VocabularyBackedTokenizer {
    var vocabularySize: Int { vocabulary.count }
    var bosTokenID: Int32? { vocabulary.bos }
    var eosTokenID: Int32? { vocabulary.eos }
    var endOfGenerationTokenIDs: Set<Int32> { vocabulary.endOfGeneration }
    var addsBOS: Bool { vocabulary.addBOS }
    var addsEOS: Bool { vocabulary.addEOS }

    func tokenBytes(_ id: Int32, renderSpecial: Bool) -> [UInt8] {
        var bytes = [UInt8]()
        vocabulary.appendPiece(id, renderSpecial: renderSpecial, to: &bytes)
        return bytes
    }

    func tokenText(_ id: Int32) -> String {
        vocabulary.isValid(id) ? vocabulary.texts[Int(id)] : ""
    }

    func tokenID(forText text: String) -> Int32? {
        let id = vocabulary.table.find(text)
        return id >= 0 ? id : nil
    }
}
