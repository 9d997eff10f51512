// Enclave upstream: the one HTTP client every upstream backend shares.

public import AsyncHTTPClient
public import EnclaveCore
import NIOCore

/// Makes the HTTP client that every upstream backend of a server shares (one connection pool, one event
/// loop group), with the shortest connect and idle timeouts the backends declare (the client applies them
/// to every connection; the first-byte and total timeouts are per backend). Shut it down once the server
/// stopped: `try await client.shutdown()`.
public enum UpstreamHTTPClient {
    /// A client for `backends`.
    public static func make(for backends: [UpstreamConfiguration]) -> HTTPClient {
        var configuration = HTTPClient.Configuration()
        let connect = backends.map(\.timeouts.connect).min() ?? UpstreamConfiguration.Timeouts().connect
        let idle = backends.map(\.timeouts.idle).min() ?? UpstreamConfiguration.Timeouts().idle
        configuration.timeout = .init(connect: .nanoseconds(Int64(connect * 1e9)), read: .nanoseconds(Int64(idle * 1e9)))
        configuration.connectionPool.concurrentHTTP1ConnectionsPerHostSoftLimit = max(8, backends.map(\.concurrencyPerReplica).max() ?? 8)
        // A redirect could leak the key to another host.
        configuration.redirectConfiguration = .disallow
        configuration.decompression = .disabled
        return HTTPClient(eventLoopGroupProvider: .singleton, configuration: configuration)
    }
}
