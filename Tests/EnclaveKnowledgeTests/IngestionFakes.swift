// Enclave knowledge tests: deterministic embedding models for ingestion.

import EnclaveCore
import Foundation
import Synchronization

/// A deterministic embedding model: each word is one token (a hash of it below 1000), between the markers
/// 101 and 102; a sequence's vector counts its tokens into 8 buckets, L2-normalised. It records the longest
/// sequence it was asked to embed and how many calls it served.
final class HashingEmbedder: EmbeddingBackend {
    let descriptor: EmbeddingModelDescriptor
    private let state = Mutex((longest: 0, calls: 0, batches: [Int]()))

    init(id: String = "test-embed", maxInputTokens: Int = 256) {
        descriptor = EmbeddingModelDescriptor(id: id, dimensions: 8, maxInputTokens: maxInputTokens, vocabularySize: 1000, created: 0)
    }

    var longestSequence: Int { state.withLock { $0.longest } }
    var batchSizes: [Int] { state.withLock { $0.batches } }

    func tokenize(_ text: String) -> [Int] {
        [101] + text.split { !$0.isLetter && !$0.isNumber }.map { word in Int(word.unicodeScalars.reduce(7) { ($0 &* 31 &+ Int($1.value)) % 997 }) }
            + [102]
    }

    func sequence(forTokenIDs ids: [Int]) -> [Int] { [101] + ids + [102] }

    func embed(_ sequences: [[Int]]) async throws -> [[Float]] {
        state.withLock { value in
            value.longest = max(value.longest, sequences.map(\.count).max() ?? 0)
            value.calls += 1
            value.batches.append(sequences.count)
        }
        return sequences.map { sequence in
            var vector = [Float](repeating: 0, count: 8)
            for token in sequence { vector[token % 8] += 1 }
            let norm = vector.reduce(0) { $0 + $1 * $1 }.squareRoot()
            return vector.map { $0 / norm }
        }
    }
}

/// An embedding model that never answers until its task is cancelled: a document it is asked to embed
/// stays `indexing`, as in a shutdown or a crash mid-way.
final class StalledEmbedder: EmbeddingBackend {
    let descriptor = EmbeddingModelDescriptor(id: "test-embed", dimensions: 8, maxInputTokens: 256, vocabularySize: 1000, created: 0)
    private let inner = HashingEmbedder()
    private let started = Mutex(false)

    var hasStarted: Bool { started.withLock { $0 } }

    func tokenize(_ text: String) -> [Int] { inner.tokenize(text) }
    func sequence(forTokenIDs ids: [Int]) -> [Int] { inner.sequence(forTokenIDs: ids) }

    func embed(_ sequences: [[Int]]) async throws -> [[Float]] {
        started.withLock { $0 = true }
        try await Task.sleep(for: .seconds(3600))
        return []
    }
}
