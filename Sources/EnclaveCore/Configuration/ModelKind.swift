// Enclave: what a configured model is for.

/// What a model entry serves (`models[].kind`).
public enum ModelKind: String, Sendable, Hashable, CaseIterable {
    /// A GGUF chat model: `/v1/chat/completions` and `/v1/completions` (the default).
    case chat
    /// A sentence-transformers folder (safetensors, WordPiece): `/v1/embeddings`.
    case embedding
}
