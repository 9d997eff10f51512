// Enclave knowledge tests: a deterministic embedder whose cosine is word overlap.

import EnclaveCore

/// Embeds a text as its lowercased words hashed into 64 buckets, L2-normalised: texts sharing words are
/// similar, others orthogonal (unless two words share a bucket). Tokens are `[CLS]` (1), a bucket id per
/// word (3 to 66) and `[SEP]` (2).
struct HashedWordsEmbedder: EmbeddingBackend {
    let descriptor = EmbeddingModelDescriptor(id: "hashed-words", dimensions: 64, maxInputTokens: 16, vocabularySize: 67, created: 0)

    func tokenize(_ text: String) -> [Int] {
        let words = text.lowercased().split { !($0.isLetter || $0.isNumber) }
        return [1] + words.map { word in 3 + Int(word.unicodeScalars.reduce(UInt32(2_166_136_261)) { ($0 ^ $1.value) &* 16_777_619 } % 64) } + [2]
    }

    func sequence(forTokenIDs ids: [Int]) -> [Int] { [1] + ids + [2] }

    func embed(_ sequences: [[Int]]) async throws -> [[Float]] {
        sequences.map { sequence in
            precondition(sequence.count <= descriptor.maxInputTokens, "a sequence longer than the model's input")
            var vector = [Float](repeating: 0, count: 64)
            for id in sequence where id >= 3 { vector[id - 3] += 1 }
            let norm = vector.reduce(0) { $0 + $1 * $1 }.squareRoot()
            return norm > 0 ? vector.map { $0 / norm } : vector
        }
    }

    /// The embedding of one text.
    func vector(_ text: String) async throws -> [Float] { try await embed([tokenize(text)])[0] }
}
