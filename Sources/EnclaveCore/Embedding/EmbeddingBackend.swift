// Enclave: what serves an embedding model.

/// An embedding model behind `POST /v1/embeddings`: it tokenizes inputs (so the route can count, check and
/// charge them before any work) and turns token sequences into vectors. The engine's sentence-transformers
/// encoder is the real one (`SentenceEmbeddingBackend` in EnclaveBackends); tests use a deterministic fake.
///
/// ```swift
/// let sequences = texts.map(backend.tokenize)
/// let vectors = try await backend.embed(sequences)
/// ```
public protocol EmbeddingBackend: Sendable {
    /// The model's id, width and limits.
    var descriptor: EmbeddingModelDescriptor { get }

    /// The tokens the model reads for `text`, its markers included (`[CLS] ... [SEP]` for BERT), not truncated:
    /// the caller refuses a sequence longer than ``EmbeddingModelDescriptor/maxInputTokens``.
    func tokenize(_ text: String) -> [Int]

    /// The tokens the model reads for token ids a client sent (`input` as integers): the ids with the model's
    /// markers around them. Each id is below ``EmbeddingModelDescriptor/vocabularySize``.
    func sequence(forTokenIDs ids: [Int]) -> [Int]

    /// One vector of ``EmbeddingModelDescriptor/dimensions`` floats per sequence, in order. Runs off the
    /// caller's thread (the encoder blocks its threads for the whole batch).
    /// - Parameter sequences: Results of ``tokenize(_:)`` or ``sequence(forTokenIDs:)``, each at most
    ///   ``EmbeddingModelDescriptor/maxInputTokens`` long.
    func embed(_ sequences: [[Int]]) async throws -> [[Float]]
}
