// Enclave OpenAI dialect: errors in OpenAI's shape.

public import Foundation

/// An error response in OpenAI's shape, `{"error":{"message","type","param","code"}}`, with its HTTP status
/// and any extra headers (`Retry-After`, `WWW-Authenticate`). The server renders it on the `/v1` routes;
/// a client decodes it from an error body with ``OpenAIError/decode(_:status:)``.
///
/// ```swift
/// throw OpenAIError.invalidRequest("Invalid 'temperature': must be a number from 0 to 2, got 3.", param: "temperature")
/// ```
public struct OpenAIError: Error, Sendable, Hashable, CustomStringConvertible {
    /// The HTTP status code.
    public var status: Int
    /// What went wrong, for a person.
    public var message: String
    /// OpenAI's error type: `invalid_request_error`, `rate_limit_error`, `server_error`, ...
    public var type: String
    /// The request parameter at fault, if any.
    public var param: String?
    /// A machine-readable code (`invalid_api_key`, `model_not_found`, `context_length_exceeded`, ...).
    public var code: String?
    /// Extra response headers, by name.
    public var headers: [String: String]

    /// Creates an error.
    public init(status: Int, message: String, type: String, param: String? = nil, code: String? = nil, headers: [String: String] = [:]) {
        self.status = status
        self.message = message
        self.type = type
        self.param = param
        self.code = code
        self.headers = headers
    }

    public var description: String { "\(status) \(type)\(code.map { " (\($0))" } ?? ""): \(message)" }

    /// The body's `error` object.
    public var body: OpenAIErrorBody { OpenAIErrorBody(message: message, type: type, param: param, code: code) }

    /// The JSON body, `{"error":{...}}`, with `param` and `code` written as `null` when absent (as OpenAI does).
    public func encoded() -> Data {
        (try? JSONEncoder().encode(OpenAIErrorEnvelope(error: body)))
            ?? Data(#"{"error":{"message":"error","type":"server_error","param":null,"code":null}}"#.utf8)
    }

    /// The error in an error response's body, or `nil` if the body is not in OpenAI's shape.
    public static func decode(_ data: Data, status: Int) -> OpenAIError? {
        guard let envelope = try? JSONDecoder().decode(OpenAIErrorEnvelope.self, from: data) else { return nil }
        let body = envelope.error
        return OpenAIError(status: status, message: body.message, type: body.type ?? "", param: body.param, code: body.code)
    }
}

/// `{"error": {...}}`.
public struct OpenAIErrorEnvelope: Codable, Sendable, Hashable {
    /// The error object.
    public var error: OpenAIErrorBody

    /// Wraps an error object.
    public init(error: OpenAIErrorBody) {
        self.error = error
    }
}

/// The `error` object of an OpenAI error body. Decoding is lenient, as servers that speak the dialect
/// differ: `type` may be missing and `code` may be a number.
public struct OpenAIErrorBody: Codable, Sendable, Hashable {
    /// What went wrong.
    public var message: String
    /// The error type.
    public var type: String?
    /// The parameter at fault.
    public var param: String?
    /// The machine-readable code.
    public var code: String?

    /// Creates an error object.
    public init(message: String, type: String?, param: String?, code: String?) {
        self.message = message
        self.type = type
        self.param = param
        self.code = code
    }

    enum CodingKeys: String, CodingKey { case message, type, param, code }

    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        message = try container.decode(String.self, forKey: .message)
        type = try? container.decodeIfPresent(String.self, forKey: .type)
        param = try? container.decodeIfPresent(String.self, forKey: .param)
        if let text = try? container.decodeIfPresent(String.self, forKey: .code) {
            code = text
        } else if let number = try? container.decodeIfPresent(Int.self, forKey: .code) {
            code = String(number)
        } else {
            code = nil
        }
    }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(message, forKey: .message)
        try container.encode(type ?? "server_error", forKey: .type)
        try container.encode(param, forKey: .param)  // null, as OpenAI sends it
        try container.encode(code, forKey: .code)
    }
}
