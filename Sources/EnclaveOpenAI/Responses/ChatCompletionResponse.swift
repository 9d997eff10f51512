// Enclave OpenAI dialect: the responses of POST /v1/chat/completions.

/// A whole chat completion (`object: chat.completion`).
public typealias ChatCompletionResponse = CompletionEnvelope<ChatChoice>

/// One chunk of a streamed chat completion (`object: chat.completion.chunk`).
public typealias ChatCompletionChunk = CompletionEnvelope<ChatChunkChoice>

extension CompletionEnvelope where Choice == ChatChoice {
    /// A whole chat completion, with its usage.
    public init(id: String, created: Int, model: String, choices: [ChatChoice], usage: Usage) {
        self.init(id: id, object: "chat.completion", created: created, model: model, choices: choices, usage: usage, includeUsage: true)
    }
}

extension CompletionEnvelope where Choice == ChatChunkChoice {
    /// A chunk of a streamed chat completion; `usage` is written only when `includeUsage` is on (as `null`
    /// until the last chunk).
    public init(id: String, created: Int, model: String, choices: [ChatChunkChoice], usage: Usage?, includeUsage: Bool) {
        self.init(
            id: id,
            object: "chat.completion.chunk",
            created: created,
            model: model,
            choices: choices,
            usage: usage,
            includeUsage: includeUsage
        )
    }
}

/// One choice of a whole chat completion (Enclave always returns exactly one).
public struct ChatChoice: Codable, Sendable {
    /// The assistant's reply. `refusal` is always `null` (Enclave has no refusal channel) but present, as
    /// OpenAI's description requires.
    public struct AssistantMessage: Codable, Sendable {
        public var role = "assistant"
        @EncodedAsNull public var content: String?
        @EncodedAsNull public var refusal: String?

        /// A reply.
        public init(content: String?, refusal: String? = nil) {
            self.content = content
            self.refusal = refusal
        }
    }

    public var index: Int
    public var message: AssistantMessage
    @EncodedAsNull public var logprobs: ChatLogprobs?
    public var finishReason: String

    /// A choice.
    public init(index: Int, message: AssistantMessage, logprobs: ChatLogprobs?, finishReason: String) {
        self.index = index
        self.message = message
        self.logprobs = logprobs
        self.finishReason = finishReason
    }

    enum CodingKeys: String, CodingKey {
        case index, message, logprobs
        case finishReason = "finish_reason"
    }
}

/// The change of the one choice in a stream chunk.
public struct ChatChunkChoice: Codable, Sendable {
    /// New text, and the role in the first chunk.
    public struct Delta: Codable, Sendable {
        public var role: String?
        public var content: String?

        /// A delta.
        public init(role: String? = nil, content: String? = nil) {
            self.role = role
            self.content = content
        }
    }

    public var index = 0
    public var delta: Delta
    @EncodedAsNull public var logprobs: ChatLogprobs?
    @EncodedAsNull public var finishReason: String?

    /// A chunk's choice.
    public init(index: Int = 0, delta: Delta, logprobs: ChatLogprobs? = nil, finishReason: String? = nil) {
        self.index = index
        self.delta = delta
        self.logprobs = logprobs
        self.finishReason = finishReason
    }

    enum CodingKeys: String, CodingKey {
        case index, delta, logprobs
        case finishReason = "finish_reason"
    }
}
