// Enclave server: errors in OpenAI's shape.

import Foundation
public import Hummingbird

/// An error response in OpenAI's shape, `{"error":{"message","type","param","code"}}`, with its HTTP status
/// and any extra headers (`Retry-After`, `WWW-Authenticate`).
///
/// ```swift
/// throw OpenAIError.invalidParameter("temperature", "must be between 0 and 2")
/// ```
public struct OpenAIError: HTTPResponseError, Sendable, CustomStringConvertible {
    /// The HTTP status.
    public var status: HTTPResponse.Status
    /// What went wrong, for a person.
    public var message: String
    /// OpenAI's error type: `invalid_request_error`, `authentication_error`, `rate_limit_error`, `server_error`.
    public var type: String
    /// The request parameter at fault, if any.
    public var param: String?
    /// A machine-readable code (`invalid_api_key`, `model_not_found`, `context_length_exceeded`, ...).
    public var code: String?
    /// Extra response headers.
    public var headers: HTTPFields

    /// Creates an error.
    public init(
        status: HTTPResponse.Status, message: String, type: String, param: String? = nil, code: String? = nil,
        headers: HTTPFields = [:]
    ) {
        self.status = status
        self.message = message
        self.type = type
        self.param = param
        self.code = code
        self.headers = headers
    }

    public var description: String { "\(status.code) \(type)\(code.map { " (\($0))" } ?? ""): \(message)" }

    /// The JSON body, `{"error":{...}}`.
    public func body() -> ByteBuffer {
        let envelope = Envelope(error: .init(message: message, type: type, param: param, code: code))
        let data = (try? JSONEncoder().encode(envelope)) ?? Data(#"{"error":{"message":"error","type":"server_error"}}"#.utf8)
        return ByteBuffer(bytes: data)
    }

    public func response(from request: Request, context: some RequestContext) throws -> Response {
        var fields = headers
        fields[.contentType] = "application/json"
        return Response(status: status, headers: fields, body: .init(byteBuffer: body()))
    }

    struct Envelope: Encodable {
        struct Body: Encodable {
            var message: String
            var type: String
            var param: String?
            var code: String?

            func encode(to encoder: any Encoder) throws {
                var container = encoder.container(keyedBy: CodingKeys.self)
                try container.encode(message, forKey: .message)
                try container.encode(type, forKey: .type)
                try container.encode(param, forKey: .param)  // null, as OpenAI sends it
                try container.encode(code, forKey: .code)
            }

            enum CodingKeys: String, CodingKey { case message, type, param, code }
        }
        var error: Body
    }
}
