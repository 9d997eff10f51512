// Enclave server: the responses of POST /v1/chat/completions.

/// A whole chat completion (`object: chat.completion`).
public struct ChatCompletionResponse: Encodable, Sendable {
    /// One choice (Enclave always returns exactly one).
    public struct Choice: Encodable, Sendable {
        public var index: Int
        public var message: AssistantMessage
        public var logprobs: ChatLogprobs?
        public var finishReason: String

        enum CodingKeys: String, CodingKey {
            case index, message, logprobs
            case finishReason = "finish_reason"
        }

        public func encode(to encoder: any Encoder) throws {
            var container = encoder.container(keyedBy: CodingKeys.self)
            try container.encode(index, forKey: .index)
            try container.encode(message, forKey: .message)
            try container.encode(logprobs, forKey: .logprobs)
            try container.encode(finishReason, forKey: .finishReason)
        }
    }

    /// The assistant's reply.
    public struct AssistantMessage: Encodable, Sendable {
        public var role = "assistant"
        public var content: String
    }

    public var id: String
    public var object = "chat.completion"
    public var created: Int
    public var model: String
    public var choices: [Choice]
    public var usage: Usage
}

/// One chunk of a streamed chat completion (`object: chat.completion.chunk`).
public struct ChatCompletionChunk: Encodable, Sendable {
    /// The change of the one choice.
    public struct Choice: Encodable, Sendable {
        public var index = 0
        public var delta: Delta
        public var logprobs: ChatLogprobs?
        public var finishReason: String?

        enum CodingKeys: String, CodingKey {
            case index, delta, logprobs
            case finishReason = "finish_reason"
        }

        public func encode(to encoder: any Encoder) throws {
            var container = encoder.container(keyedBy: CodingKeys.self)
            try container.encode(index, forKey: .index)
            try container.encode(delta, forKey: .delta)
            try container.encode(logprobs, forKey: .logprobs)
            try container.encode(finishReason, forKey: .finishReason)
        }
    }

    /// New text, and the role in the first chunk.
    public struct Delta: Encodable, Sendable {
        public var role: String?
        public var content: String?
    }

    public var id: String
    public var object = "chat.completion.chunk"
    public var created: Int
    public var model: String
    public var choices: [Choice]
    /// Present (as `null`, or the totals in the last chunk) only when `stream_options.include_usage` is on.
    public var usage: Usage?
    /// Whether to write `usage` at all.
    var includeUsage: Bool

    enum CodingKeys: String, CodingKey {
        case id, object, created, model, choices, usage
    }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(id, forKey: .id)
        try container.encode(object, forKey: .object)
        try container.encode(created, forKey: .created)
        try container.encode(model, forKey: .model)
        try container.encode(choices, forKey: .choices)
        if includeUsage { try container.encode(usage, forKey: .usage) }
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
