// Enclave: sampling and output parameters of one inference.

/// How to sample and what to report, after the API layer validated the values.
///
/// `nil` means "the backend's default" for the optional samplers. Stop strings are matched by the backend
/// on the generated text; the matched stop string is not part of the output.
public struct InferenceParameters: Sendable, Hashable {
    /// The most tokens to generate; `nil` means up to the context limit.
    public var maxTokens: Int?
    /// Sampling temperature, 0...2; 0 is greedy. `nil`: the backend's default.
    public var temperature: Double?
    /// Nucleus sampling mass, (0, 1]. `nil`: the backend's default.
    public var topP: Double?
    /// Seed of the sampler's random generator: the same seed and inputs give the same text.
    public var seed: UInt64?
    /// Generation stops before any of these strings (at most 4, none empty).
    public var stop: [String]
    /// OpenAI's presence penalty, -2...2.
    public var presencePenalty: Double
    /// OpenAI's frequency penalty, -2...2.
    public var frequencyPenalty: Double
    /// Whether to report the log probability of each generated token.
    public var logprobs: Bool
    /// How many of the most likely alternatives to report per token (0...20), when `logprobs` is on.
    public var topLogprobs: Int

    /// Creates parameters; every argument has the API's default.
    public init(
        maxTokens: Int? = nil,
        temperature: Double? = nil,
        topP: Double? = nil,
        seed: UInt64? = nil,
        stop: [String] = [],
        presencePenalty: Double = 0,
        frequencyPenalty: Double = 0,
        logprobs: Bool = false,
        topLogprobs: Int = 0
    ) {
        self.maxTokens = maxTokens
        self.temperature = temperature
        self.topP = topP
        self.seed = seed
        self.stop = stop
        self.presencePenalty = presencePenalty
        self.frequencyPenalty = frequencyPenalty
        self.logprobs = logprobs
        self.topLogprobs = topLogprobs
    }
}
