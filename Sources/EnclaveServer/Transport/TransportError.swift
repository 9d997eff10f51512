// Enclave server: request failures that the transport detects and the application answers.

public import HTTPTypes
public import Hummingbird

/// A request the connection could not deliver whole: the client's fault, answered with a 4xx.
///
/// The transport raises it into the request body the handler is reading, so the handler's error
/// rendering answers it (and the request is logged and counted like any other).
public struct TransportError: HTTPResponseError, Sendable, CustomStringConvertible {
    public let status: HTTPResponse.Status
    /// What happened, for the client.
    public let message: String
    public var headers: HTTPFields { [.connection: "close"] }

    /// The body ended (the client closed its side) before the length its `Content-Length` announced.
    public static let incompleteBody = TransportError(
        status: .badRequest,
        message: "The request body ended before the length given in Content-Length."
    )

    /// The body did not arrive within `server.request_body_timeout_seconds`.
    public static let bodyTimeout = TransportError(
        status: .requestTimeout,
        message: "The request body did not arrive in time."
    )

    public var description: String { "\(status.code): \(message)" }

    public func response(from request: Request, context: some RequestContext) throws -> Response {
        try HTTPError(status, headers: headers, message: message).response(from: request, context: context)
    }
}

extension TransportError {
    /// The chunked encoding of the body is broken.
    public static let malformedBody = TransportError(status: .badRequest, message: "The request body is malformed.")
}
