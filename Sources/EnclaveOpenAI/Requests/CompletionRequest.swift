// Enclave OpenAI dialect: the body of POST /v1/completions (OpenAI's legacy text completions).

/// The request of OpenAI's completions API. Decoding checks every number against its documented range
/// (``NumericRange``), naming the field when it does not fit.
///
/// `prompt` is required but may be `null`: OpenAI then completes from `<|endoftext|>`, the start of a
/// document, and so does Enclave (an empty prompt means the same).
public struct CompletionRequest: Codable, Sendable {
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
    public var logitBias: [String: JSONValue]?

    /// Creates a request (for clients).
    public init(model: String, prompt: CompletionPrompt, maxTokens: Int? = nil, temperature: Double? = nil, stream: Bool? = nil) {
        self.model = model
        self.prompt = prompt
        self.maxTokens = maxTokens
        self.temperature = temperature
        self.stream = stream
    }

    enum CodingKeys: String, CodingKey, CaseIterable {
        case model, prompt, temperature, n, stop, seed, logprobs, echo, suffix, user, stream
        case maxTokens = "max_tokens"
        case topP = "top_p"
        case presencePenalty = "presence_penalty"
        case frequencyPenalty = "frequency_penalty"
        case bestOf = "best_of"
        case streamOptions = "stream_options"
        case logitBias = "logit_bias"
    }

    /// The fields of the body that Enclave does not know (`top_k`, `repeat_penalty`, ...), kept for an upstream
    /// server (``passThroughJSON``); not encoded.
    public var unknownFields: [String: JSONValue] = [:]

    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        unknownFields = try JSONValue.unknownFields(in: decoder, known: CodingKeys.self)
        model = try container.decode(String.self, forKey: .model)
        guard container.contains(.prompt) else {
            throw DecodingError.keyNotFound(CodingKeys.prompt, .init(codingPath: container.codingPath, debugDescription: "required"))
        }
        prompt = try container.decodeNil(forKey: .prompt) ? .texts([""]) : container.decode(CompletionPrompt.self, forKey: .prompt)
        maxTokens = try container.decodeInteger(forKey: .maxTokens, in: .maxTokens)
        temperature = try container.decodeNumber(forKey: .temperature, in: .temperature)
        topP = try container.decodeNumber(forKey: .topP, in: .topP)
        n = try container.decodeInteger(forKey: .n, in: .n)
        stop = try container.decodeIfPresent(StopSequences.self, forKey: .stop)
        seed = try container.decodeInteger(forKey: .seed, in: .seed).map(Int64.init)
        presencePenalty = try container.decodeNumber(forKey: .presencePenalty, in: .penalty)
        frequencyPenalty = try container.decodeNumber(forKey: .frequencyPenalty, in: .penalty)
        logprobs = try container.decodeInteger(forKey: .logprobs, in: .completionLogprobs)
        echo = try container.decodeIfPresent(Bool.self, forKey: .echo)
        bestOf = try container.decodeInteger(forKey: .bestOf, in: .bestOf)
        suffix = try container.decodeIfPresent(String.self, forKey: .suffix)
        user = try container.decodeIfPresent(String.self, forKey: .user)
        stream = try container.decodeIfPresent(Bool.self, forKey: .stream)
        streamOptions = try container.decodeIfPresent(ChatCompletionRequest.StreamOptions.self, forKey: .streamOptions)
        logitBias = try container.decodeIfPresent([String: JSONValue].self, forKey: .logitBias)
    }
}

/// `prompt`: a string or a list of strings (token id arrays are recognised and rejected).
public enum CompletionPrompt: Codable, Sendable {
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
        } else if (try? container.decode([JSONValue].self)) != nil {
            // Token ids ([1, 2] or [[1, 2]]), whatever their magnitude.
            self = .tokens
        } else {
            throw DecodingError.typeMismatch(
                CompletionPrompt.self,
                .init(codingPath: decoder.codingPath, debugDescription: "expected a string or a list of strings")
            )
        }
    }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.singleValueContainer()
        switch self {
        case .texts(let texts) where texts.count == 1: try container.encode(texts[0])
        case .texts(let texts): try container.encode(texts)
        case .tokens: try container.encode([Int]())
        }
    }
}
