// Enclave server: the responses of POST /v1/chat/completions.

/// A whole chat completion (`object: chat.completion`).
public typealias ChatCompletionResponse = CompletionEnvelope<ChatChoice>

/// One chunk of a streamed chat completion (`object: chat.completion.chunk`).
public typealias ChatCompletionChunk = CompletionEnvelope<ChatChunkChoice>

extension CompletionEnvelope where Choice == ChatChoice {
    /// A whole chat completion, with its usage.
    init(id: String, created: Int, model: String, choices: [ChatChoice], usage: Usage) {
        self.init(id: id, object: "chat.completion", created: created, model: model, choices: choices, usage: usage, includeUsage: true)
    }
}

extension CompletionEnvelope where Choice == ChatChunkChoice {
    /// A chunk of a streamed chat completion; `usage` is written only when `includeUsage` is on (as `null`
    /// until the last chunk).
    init(id: String, created: Int, model: String, choices: [ChatChunkChoice], usage: Usage?, includeUsage: Bool) {
        self.init(
            id: id, object: "chat.completion.chunk", created: created, model: model, choices: choices, usage: usage,
            includeUsage: includeUsage)
    }
}

/// The one choice of a whole chat completion (Enclave always returns exactly one).
public struct ChatChoice: Encodable, Sendable {
    /// The assistant's reply.
    public struct AssistantMessage: Encodable, Sendable {
        public var role = "assistant"
        public var content: String
    }

    public var index: Int
    public var message: AssistantMessage
    @EncodedAsNull public var logprobs: ChatLogprobs?
    public var finishReason: String

    enum CodingKeys: String, CodingKey {
        case index, message, logprobs
        case finishReason = "finish_reason"
    }
}

/// The change of the one choice in a stream chunk.
public struct ChatChunkChoice: Encodable, Sendable {
    /// New text, and the role in the first chunk.
    public struct Delta: Encodable, Sendable {
        public var role: String?
        public var content: String?
    }

    public var index = 0
    public var delta: Delta
    @EncodedAsNull public var logprobs: ChatLogprobs?
    @EncodedAsNull public var finishReason: String?

    enum CodingKeys: String, CodingKey {
        case index, delta, logprobs
        case finishReason = "finish_reason"
    }
}

/// Token counts (`usage`).
public struct Usage: Encodable, Sendable, Hashable {
    public var promptTokens: Int
    public var completionTokens: Int
    public var totalTokens: Int

    /// Usage of prompt and completion tokens.
    public init(promptTokens: Int, completionTokens: Int) {
        self.promptTokens = promptTokens
        self.completionTokens = completionTokens
        self.totalTokens = promptTokens + completionTokens
    }

    enum CodingKeys: String, CodingKey {
        case promptTokens = "prompt_tokens"
        case completionTokens = "completion_tokens"
        case totalTokens = "total_tokens"
    }
}

/// Chat log probabilities: `{"content": [{"token", "logprob", "bytes", "top_logprobs": [...]}]}`.
public struct ChatLogprobs: Encodable, Sendable {
    /// One generated token.
    public struct Entry: Encodable, Sendable {
        public var token: String
        public var logprob: Double
        public var bytes: [UInt8]
        public var topLogprobs: [Alternative]

        enum CodingKeys: String, CodingKey {
            case token, logprob, bytes
            case topLogprobs = "top_logprobs"
        }
    }

    /// One likely alternative.
    public struct Alternative: Encodable, Sendable {
        public var token: String
        public var logprob: Double
        public var bytes: [UInt8]
    }

    public var content: [Entry]
}
