// Enclave: log probabilities reported for generated tokens.

/// The log probability of one generated token and, when asked for, of the most likely alternatives.
public struct TokenLogprob: Sendable, Hashable {
    /// The token's text (may be a partial UTF-8 sequence rendered lossily).
    public var token: String
    /// The token's exact bytes.
    public var bytes: [UInt8]
    /// Natural log of the token's probability.
    public var logprob: Double
    /// The most likely tokens at this position, most likely first.
    public var top: [TopLogprob]

    /// Creates a token log probability.
    public init(token: String, bytes: [UInt8], logprob: Double, top: [TopLogprob] = []) {
        self.token = token
        self.bytes = bytes
        self.logprob = logprob
        self.top = top
    }
}

/// One of the most likely tokens at a position.
public struct TopLogprob: Sendable, Hashable {
    /// The token's text.
    public var token: String
    /// The token's exact bytes.
    public var bytes: [UInt8]
    /// Natural log of the token's probability.
    public var logprob: Double

    /// Creates an alternative.
    public init(token: String, bytes: [UInt8], logprob: Double) {
        self.token = token
        self.bytes = bytes
        self.logprob = logprob
    }
}
