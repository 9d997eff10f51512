// Enclave: the model architectures the engine runs.

/// A transformer architecture the engine implements, named as in `general.architecture`.
public enum Architecture: String, Sendable, CaseIterable {
    /// Llama 2 and 3, Mistral, TinyLlama, SmolLM: GQA, RoPE (adjacent pairs), SwiGLU.
    case llama
    /// Gemma 3: Q/K norms, post-norms, GELU-gated FFN, scaled embeddings, sliding-window layers.
    case gemma3
}

/// How RoPE pairs the dimensions of a head.
public enum RoPEStyle: Sendable {
    /// Adjacent pairs `(x[2i], x[2i+1])` (llama.cpp rope type 0).
    case adjacent
    /// Split halves `(x[i], x[i + n/2])` (llama.cpp NEOX, type 2).
    case halves
}
