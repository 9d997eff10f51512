// Enclave server: routes that need a key scope.

public import EnclaveCore
public import Hummingbird

/// Lets a request through only if its principal (set by ``AuthenticationMiddleware``, which must come first)
/// may use `scope`; otherwise a 403. The `/v1` group requires ``KeyScope/inference``, so a `metrics` key
/// can scrape and do nothing else.
public struct ScopeMiddleware: RouterMiddleware {
    public typealias Context = EnclaveRequestContext

    /// The scope the routes behind this middleware need.
    public let scope: KeyScope

    /// Creates the middleware.
    public init(requiring scope: KeyScope) {
        self.scope = scope
    }

    public func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        try context.require(scope)
        return try await next(request, context)
    }
}

extension EnclaveRequestContext {
    /// Throws unless the request's principal may use `scope` (an admin may use everything).
    /// - Throws: ``KeyAuthenticator/Failure/missing`` on a route without authentication,
    ///   ``AuthorizationError`` if the key lacks the scope.
    public func require(_ scope: KeyScope) throws {
        guard let principal else { throw KeyAuthenticator.Failure.missing }
        try principal.require(scope)
    }
}
