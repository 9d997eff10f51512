// Enclave server: OpenAI errors as HTTP responses, and the HTTP layer's errors in OpenAI's shape.

import EnclaveGuard
import EnclaveOpenAI
import Foundation
import HTTPTypes
import Hummingbird
import NIOCore

extension OpenAIError {
    /// The OpenAI error for any error thrown while handling a `/v1` request: the HTTP layer's own errors
    /// (413 from the body limit, 404/405 from the router) here, the rest through ``OpenAIError/from(_:promptParameter:)``.
    static func of(_ error: any Error) -> OpenAIError {
        switch error {
        case is NIOTooManyBytesError:
            .requestTooLarge(limit: nil)
        case let error as OpenAIError:
            error
        case let violation as GuardViolation:
            .from(violation)
        case let error as TransportError:
            .http(status: Int(error.status.code), reason: error.message).adding(error.headers)
        case let error as HTTPError:
            .http(status: Int(error.status.code), reason: error.status.reasonPhrase).adding(error.headers)
        case let error as any HTTPResponseError:
            .http(status: Int(error.status.code), reason: error.status.reasonPhrase)
        default:
            .from(error)
        }
    }

    /// The error with `fields` added to its headers (`Allow` on a 405, `Connection: close` from the transport).
    func adding(_ fields: HTTPFields) -> OpenAIError {
        var error = self
        for field in fields { error.headers[field.name.canonicalName] = field.value }
        return error
    }

    /// The error as a JSON response with its status and headers.
    func response() -> Response {
        var fields = HTTPFields()
        for (name, value) in headers {
            if let field = HTTPField.Name(name) { fields[field] = value }
        }
        fields[.contentType] = "application/json"
        return Response(status: httpStatus, headers: fields, body: .init(byteBuffer: ByteBuffer(bytes: encoded())))
    }

    /// The status with its reason phrase.
    var httpStatus: HTTPResponse.Status {
        let known: [HTTPResponse.Status] = [
            .badRequest, .unauthorized, .forbidden, .notFound, .methodNotAllowed, .requestTimeout, .contentTooLarge, .tooManyRequests,
            .internalServerError, .serviceUnavailable,
        ]
        if let status = known.first(where: { $0.code == self.status }) { return status }
        return HTTPResponse.Status(code: status, reasonPhrase: status == 499 ? "Client Closed Request" : "")
    }
}

extension HTTPFields {
    /// The response headers of an OpenAI event stream.
    static var serverSentEvents: HTTPFields {
        var fields = HTTPFields()
        for (name, value) in ServerSentEvents.headers {
            if let field = HTTPField.Name(name) { fields[field] = value }
        }
        return fields
    }
}
