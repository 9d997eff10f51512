// Enclave: a token-level generation request for the batch runner.

/// A request to continue a token sequence: the runner prefills `prompt` and samples up to
/// `maxTokens` new tokens, stopping early at an end-of-generation token.
public struct TokenRequest: Sendable {
    /// The prompt tokens (at least one).
    public var prompt: [Int32]
    /// Most new tokens to generate.
    public var maxTokens: Int
    /// How to choose tokens.
    public var sampling: SamplingParameters
    /// Tokens that end the sequence (usually the model's end-of-generation set). Empty: none.
    public var stopTokens: Set<Int32>

    public init(prompt: [Int32], maxTokens: Int, sampling: SamplingParameters, stopTokens: Set<Int32>) {
        self.prompt = prompt
        self.maxTokens = maxTokens
        self.sampling = sampling
        self.stopTokens = stopTokens
    }
}
