// Enclave OpenAI dialect: Server-Sent Events framing of OpenAI streams.

public import Foundation

/// Frames of OpenAI's streaming responses: `data: {json}\n\n` per event, ending with `data: [DONE]\n\n`.
/// An error after the stream started is a last `data: {"error": {...}}` frame.
public enum ServerSentEvents {
    /// Response headers of an event stream, by name.
    public static let headers: [(name: String, value: String)] = [
        ("Content-Type", "text/event-stream"), ("Cache-Control", "no-cache"), ("X-Accel-Buffering", "no"),
    ]

    /// The payload of the frame that ends an OpenAI stream.
    public static let donePayload = "[DONE]"

    /// The frame that ends an OpenAI stream.
    public static let done = Data("data: [DONE]\n\n".utf8)

    /// One `data:` frame holding `value` as JSON.
    public static func frame(_ value: some Encodable, encoder: JSONEncoder) throws -> Data {
        var data = Data("data: ".utf8)
        data.append(try encoder.encode(value))
        data.append(contentsOf: Array("\n\n".utf8))
        return data
    }

    /// The frame of an error after the stream started: `data: {"error": {...}}`.
    public static func errorFrame(_ error: OpenAIError) -> Data {
        var data = Data("data: ".utf8)
        data.append(error.encoded())
        data.append(contentsOf: Array("\n\n".utf8))
        return data
    }
}

extension JSONEncoder {
    /// The encoder of OpenAI API bodies.
    public static func openAI() -> JSONEncoder {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.withoutEscapingSlashes]
        return encoder
    }
}
