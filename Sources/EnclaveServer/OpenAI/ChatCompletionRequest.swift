// Enclave server: the body of POST /v1/chat/completions, as OpenAI defines it.

/// The request of OpenAI's chat completions API. Fields Enclave does not use are ignored; fields it
/// cannot honour (tools, non-text content, `n` other than 1) are rejected with a 400 that names them.
public struct ChatCompletionRequest: Decodable, Sendable {
    /// One message of the conversation.
    public struct Message: Decodable, Sendable {
        /// `system`, `developer` (treated as `system`), `user` or `assistant`.
        public var role: String
        /// The text, as a string or as a list of parts; `nil` for an assistant message without content.
        public var content: MessageContent?
        /// A participant name (accepted, not used).
        public var name: String?
    }

    /// Options of a streamed response.
    public struct StreamOptions: Decodable, Sendable {
        /// Send a last chunk with the usage of the whole request.
        public var includeUsage: Bool?

        enum CodingKeys: String, CodingKey {
            case includeUsage = "include_usage"
        }
    }

    /// `response_format`: only `text` is supported.
    public struct ResponseFormat: Decodable, Sendable {
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
    public var logitBias: [String: Double]?

    enum CodingKeys: String, CodingKey {
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
}

/// A message's content: a string, or a list of parts of which only `text` parts are supported.
public enum MessageContent: Decodable, Sendable {
    /// Plain text.
    case text(String)
    /// Parts, each with a `type` and, for text, a `text`.
    case parts([Part])

    /// One content part.
    public struct Part: Decodable, Sendable {
        /// `text`, or another type (`image_url`, `input_audio`, ...) that Enclave rejects.
        public var type: String
        /// The text of a `text` part.
        public var text: String?
    }

    public init(from decoder: any Decoder) throws {
        let container = try decoder.singleValueContainer()
        if let text = try? container.decode(String.self) {
            self = .text(text)
        } else if let parts = try? container.decode([Part].self) {
            self = .parts(parts)
        } else {
            throw DecodingError.typeMismatch(
                MessageContent.self,
                .init(codingPath: decoder.codingPath, debugDescription: "expected a string or a list of content parts"))
        }
    }
}

/// `stop`: one string or a list of strings.
public struct StopSequences: Decodable, Sendable {
    /// The strings.
    public var values: [String]

    public init(from decoder: any Decoder) throws {
        let container = try decoder.singleValueContainer()
        if container.decodeNil() {
            values = []
        } else if let single = try? container.decode(String.self) {
            values = [single]
        } else if let list = try? container.decode([String].self) {
            values = list
        } else {
            throw DecodingError.typeMismatch(
                StopSequences.self, .init(codingPath: decoder.codingPath, debugDescription: "expected a string or a list of strings"))
        }
    }
}

/// Any JSON value, for fields whose presence matters but whose content Enclave does not read.
public enum JSONValue: Decodable, Sendable {
    case null, bool(Bool), number(Double), string(String), array([JSONValue]), object([String: JSONValue])

    public init(from decoder: any Decoder) throws {
        let container = try decoder.singleValueContainer()
        if container.decodeNil() {
            self = .null
        } else if let value = try? container.decode(Bool.self) {
            self = .bool(value)
        } else if let value = try? container.decode(Double.self) {
            self = .number(value)
        } else if let value = try? container.decode(String.self) {
            self = .string(value)
        } else if let value = try? container.decode([JSONValue].self) {
            self = .array(value)
        } else {
            self = .object(try container.decode([String: JSONValue].self))
        }
    }
}
