// Enclave: the result of sampling one token.

/// A token id with its log-probability.
public struct ScoredToken: Sendable, Hashable {
    /// The token id.
    public let id: Int32
    /// The natural log of its probability under the model's unmodified distribution.
    public let logprob: Float

    /// Creates a pair.
    public init(id: Int32, logprob: Float) {
        self.id = id
        self.logprob = logprob
    }
}

/// The token a ``Sampler`` chose, with log-probabilities for reporting (OpenAI `logprobs`).
///
/// Log-probabilities are taken from the log-softmax of the *raw* logits the model produced, before penalties,
/// truncation and temperature, which is what OpenAI-compatible servers report: they describe the model, not the
/// sampling settings. A token that penalties or top-k removed still has its raw log-probability.
public struct SampledToken: Sendable, Hashable {
    /// The chosen token id.
    public let id: Int32
    /// The chosen token's log-probability under the raw distribution.
    public let logprob: Float
    /// The most likely tokens under the raw distribution, best first (ties: lower id first), as many as
    /// ``SamplingParameters/topLogprobs`` asks for; empty when it is 0.
    public let topLogprobs: [ScoredToken]
}
