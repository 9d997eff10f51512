// Enclave server: telling the audit log who is asking.

public import EnclaveCore
public import Hummingbird

/// Binds the authenticated caller (principal, credential, client address) as ``AuditActor/current`` for
/// the rest of the request, so that every change ``IdentityAdministration`` makes is recorded with who
/// made it, and gives it to the request's ``RequestAudit``. Mounted right after
/// ``AuthenticationMiddleware`` (before the scope check, so a 403's record names the key).
public struct AuditActorMiddleware: RouterMiddleware {
    public typealias Context = EnclaveRequestContext

    /// Creates the middleware.
    public init() {}

    public func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        guard let principal = context.principal else { return try await next(request, context) }
        let actor = AuditActor(principal, clientAddress: context.channel.remoteAddress?.ipAddress)
        RequestAudit.current?.identify(actor)
        return try await AuditActor.$current.withValue(actor) { try await next(request, context) }
    }
}
