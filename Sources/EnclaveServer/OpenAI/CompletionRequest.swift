// Enclave server: the body of POST /v1/completions (OpenAI's legacy text completions).

/// The request of OpenAI's completions API.
public struct CompletionRequest: Decodable, Sendable {
    public var model: String
    public var prompt: CompletionPrompt
    public var maxTokens: Int?
    public var temperature: Double?
    public var topP: Double?
    public var n: Int?
    public var stop: StopSequences?
    public var seed: Int64?
    public var presencePenalty: Double?
    public var frequencyPenalty: Double?
    /// How many top alternatives to report per token (0...5); `nil`: no log probabilities.
    public var logprobs: Int?
    public var echo: Bool?
    public var bestOf: Int?
    public var suffix: String?
    public var user: String?
    public var stream: Bool?
    public var streamOptions: ChatCompletionRequest.StreamOptions?
    public var logitBias: [String: Double]?

    enum CodingKeys: String, CodingKey {
        case model, prompt, temperature, n, stop, seed, logprobs, echo, suffix, user, stream
        case maxTokens = "max_tokens"
        case topP = "top_p"
        case presencePenalty = "presence_penalty"
        case frequencyPenalty = "frequency_penalty"
        case bestOf = "best_of"
        case streamOptions = "stream_options"
        case logitBias = "logit_bias"
    }
}

/// `prompt`: a string or a list of strings (token id arrays are recognised and rejected).
public enum CompletionPrompt: Decodable, Sendable {
    /// One or more text prompts.
    case texts([String])
    /// Token ids, which Enclave does not accept.
    case tokens

    public init(from decoder: any Decoder) throws {
        let container = try decoder.singleValueContainer()
        if let single = try? container.decode(String.self) {
            self = .texts([single])
        } else if let list = try? container.decode([String].self) {
            self = .texts(list)
        } else if (try? container.decode([Int].self)) != nil || (try? container.decode([[Int]].self)) != nil {
            self = .tokens
        } else {
            throw DecodingError.typeMismatch(
                CompletionPrompt.self, .init(codingPath: decoder.codingPath, debugDescription: "expected a string or a list of strings"))
        }
    }
}
