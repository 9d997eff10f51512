// Enclave server: every error the server can meet, in OpenAI's shape.

import EnclaveCore
import Hummingbird
import NIOCore

extension OpenAIError {
    /// A 400 `invalid_request_error`.
    static func invalidRequest(_ message: String, param: String?, code: String? = nil) -> OpenAIError {
        OpenAIError(status: .badRequest, message: message, type: "invalid_request_error", param: param, code: code)
    }

    /// The 500 shown for unexpected errors: no internals.
    static let internalError = OpenAIError(
        status: .internalServerError, message: "The server had an error while processing your request.", type: "server_error",
        code: "internal_error")

    /// The OpenAI error for any error thrown while handling a request.
    ///
    /// Known errors get their status and message; anything else becomes a generic 500 (the details go to
    /// the log, never to the client).
    public static func from(_ error: any Error) -> OpenAIError {
        switch error {
        case let error as OpenAIError:
            return error
        case let error as InferenceError:
            return from(error)
        case let failure as KeyAuthenticator.Failure:
            return from(failure)
        case let error as KeyStoreError:
            return OpenAIError(
                status: .serviceUnavailable, message: "The key store is unavailable; retry shortly.", type: "server_error",
                code: error.code == .unavailable ? "store_unavailable" : "store_error")
        case is NIOTooManyBytesError:
            return OpenAIError(status: .contentTooLarge, message: "The request body is too large.", type: "invalid_request_error", code: "request_too_large")
        case is CancellationError:
            return OpenAIError(
                status: .init(code: 499, reasonPhrase: "Client Closed Request"), message: "The request was cancelled.",
                type: "invalid_request_error", code: "cancelled")
        case let error as any HTTPResponseError:
            let message: String =
                switch error.status {
                case .notFound: "Unknown request URL. See the API reference for the available routes."
                case .methodNotAllowed: "Method not allowed for this URL."
                default: (error as? TransportError)?.message ?? error.status.reasonPhrase
                }
            return OpenAIError(
                status: error.status, message: message, type: error.status.code >= 500 ? "server_error" : "invalid_request_error",
                code: error.status == .notFound ? "unknown_url" : nil,
                headers: (error as? HTTPError)?.headers ?? (error as? TransportError)?.headers ?? [:])
        default:
            return internalError
        }
    }

    static func from(_ error: InferenceError) -> OpenAIError {
        switch error.code {
        case .unknownModel:
            OpenAIError(status: .notFound, message: error.message, type: "invalid_request_error", param: "model", code: "model_not_found")
        case .contextLengthExceeded:
            .invalidRequest(error.message, param: "messages", code: "context_length_exceeded")
        case .invalidParameter:
            .invalidRequest(error.message, param: error.parameter, code: "invalid_value")
        case .notReady:
            OpenAIError(
                status: .serviceUnavailable, message: error.message, type: "server_error", param: "model", code: "model_not_ready",
                headers: [.retryAfter: "5"])
        case .unavailable:
            OpenAIError(status: .serviceUnavailable, message: error.message, type: "server_error", param: "model", code: "model_unavailable")
        case .overloaded:
            OpenAIError(
                status: .tooManyRequests, message: error.message, type: "rate_limit_error", code: "queue_full",
                headers: [.retryAfter: String(error.retryAfterSeconds ?? 1)])
        default:
            OpenAIError(status: .internalServerError, message: error.message, type: "server_error", code: "internal_error")
        }
    }

    static func from(_ failure: KeyAuthenticator.Failure) -> OpenAIError {
        let message: String
        let code: String?
        switch failure {
        case .missing:
            message = "You didn't provide an API key. Send it as 'Authorization: Bearer <key>'."
            code = "missing_api_key"
        case .invalid:
            message = "Incorrect API key provided."
            code = "invalid_api_key"
        case .revoked:
            message = "This API key has been revoked."
            code = "invalid_api_key"
        }
        return OpenAIError(
            status: .unauthorized, message: message, type: "invalid_request_error", code: code,
            headers: [.wwwAuthenticate: #"Bearer realm="enclave""#])
    }
}
