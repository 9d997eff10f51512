// Enclave server: bearer API key or session cookie authentication.

public import EnclaveCore
public import Hummingbird
import Logging

/// Requires `Authorization: Bearer <key>` with an active API key or, without one, the `enclave_session`
/// cookie of a live session, and puts the ``Principal`` in the context. A missing, unknown or revoked key
/// or session gets a 401. A state-changing request (POST, PUT, PATCH, DELETE) authenticated by the cookie
/// must carry the session's `X-CSRF-Token`, else 403 `csrf_failed`; a key needs none (no browser sends it
/// on its own).
public struct AuthenticationMiddleware: RouterMiddleware {
    public typealias Context = EnclaveRequestContext

    let authenticator: KeyAuthenticator
    let sessions: SessionAuthenticator?

    /// Creates the middleware.
    /// - Parameters:
    ///   - authenticator: Checks API keys.
    ///   - sessions: Checks session cookies; `nil`: keys only.
    public init(authenticator: KeyAuthenticator, sessions: SessionAuthenticator? = nil) {
        self.authenticator = authenticator
        self.sessions = sessions
    }

    public func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        let secret = KeyAuthenticator.bearerSecret(fromAuthorization: request.headers[.authorization])
        var context = context
        let principal: Principal
        if secret == nil, let sessions, let cookie = SessionCookie.value(in: request) {
            let authenticated = try await sessions.authenticate(cookieValue: cookie)
            if SessionCookie.isStateChanging(request.method) {
                try sessions.requireCSRFToken(request.headers[SessionCookie.csrfHeader], of: authenticated)
            }
            context.session = authenticated
            principal = authenticated.principal
        } else {
            principal = try await authenticator.authenticate(secret: secret)
        }
        context.principal = principal
        context.logger[metadataKey: "principal"] = .string(principal.id)
        context.stats.update { $0.principal = principal.id }
        return try await next(request, context)
    }
}
