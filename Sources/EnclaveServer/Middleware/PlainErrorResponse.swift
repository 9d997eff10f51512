// Enclave server: errors of the routes outside any API dialect.

import EnclaveCore
import EnclaveOpenAI
import Foundation
import HTTPTypes
import Hummingbird
import NIOCore

/// The error body of routes that belong to no API dialect (`/healthz`, `/readyz`, `/metrics`, unknown
/// paths outside `/v1`): `{"error":{"message":"...","code":"..."}}`. The `/v1` routes answer in OpenAI's
/// shape instead (``OpenAIErrorMiddleware``).
struct PlainErrorResponse: Sendable {
    var status: HTTPResponse.Status
    var message: String
    var code: String
    var headers: HTTPFields = [:]

    /// The plain error for `error`; anything unknown is a 500 without details.
    init(_ error: any Error) {
        switch error {
        case let failure as KeyAuthenticator.Failure:
            status = .unauthorized
            message =
                switch failure {
                case .missing: "An API key is required: send 'Authorization: Bearer <key>'."
                case .expired: "The API key has expired."
                case .disabled: "The account of this API key is disabled."
                default: "The API key is not valid."
                }
            code = failure == .missing ? "missing_api_key" : "invalid_api_key"
            headers = [.wwwAuthenticate: #"Bearer realm="enclave""#]
        case let error as SessionError:
            let openAI = OpenAIError.from(error)
            status = openAI.httpStatus
            message = openAI.message
            code = openAI.code ?? "invalid_session"
            for (name, value) in openAI.headers {
                if let field = HTTPField.Name(name) { headers[field] = value }
            }
        case let error as AuthorizationError:
            status = .forbidden
            message =
                "You have insufficient permissions for this operation. Missing scope: \(error.requiredScope). "
                + "Use an admin key or one created with `enclave keys create --scope \(error.requiredScope)`."
            code = "insufficient_permissions"
        case is KeyStoreError:
            status = .serviceUnavailable
            message = "The key store is unavailable; retry shortly."
            code = "store_unavailable"
        case is NIOTooManyBytesError:
            status = .contentTooLarge
            message = "The request body is too large."
            code = "request_too_large"
        case is CancellationError:
            status = HTTPResponse.Status(code: 499, reasonPhrase: "Client Closed Request")
            message = "The request was cancelled."
            code = "cancelled"
        case let error as TransportError:
            status = error.status
            message = error.message
            code = "http_\(error.status.code)"
            headers = error.headers
        case let error as any HTTPResponseError:
            status = error.status
            message = error.status == .notFound ? "No such route." : error.status.reasonPhrase
            code = error.status == .notFound ? "unknown_url" : "http_\(error.status.code)"
            headers = (error as? HTTPError)?.headers ?? [:]
        default:
            status = .internalServerError
            message = "The server had an error while processing your request."
            code = "internal_error"
        }
    }

    /// The JSON response.
    func response() -> Response {
        struct Body: Encodable {
            struct Error: Encodable {
                var message: String
                var code: String
            }
            var error: Error
        }
        let data = (try? JSONEncoder().encode(Body(error: .init(message: message, code: code)))) ?? Data()
        var fields = headers
        fields[.contentType] = "application/json"
        return Response(status: status, headers: fields, body: .init(byteBuffer: ByteBuffer(bytes: data)))
    }
}
