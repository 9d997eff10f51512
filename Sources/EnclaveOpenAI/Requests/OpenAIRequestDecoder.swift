// Enclave OpenAI dialect: decoding request bodies, with OpenAI-shaped errors.

public import Foundation

/// Decodes a request body as JSON. An empty body, invalid UTF-8, malformed JSON, a field of the wrong
/// type or a number out of its range is a 400 ``OpenAIError`` naming the parameter where there is one.
///
/// ```swift
/// let body = try OpenAIRequestDecoder.decode(ChatCompletionRequest.self, from: data)
/// ```
public enum OpenAIRequestDecoder {
    /// The decoded body.
    /// - Throws: ``OpenAIError`` (400).
    public static func decode<Value: Decodable>(_ type: Value.Type, from data: Data) throws(OpenAIError) -> Value {
        guard !data.isEmpty else {
            throw OpenAIError.invalidRequest("The request body is empty; send a JSON object.", param: nil)
        }
        // JSON is UTF-8: say so plainly rather than through a decoding error about some field's type.
        guard String(validating: data, as: UTF8.self) != nil else {
            throw OpenAIError.invalidRequest("The request body is not valid UTF-8.", param: nil)
        }
        do {
            return try JSONDecoder().decode(Value.self, from: data)
        } catch let error as DecodingError {
            throw describe(error)
        } catch {
            throw OpenAIError.invalidRequest("The request body is not valid JSON.", param: nil)
        }
    }

    /// A 400 naming the field at fault.
    public static func describe(_ error: DecodingError) -> OpenAIError {
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
            return .invalidRequest("Invalid '\(path)': \(context.debugDescription).", param: path, code: "invalid_value")
        @unknown default:
            return .invalidRequest("The request body could not be decoded.", param: nil)
        }
    }

    /// `messages[0].content` for the path [messages, 0, content]; a dictionary key that looks like a number
    /// stays a key (`logit_bias.42`).
    public static func parameterPath(_ path: [any CodingKey]) -> String {
        var text = ""
        for key in path {
            // Array positions are keys named "Index N"; a dictionary's "42" also has an integer value.
            if let index = key.intValue, key.stringValue != String(index) {
                text += "[\(index)]"
            } else {
                text += text.isEmpty ? key.stringValue : ".\(key.stringValue)"
            }
        }
        return text
    }
}
