// Enclave server: Server-Sent Events framing for OpenAI streams.

import Foundation
import HTTPTypes
public import Hummingbird

/// Frames for OpenAI's streaming responses: `data: {json}\n\n` per event, ending with `data: [DONE]\n\n`.
public enum ServerSentEvents {
    /// Response headers of an event stream.
    public static var headers: HTTPFields {
        var fields = HTTPFields()
        fields[.contentType] = "text/event-stream"
        fields[.cacheControl] = "no-cache"
        if let name = HTTPField.Name("X-Accel-Buffering") { fields[name] = "no" }
        return fields
    }

    /// The frame that ends an OpenAI stream.
    public static let done = ByteBuffer(string: "data: [DONE]\n\n")

    /// One `data:` frame holding `value` as JSON.
    public static func frame(_ value: some Encodable, encoder: JSONEncoder) throws -> ByteBuffer {
        var buffer = ByteBuffer(string: "data: ")
        buffer.writeBytes(try encoder.encode(value))
        buffer.writeString("\n\n")
        return buffer
    }

    /// The frame of an error after the stream started: `data: {"error": {...}}`.
    public static func errorFrame(_ error: OpenAIError) -> ByteBuffer {
        var buffer = ByteBuffer(string: "data: ")
        var body = error.body()
        buffer.writeBuffer(&body)
        buffer.writeString("\n\n")
        return buffer
    }
}

extension JSONEncoder {
    /// The encoder of API responses.
    static func api() -> JSONEncoder {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.withoutEscapingSlashes]
        return encoder
    }
}
