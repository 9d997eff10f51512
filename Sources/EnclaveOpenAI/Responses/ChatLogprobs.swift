// Enclave OpenAI dialect: log probabilities of a chat completion.

public import EnclaveCore

/// Chat log probabilities: `{"content": [{"token", "logprob", "bytes", "top_logprobs": [...]}], "refusal": null}`.
public struct ChatLogprobs: Codable, Sendable {
    /// One generated token.
    public struct Entry: Codable, Sendable {
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
    public struct Alternative: Codable, Sendable {
        public var token: String
        public var logprob: Double
        public var bytes: [UInt8]
    }

    @EncodedAsNull public var content: [Entry]?
    /// Always `null`: Enclave has no refusal channel (the field is required by OpenAI's description).
    @EncodedAsNull public var refusal: [Entry]?

    /// The log probabilities of generated tokens.
    public init(_ tokens: [TokenLogprob]) {
        content = tokens.map { token in
            Entry(
                token: token.token,
                logprob: token.logprob,
                bytes: token.bytes,
                topLogprobs: token.top.map { Alternative(token: $0.token, logprob: $0.logprob, bytes: $0.bytes) }
            )
        }
        refusal = nil
    }
}
