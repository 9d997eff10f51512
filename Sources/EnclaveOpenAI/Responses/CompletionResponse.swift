// Enclave OpenAI dialect: the responses of POST /v1/completions.

public import EnclaveCore

/// A text completion (`object: text_completion`), whole or as one chunk of a stream.
public typealias CompletionResponse = CompletionEnvelope<CompletionChoice>

extension CompletionEnvelope where Choice == CompletionChoice {
    /// A text completion; `usage` is written only when `includeUsage` is on (always for whole responses,
    /// with `stream_options.include_usage` for chunks).
    public init(id: String, created: Int, model: String, choices: [CompletionChoice], usage: Usage?, includeUsage: Bool) {
        self.init(
            id: id,
            object: "text_completion",
            created: created,
            model: model,
            choices: choices,
            usage: usage,
            includeUsage: includeUsage
        )
    }
}

/// One choice of a text completion: one per prompt.
public struct CompletionChoice: Codable, Sendable {
    public var text: String
    public var index: Int
    @EncodedAsNull public var logprobs: CompletionLogprobs?
    @EncodedAsNull public var finishReason: String?

    /// A choice.
    public init(text: String, index: Int, logprobs: CompletionLogprobs?, finishReason: String?) {
        self.text = text
        self.index = index
        self.logprobs = logprobs
        self.finishReason = finishReason
    }

    enum CodingKeys: String, CodingKey {
        case text, index, logprobs
        case finishReason = "finish_reason"
    }
}

/// Legacy log probabilities: parallel lists of tokens, their log probabilities, the top alternatives and
/// the tokens' character offsets in the completion text.
public struct CompletionLogprobs: Codable, Sendable {
    public var tokens: [String] = []
    public var tokenLogprobs: [Double] = []
    public var topLogprobs: [[String: Double]] = []
    public var textOffset: [Int] = []

    /// Empty log probabilities.
    public init() {}

    enum CodingKeys: String, CodingKey {
        case tokens
        case tokenLogprobs = "token_logprobs"
        case topLogprobs = "top_logprobs"
        case textOffset = "text_offset"
    }

    /// Appends tokens whose text starts at character `offset` of the completion.
    public mutating func append(_ tokens: [TokenLogprob], at offset: Int) {
        var position = offset
        for token in tokens {
            self.tokens.append(token.token)
            tokenLogprobs.append(token.logprob)
            var top: [String: Double] = [:]
            for alternative in token.top where top[alternative.token] == nil {
                top[alternative.token] = alternative.logprob
            }
            topLogprobs.append(top)
            textOffset.append(position)
            position += token.token.count
        }
    }
}
