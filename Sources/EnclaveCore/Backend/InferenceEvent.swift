// Enclave: what a generation stream yields.

/// Why a generation ended.
public enum FinishReason: String, Sendable {
    /// The model produced an end-of-generation token or a stop string matched.
    case stop
    /// The token limit (the request's or the context's) was reached.
    case length
    /// An output guardrail ended the answer (a blocked detector or a system-prompt leak); what was sent
    /// before is safe to keep.
    case contentFilter = "content_filter"
}

/// Token counts of one generation.
public struct InferenceUsage: Sendable, Hashable {
    /// Tokens in the prompt, after the chat template.
    public var promptTokens: Int
    /// Tokens generated.
    public var completionTokens: Int

    /// Creates a usage record.
    public init(promptTokens: Int, completionTokens: Int) {
        self.promptTokens = promptTokens
        self.completionTokens = completionTokens
    }

    /// Prompt and completion tokens together.
    public var totalTokens: Int { promptTokens + completionTokens }
}

/// One event of a generation stream: text as it is produced, then exactly one `finished`.
public enum InferenceEvent: Sendable {
    /// New text (possibly empty while a multi-byte character or a possible stop string is held back),
    /// with the log probabilities of the tokens that produced it when they were asked for.
    case delta(text: String, logprobs: [TokenLogprob])
    /// The generation ended; no event follows.
    case finished(FinishReason, InferenceUsage)
}
