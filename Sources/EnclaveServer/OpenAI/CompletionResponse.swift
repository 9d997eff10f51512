// Enclave server: the responses of POST /v1/completions.

/// A text completion (`object: text_completion`), whole or as one chunk of a stream.
public struct CompletionResponse: Encodable, Sendable {
    /// One choice: one per prompt.
    public struct Choice: Encodable, Sendable {
        public var text: String
        public var index: Int
        public var logprobs: CompletionLogprobs?
        public var finishReason: String?

        enum CodingKeys: String, CodingKey {
            case text, index, logprobs
            case finishReason = "finish_reason"
        }

        public func encode(to encoder: any Encoder) throws {
            var container = encoder.container(keyedBy: CodingKeys.self)
            try container.encode(text, forKey: .text)
            try container.encode(index, forKey: .index)
            try container.encode(logprobs, forKey: .logprobs)
            try container.encode(finishReason, forKey: .finishReason)
        }
    }

    public var id: String
    public var object = "text_completion"
    public var created: Int
    public var model: String
    public var choices: [Choice]
    public var usage: Usage?
    /// Whether to write `usage` (always for whole responses; with `include_usage` for chunks).
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

/// Legacy log probabilities: parallel lists of tokens, their log probabilities, the top alternatives and
/// the tokens' character offsets in the completion text.
public struct CompletionLogprobs: Encodable, Sendable {
    public var tokens: [String] = []
    public var tokenLogprobs: [Double] = []
    public var topLogprobs: [[String: Double]] = []
    public var textOffset: [Int] = []

    enum CodingKeys: String, CodingKey {
        case tokens
        case tokenLogprobs = "token_logprobs"
        case topLogprobs = "top_logprobs"
        case textOffset = "text_offset"
    }
}
