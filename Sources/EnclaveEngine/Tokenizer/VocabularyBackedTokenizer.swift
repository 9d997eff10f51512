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

    func escapeControlTokens(in contents: [String]) -> (contents: [String], literals: [String]) {
        var literals: [String] = []
        let escaped = contents.map { content -> String in
            var content = content
            return content.withUTF8 { bytes -> String in
                var output: [UInt8] = []
                var changed = false
                for fragment in vocabulary.splitter.split(bytes, parseSpecial: true) {
                    switch fragment {
                    case .token(let id):
                        let text = Array(tokenText(id).utf8)
                        if vocabulary.attributes[Int(id)].isDisjoint(with: .hidden) {
                            output.append(contentsOf: text)  // a user-defined token: matched as text anyway
                        } else {
                            output.append(contentsOf: LiteralMarkers.marker(literals.count))
                            literals.append(tokenText(id))
                            changed = true
                        }
                    case .text(let range):
                        let text = UnsafeBufferPointer(rebasing: bytes[range])
                        var i = 0
                        while i < text.count {
                            if LiteralMarkers.markerCharacter(text, at: i) {
                                output.append(contentsOf: LiteralMarkers.marker(literals.count))
                                literals.append(String(decoding: text[i..<(i + 4)], as: UTF8.self))
                                changed = true
                                i += 4
                            } else {
                                output.append(text[i])
                                i += 1
                            }
                        }
                    }
                }
                return changed ? String(decoding: output, as: UTF8.self) : String(decoding: bytes, as: UTF8.self)
            }
        }
        return (escaped, literals)
    }
}
