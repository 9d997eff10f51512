// Enclave server: bearer API key authentication.

public import EnclaveCore
public import Hummingbird
import Logging

/// Requires `Authorization: Bearer <key>` with an active API key and puts its ``Principal`` in the
/// context. A missing, unknown or revoked key gets a 401 in OpenAI's shape.
public struct AuthenticationMiddleware: RouterMiddleware {
    public typealias Context = EnclaveRequestContext

    let authenticator: KeyAuthenticator

    /// Creates the middleware.
    public init(authenticator: KeyAuthenticator) {
        self.authenticator = authenticator
    }

    public func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        let secret = KeyAuthenticator.bearerSecret(fromAuthorization: request.headers[.authorization])
        var context = context
        let principal = try await authenticator.authenticate(secret: secret)
        context.principal = principal
        context.logger[metadataKey: "principal"] = .string(principal.id)
        context.stats.update { $0.principal = principal.id }
        return try await next(request, context)
    }
}
