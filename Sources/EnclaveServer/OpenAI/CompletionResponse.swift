// Enclave server: the responses of POST /v1/completions.

/// A text completion (`object: text_completion`), whole or as one chunk of a stream.
public typealias CompletionResponse = CompletionEnvelope<CompletionChoice>

extension CompletionEnvelope where Choice == CompletionChoice {
    /// A text completion; `usage` is written only when `includeUsage` is on (always for whole responses,
    /// with `stream_options.include_usage` for chunks).
    init(id: String, created: Int, model: String, choices: [CompletionChoice], usage: Usage?, includeUsage: Bool) {
        self.init(
            id: id, object: "text_completion", created: created, model: model, choices: choices, usage: usage,
            includeUsage: includeUsage)
    }
}

/// One choice of a text completion: one per prompt.
public struct CompletionChoice: Encodable, Sendable {
    public var text: String
    public var index: Int
    @EncodedAsNull public var logprobs: CompletionLogprobs?
    @EncodedAsNull public var finishReason: String?

    enum CodingKeys: String, CodingKey {
        case text, index, logprobs
        case finishReason = "finish_reason"
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
