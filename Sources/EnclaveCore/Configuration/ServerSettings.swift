// Enclave: the HTTP server's connection and lifecycle settings (`server:`).

/// Connection limits, timeouts and the shutdown grace period (`server:`).
///
/// The timeouts bound how long the server waits for a *client*: for a request's head, for its body, and
/// for the next request on an idle keep-alive connection. None of them applies while the server is
/// answering, so a long streamed generation is never cut by them.
///
/// ```swift
/// let settings = ServerSettings(requestHeadTimeoutSeconds: 5, maxConnectionsPerClient: 32)
/// ```
public struct ServerSettings: Sendable, Hashable {
    /// On SIGTERM, how long in-flight requests may go on before they are cancelled
    /// (`server.shutdown_grace_seconds`).
    public var shutdownGraceSeconds: Double
    /// How long a client may take to send a request's head, from the connection's start or from the
    /// first byte of a request on a kept-alive connection (`server.request_head_timeout_seconds`).
    /// A partial head then gets 408; a connection that sent nothing is closed.
    public var requestHeadTimeoutSeconds: Double
    /// How long a client may take to send a whole request body, from the end of its head
    /// (`server.request_body_timeout_seconds`); then 408 and the connection closes.
    public var requestBodyTimeoutSeconds: Double
    /// How long a kept-alive connection may wait, idle, for its next request
    /// (`server.idle_timeout_seconds`); then the server closes it.
    public var idleTimeoutSeconds: Double
    /// The most connections open at once (`server.max_connections`); more are refused with 503. Lowered
    /// at start to what the process's descriptor limit allows.
    public var maxConnections: Int
    /// The most connections open at once from one client address (`server.max_connections_per_client`).
    public var maxConnectionsPerClient: Int

    /// The allowed ranges, for validation and the docs.
    public static let timeoutRange: ClosedRange<Double> = 0.1...86_400
    /// The allowed range of both connection caps.
    public static let connectionRange: ClosedRange<Int> = 1...1_000_000

    /// Creates settings: 30 s of shutdown grace, 10 s for a head, 60 s for a body, 60 s idle, 1024
    /// connections, 256 per client address.
    public init(
        shutdownGraceSeconds: Double = 30,
        requestHeadTimeoutSeconds: Double = 10,
        requestBodyTimeoutSeconds: Double = 60,
        idleTimeoutSeconds: Double = 60,
        maxConnections: Int = 1024,
        maxConnectionsPerClient: Int = 256
    ) {
        self.shutdownGraceSeconds = shutdownGraceSeconds
        self.requestHeadTimeoutSeconds = requestHeadTimeoutSeconds
        self.requestBodyTimeoutSeconds = requestBodyTimeoutSeconds
        self.idleTimeoutSeconds = idleTimeoutSeconds
        self.maxConnections = maxConnections
        self.maxConnectionsPerClient = maxConnectionsPerClient
    }
}
