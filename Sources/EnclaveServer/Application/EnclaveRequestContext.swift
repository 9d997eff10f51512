// Enclave server: what each request carries through middleware and handlers.

public import EnclaveCore
public import Hummingbird
public import NIOCore

/// The request context of Enclave's router: Hummingbird's core context plus the request id, the
/// authenticated principal and the request's statistics.
public struct EnclaveRequestContext: RequestContext {
    public var coreContext: CoreRequestContextStorage
    /// The request id (`X-Request-Id`), set by ``RequestObservationMiddleware``.
    public var requestID: String
    /// The caller, set by ``AuthenticationMiddleware``; `nil` on the open routes.
    public var principal: Principal?
    /// The web session of a request authenticated by its session cookie (set by ``AuthenticationMiddleware``).
    public var session: SessionAuthenticator.Authenticated?
    /// Token counts and model of the request, filled in by the handler and logged at the end.
    public let stats: RequestStats
    /// The connection the request came on (to notice the client going away; see ``ClientDeparture``).
    public let channel: any Channel

    public init(source: ApplicationRequestContextSource) {
        self.coreContext = .init(source: source)
        self.requestID = ""
        self.principal = nil
        self.session = nil
        self.stats = RequestStats()
        self.channel = source.channel
    }
}
