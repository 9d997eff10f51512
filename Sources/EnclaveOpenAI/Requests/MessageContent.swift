// Enclave OpenAI dialect: the content of a chat message.

/// A message's content: a string, or a list of parts of which only `text` parts are supported.
public enum MessageContent: Codable, Sendable {
    /// Plain text.
    case text(String)
    /// Parts, each with a `type` and, for text, a `text`.
    case parts([Part])

    /// One content part.
    public struct Part: Codable, Sendable {
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
                .init(codingPath: decoder.codingPath, debugDescription: "expected a string or a list of content parts")
            )
        }
    }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.singleValueContainer()
        switch self {
        case .text(let text): try container.encode(text)
        case .parts(let parts): try container.encode(parts)
        }
    }
}
