// Enclave: text-level generation options and events.

/// Options for one generation.
public struct GenerationOptions: Sendable, Hashable {
    /// Most tokens to generate; nil means up to the context length.
    public var maxTokens: Int?
    /// How tokens are chosen.
    public var sampling: SamplingParameters
    /// Strings that end the generation; neither they nor anything after them is returned.
    public var stop: [String]

    public init(maxTokens: Int? = nil, sampling: SamplingParameters = SamplingParameters(), stop: [String] = []) {
        self.maxTokens = maxTokens
        self.sampling = sampling
        self.stop = stop
    }
}

/// A generated token as reported with log-probabilities.
public struct GeneratedToken: Sendable, Hashable {
    public let id: Int32
    /// The token's bytes as they contribute to the output text.
    public let bytes: [UInt8]
    public let logprob: Float
    /// The most likely alternatives, best first (when top log-probabilities were requested).
    public let alternatives: [Alternative]

    /// One alternative token.
    public struct Alternative: Sendable, Hashable {
        public let id: Int32
        public let bytes: [UInt8]
        public let logprob: Float
    }
}

/// Token counts of a finished generation.
public struct GenerationUsage: Sendable, Hashable {
    /// Tokens in the prompt.
    public var promptTokens: Int
    /// Prompt tokens served from the prefix cache.
    public var cachedPromptTokens: Int
    /// Tokens generated (the end-of-generation token, which adds no text, is not counted).
    public var completionTokens: Int
}

/// Events of one text generation, in order: `started`, any number of `text`, then `finished`.
public enum GenerationEvent: Sendable {
    /// The prompt was processed (the first token follows).
    case started(promptTokens: Int, cachedTokens: Int)
    /// New text, complete UTF-8, with the tokens it came from (a chunk may hold text of several
    /// tokens when a stop string was being checked, or none when a token ended mid-character).
    case text(String, tokens: [GeneratedToken])
    /// The generation ended.
    case finished(SequenceEndReason, GenerationUsage)
}
