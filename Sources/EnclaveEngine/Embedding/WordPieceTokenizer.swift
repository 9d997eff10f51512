// Enclave: the WordPiece tokenizer of BERT models (uncased: lowercasing and accent stripping).

import Foundation

/// BERT's WordPiece tokenizer, as HF `tokenizers` runs it for uncased models (all-MiniLM-L6-v2):
/// ``BasicTokenization`` (clean-up, CJK ideographs split, accents stripped, lowercase, split on whitespace and
/// punctuation), then greedy longest-match-first word pieces, later pieces looked up with a `##` prefix. A word
/// longer than 100 characters, or one with a position no piece matches, becomes `[UNK]` as a whole.
///
/// ```swift
/// let tokenizer = try WordPieceTokenizer(vocabularyFile: "models/all-MiniLM-L6-v2/vocab.txt")
/// tokenizer.encode("A man is eating food.", maxLength: 256)  // [101, 1037, 2158, 2003, 5983, 2833, 1012, 102]
/// ```
public struct WordPieceTokenizer: Sendable {
    /// The pieces by id.
    public let tokens: [String]
    private let ids: [String: Int]
    /// `[UNK]`, `[CLS]`, `[SEP]` and `[PAD]`.
    public let unknownID: Int
    public let classID: Int
    public let separatorID: Int
    public let paddingID: Int
    /// Longer words become `[UNK]` (HF `max_input_chars_per_word`).
    public let maxCharactersPerWord = 100

    /// A tokenizer over `tokens` (the piece of id i at index i).
    /// - Throws: ``SafetensorsError`` with code `badHeader` if `[UNK]`, `[CLS]`, `[SEP]` or `[PAD]` is missing.
    public init(tokens: [String], source: String = "vocabulary") throws {
        var ids: [String: Int] = [:]
        ids.reserveCapacity(tokens.count)
        for (id, token) in tokens.enumerated() where ids[token] == nil { ids[token] = id }
        func special(_ name: String) throws -> Int {
            guard let id = ids[name] else {
                throw SafetensorsError(.badHeader, "the vocabulary has no \(name) token", file: source)
            }
            return id
        }
        self.tokens = tokens
        self.ids = ids
        unknownID = try special("[UNK]")
        classID = try special("[CLS]")
        separatorID = try special("[SEP]")
        paddingID = try special("[PAD]")
    }

    /// Reads `vocab.txt`: one piece per line, the line number (from 0) is its id.
    /// - Throws: ``SafetensorsError`` if the file cannot be read or lacks the special tokens.
    public init(vocabularyFile path: String) throws {
        guard let data = FileManager.default.contents(atPath: path), let text = String(data: data, encoding: .utf8) else {
            throw SafetensorsError(.cannotOpen, "cannot read the vocabulary (a UTF-8 file with one token per line)", file: path)
        }
        var lines = text.split(separator: "\n", omittingEmptySubsequences: false).map { String($0.hasSuffix("\r") ? $0.dropLast() : $0) }
        if lines.last == "" { lines.removeLast() }
        try self.init(tokens: lines, source: path)
    }

    /// The number of pieces.
    public var count: Int { tokens.count }

    /// The word pieces of `text`, without `[CLS]` and `[SEP]`.
    public func wordPieces(_ text: String) -> [Int] {
        var out: [Int] = []
        for word in BasicTokenization.words(text) { pieces(of: word, into: &out) }
        return out
    }

    /// `[CLS]`, the word pieces of `text` (the first `maxLength - 2`), `[SEP]`: what the model reads, truncated as
    /// sentence-transformers truncates (`max_seq_length`).
    public func encode(_ text: String, maxLength: Int) -> [Int] {
        [classID] + wordPieces(text).prefix(max(0, maxLength - 2)) + [separatorID]
    }

    /// Greedy longest-match-first pieces of one word.
    func pieces(of word: [Unicode.Scalar], into out: inout [Int]) {
        guard word.count <= maxCharactersPerWord else {
            out.append(unknownID)
            return
        }
        let start = out.count
        var begin = 0
        while begin < word.count {
            var end = word.count
            var found: Int?
            while begin < end {
                var piece = begin > 0 ? "##" : ""
                piece.unicodeScalars.append(contentsOf: word[begin..<end])
                if let id = ids[piece] {
                    found = id
                    break
                }
                end -= 1
            }
            guard let found else {
                out.removeSubrange(start...)
                out.append(unknownID)
                return
            }
            out.append(found)
            begin = end
        }
    }
}
