// Enclave: what the batch runner reports for one sequence.

/// Why a sequence stopped.
public enum SequenceEndReason: String, Sendable, Hashable {
    /// An end-of-generation token or a stop string.
    case stop
    /// The token limit (or the context) was reached.
    case length
    /// The consumer went away.
    case cancelled
}

/// Token-level events of one sequence in the batch runner.
public enum TokenEvent: Sendable {
    /// The prompt has been processed; `cachedTokens` of it came from the prefix cache.
    case promptProcessed(promptTokens: Int, cachedTokens: Int)
    /// A new token.
    case token(SampledToken)
    /// The sequence ended.
    case finished(SequenceEndReason)
}
