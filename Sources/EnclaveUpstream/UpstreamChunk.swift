// Enclave upstream: the parts of an upstream's answer that Enclave reads.

/// One chunk of an upstream's stream (chat or text completion), or one whole non-streamed answer: only the
/// fields that the client's answer, the limits and usage need are decoded.
struct UpstreamChunk: Decodable, Sendable {
    struct Choice: Decodable, Sendable {
        struct Delta: Decodable, Sendable {
            var content: String?
        }
        var delta: Delta?
        var message: Delta?
        var text: String?
        var finishReason: String?

        enum CodingKeys: String, CodingKey {
            case delta, message, text
            case finishReason = "finish_reason"
        }
    }

    struct Usage: Decodable, Sendable {
        var promptTokens: Int?
        var completionTokens: Int?

        enum CodingKeys: String, CodingKey {
            case promptTokens = "prompt_tokens"
            case completionTokens = "completion_tokens"
        }
    }

    var choices: [Choice]?
    var usage: Usage?

    /// The text this chunk adds.
    var text: String {
        guard let choice = choices?.first else { return "" }
        return choice.delta?.content ?? choice.message?.content ?? choice.text ?? ""
    }

    /// The finish reason, if this chunk ends the choice.
    var finishReason: String? { choices?.first?.finishReason }
}

/// An error body (`{"error": {...}}`, or `{"error": "text"}` as some servers send).
struct UpstreamErrorBody: Decodable, Sendable {
    struct Detail: Decodable, Sendable {
        var message: String?
        var type: String?
        var param: String?
        var code: String?

        enum CodingKeys: String, CodingKey { case message, type, param, code }

        init(from decoder: any Decoder) throws {
            if let text = try? decoder.singleValueContainer().decode(String.self) {
                message = text
                return
            }
            let container = try decoder.container(keyedBy: CodingKeys.self)
            message = try? container.decodeIfPresent(String.self, forKey: .message)
            type = try? container.decodeIfPresent(String.self, forKey: .type)
            param = try? container.decodeIfPresent(String.self, forKey: .param)
            code =
                (try? container.decodeIfPresent(String.self, forKey: .code))
                ?? (try? container.decodeIfPresent(Int.self, forKey: .code)).map { "\($0)" }
        }
    }
    var error: Detail?
    var detail: String?
    var message: String?
}
