// Enclave OpenAI dialect: the body of POST /v1/chat/completions.

/// The request of OpenAI's chat completions API, for decoding (the server) and encoding (clients).
///
/// Decoding checks every number against its documented range (``NumericRange``) and names the field when
/// it does not fit. Fields Enclave does not use are ignored; fields it cannot honour (tools, non-text
/// content, `n` other than 1) are refused by ``inferenceRequest(id:principal:limits:)`` with a 400 naming them.
public struct ChatCompletionRequest: Codable, Sendable {
    /// One message of the conversation.
    public struct Message: Codable, Sendable {
        /// `system`, `developer` (treated as `system`), `user` or `assistant`.
        public var role: String
        /// The text, as a string or as a list of parts; `nil` for an assistant message without content.
        public var content: MessageContent?
        /// A participant name (accepted, not used).
        public var name: String?

        /// Creates a message.
        public init(role: String, content: MessageContent?, name: String? = nil) {
            self.role = role
            self.content = content
            self.name = name
        }
    }

    /// Options of a streamed response.
    public struct StreamOptions: Codable, Sendable {
        /// Send a last chunk with the usage of the whole request.
        public var includeUsage: Bool?

        /// Creates stream options.
        public init(includeUsage: Bool? = nil) {
            self.includeUsage = includeUsage
        }

        enum CodingKeys: String, CodingKey {
            case includeUsage = "include_usage"
        }
    }

    /// `response_format`: only `text` is supported.
    public struct ResponseFormat: Codable, Sendable {
        /// `text`, `json_object` or `json_schema`.
        public var type: String
    }

    public var model: String
    public var messages: [Message]
    public var temperature: Double?
    public var topP: Double?
    public var maxTokens: Int?
    public var maxCompletionTokens: Int?
    public var stop: StopSequences?
    public var seed: Int64?
    public var presencePenalty: Double?
    public var frequencyPenalty: Double?
    public var n: Int?
    public var logprobs: Bool?
    public var topLogprobs: Int?
    public var user: String?
    public var stream: Bool?
    public var streamOptions: StreamOptions?
    public var tools: [JSONValue]?
    public var functions: [JSONValue]?
    public var responseFormat: ResponseFormat?
    public var logitBias: [String: JSONValue]?

    /// Creates a request (for clients); every optional parameter is left out unless given.
    public init(
        model: String,
        messages: [Message],
        temperature: Double? = nil,
        topP: Double? = nil,
        maxTokens: Int? = nil,
        maxCompletionTokens: Int? = nil,
        stop: [String]? = nil,
        seed: Int64? = nil,
        stream: Bool? = nil,
        streamOptions: StreamOptions? = nil
    ) {
        self.model = model
        self.messages = messages
        self.temperature = temperature
        self.topP = topP
        self.maxTokens = maxTokens
        self.maxCompletionTokens = maxCompletionTokens
        self.stop = stop.map(StopSequences.init(values:))
        self.seed = seed
        self.stream = stream
        self.streamOptions = streamOptions
    }

    enum CodingKeys: String, CodingKey, CaseIterable {
        case model, messages, temperature, stop, seed, n, logprobs, user, stream, tools, functions
        case topP = "top_p"
        case maxTokens = "max_tokens"
        case maxCompletionTokens = "max_completion_tokens"
        case presencePenalty = "presence_penalty"
        case frequencyPenalty = "frequency_penalty"
        case topLogprobs = "top_logprobs"
        case streamOptions = "stream_options"
        case responseFormat = "response_format"
        case logitBias = "logit_bias"
    }

    /// The fields of the body that Enclave does not know (`top_k`, `repeat_penalty`, ...), kept for an upstream
    /// server (``passThroughJSON``); not encoded.
    public var unknownFields: [String: JSONValue] = [:]

    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        unknownFields = try JSONValue.unknownFields(in: decoder, known: CodingKeys.self)
        model = try container.decode(String.self, forKey: .model)
        messages = try container.decode([Message].self, forKey: .messages)
        temperature = try container.decodeNumber(forKey: .temperature, in: .temperature)
        topP = try container.decodeNumber(forKey: .topP, in: .topP)
        maxTokens = try container.decodeInteger(forKey: .maxTokens, in: .maxTokens)
        maxCompletionTokens = try container.decodeInteger(forKey: .maxCompletionTokens, in: .maxTokens)
        stop = try container.decodeIfPresent(StopSequences.self, forKey: .stop)
        seed = try container.decodeInteger(forKey: .seed, in: .seed).map(Int64.init)
        presencePenalty = try container.decodeNumber(forKey: .presencePenalty, in: .penalty)
        frequencyPenalty = try container.decodeNumber(forKey: .frequencyPenalty, in: .penalty)
        n = try container.decodeInteger(forKey: .n, in: .n)
        logprobs = try container.decodeIfPresent(Bool.self, forKey: .logprobs)
        topLogprobs = try container.decodeInteger(forKey: .topLogprobs, in: .topLogprobs)
        user = try container.decodeIfPresent(String.self, forKey: .user)
        stream = try container.decodeIfPresent(Bool.self, forKey: .stream)
        streamOptions = try container.decodeIfPresent(StreamOptions.self, forKey: .streamOptions)
        tools = try container.decodeIfPresent([JSONValue].self, forKey: .tools)
        functions = try container.decodeIfPresent([JSONValue].self, forKey: .functions)
        responseFormat = try container.decodeIfPresent(ResponseFormat.self, forKey: .responseFormat)
        logitBias = try container.decodeIfPresent([String: JSONValue].self, forKey: .logitBias)
    }
}
