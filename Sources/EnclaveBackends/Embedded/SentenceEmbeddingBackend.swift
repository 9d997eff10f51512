// Enclave backends: the engine's sentence-transformers encoder behind the embedding seam.

import Dispatch
public import EnclaveCore
public import EnclaveEngine
public import Foundation

/// Serves a sentence-transformers BERT folder (all-MiniLM-L6-v2) with the engine's ``SentenceEmbedder``.
///
/// The encoder blocks its threads for a whole batch, so ``embed(_:)`` runs it on a serial queue of its own,
/// never on Swift's cooperative threads; requests queue there one batch after the other, each batch using
/// every thread of the model's pool.
///
/// ```swift
/// let backend = try SentenceEmbeddingBackend(model: .defaultEmbedding)
/// let vectors = try await backend.embed([backend.tokenize("A man is eating food.")])
/// ```
public final class SentenceEmbeddingBackend: EmbeddingBackend {
    /// The model's id, width and limits.
    public let descriptor: EmbeddingModelDescriptor
    /// The encoder.
    public let embedder: SentenceEmbedder
    private let queue: DispatchQueue

    /// Loads the folder `model.file` (a relative path resolves against the working directory).
    /// - Throws: ``ModelLoadFailure`` whose detail names the file and what is wrong with it.
    public init(model: ModelConfiguration, now: Date = Date()) throws {
        do {
            embedder = try SentenceEmbedder(directory: model.file, threads: model.threads ?? RunnerConfiguration.defaultThreads)
        } catch let error as SafetensorsError {
            throw ModelLoadFailure(reason: "the embedding model cannot be read", detail: error.message)
        }
        descriptor = EmbeddingModelDescriptor(
            id: model.id,
            dimensions: embedder.dimensions,
            maxInputTokens: embedder.maxSequenceLength,
            vocabularySize: embedder.configuration.vocabularySize,
            created: Int(now.timeIntervalSince1970)
        )
        queue = DispatchQueue(label: "enclave.embeddings.\(model.id)", qos: .userInitiated)
    }

    public func tokenize(_ text: String) -> [Int] {
        let t = embedder.tokenizer
        return [t.classID] + t.wordPieces(text) + [t.separatorID]
    }

    public func sequence(forTokenIDs ids: [Int]) -> [Int] {
        [embedder.tokenizer.classID] + ids + [embedder.tokenizer.separatorID]
    }

    public func embed(_ sequences: [[Int]]) async throws -> [[Float]] {
        let embedder = self.embedder
        return await withCheckedContinuation { continuation in
            queue.async { continuation.resume(returning: embedder.embed(tokenized: sequences)) }
        }
    }
}
