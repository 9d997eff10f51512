// Enclave server: reading and decoding API request bodies, with OpenAI-shaped errors.

import Foundation
import Hummingbird
import NIOCore

/// Reads a request body up to the configured limit and decodes it as JSON. A body over the limit is a 413;
/// malformed JSON, invalid UTF-8 or a field of the wrong type is a 400 (naming the parameter where there is one).
struct APIRequestDecoder {
    /// The largest body accepted, in bytes.
    let maxBodyBytes: Int

    /// The decoded body. The request's body is collected (kept for a later `consumeWithCancellationOnInboundClose`).
    func decode<Value: Decodable>(_ type: Value.Type, from request: inout Request) async throws -> Value {
        if let length = request.headers[.contentLength].flatMap(Int.init), length > maxBodyBytes {
            throw tooLarge()
        }
        let buffer: ByteBuffer
        do {
            buffer = try await request.collectBody(upTo: maxBodyBytes)
        } catch is NIOTooManyBytesError {
            throw tooLarge()
        }
        guard buffer.readableBytes > 0 else {
            throw OpenAIError.invalidRequest("The request body is empty; send a JSON object.", param: nil)
        }
        // JSON is UTF-8: say so plainly rather than through a decoding error about some field's type.
        guard String(validating: buffer.readableBytesView, as: UTF8.self) != nil else {
            throw OpenAIError.invalidRequest("The request body is not valid UTF-8.", param: nil)
        }
        do {
            return try JSONDecoder().decode(Value.self, from: Data(buffer.readableBytesView))
        } catch let error as DecodingError {
            throw Self.describe(error)
        }
    }

    private func tooLarge() -> OpenAIError {
        OpenAIError(
            status: .contentTooLarge, message: "The request body is larger than this server's limit of \(maxBodyBytes) bytes.",
            type: "invalid_request_error", code: "request_too_large")
    }

    /// A 400 naming the field at fault.
    static func describe(_ error: DecodingError) -> OpenAIError {
        switch error {
        case .keyNotFound(let key, let context):
            let path = parameterPath(context.codingPath + [key])
            return .invalidRequest("Missing required parameter: '\(path)'.", param: path)
        case .typeMismatch(_, let context), .valueNotFound(_, let context):
            let path = parameterPath(context.codingPath)
            if path.isEmpty {
                return .invalidRequest("The request body must be a JSON object.", param: nil)
            }
            let detail = context.debugDescription.isEmpty ? "" : " (\(context.debugDescription))"
            return .invalidRequest("Invalid type for '\(path)'\(detail).", param: path)
        case .dataCorrupted(let context):
            let path = parameterPath(context.codingPath)
            if path.isEmpty {
                return .invalidRequest("The request body is not valid JSON.", param: nil)
            }
            return .invalidRequest("Invalid value for '\(path)': \(context.debugDescription)", param: path)
        @unknown default:
            return .invalidRequest("The request body could not be decoded.", param: nil)
        }
    }

    /// `messages[0].content` for the path [messages, 0, content].
    static func parameterPath(_ path: [any CodingKey]) -> String {
        var text = ""
        for key in path {
            if let index = key.intValue {
                text += "[\(index)]"
            } else {
                text += text.isEmpty ? key.stringValue : ".\(key.stringValue)"
            }
        }
        return text
    }
}
