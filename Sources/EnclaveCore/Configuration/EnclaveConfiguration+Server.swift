// Enclave: reading the `server:` section.

import Yams

extension EnclaveConfiguration {
    /// The keys of `server:`.
    static let serverKeys = [
        "shutdown_grace_seconds", "request_head_timeout_seconds", "request_body_timeout_seconds", "idle_timeout_seconds",
        "max_connections", "max_connections_per_client",
    ]

    static func readServer(_ node: Node, into server: inout ServerSettings, reader: ConfigurationReader) throws {
        let entries = try reader.mapping(node, at: "server", allowed: serverKeys)
        if let grace = entries["shutdown_grace_seconds"] {
            server.shutdownGraceSeconds = try reader.seconds(grace, at: "server.shutdown_grace_seconds", in: 0...3600)
        }
        let timeouts: [(key: String, value: WritableKeyPath<ServerSettings, Double>)] = [
            ("request_head_timeout_seconds", \.requestHeadTimeoutSeconds),
            ("request_body_timeout_seconds", \.requestBodyTimeoutSeconds),
            ("idle_timeout_seconds", \.idleTimeoutSeconds),
        ]
        for (key, path) in timeouts {
            if let value = entries[key] {
                server[keyPath: path] = try reader.seconds(value, at: "server.\(key)", in: ServerSettings.timeoutRange)
            }
        }
        if let value = entries["max_connections"] {
            server.maxConnections = try reader.int(value, at: "server.max_connections", in: ServerSettings.connectionRange)
        }
        if let value = entries["max_connections_per_client"] {
            server.maxConnectionsPerClient = try reader.int(
                value,
                at: "server.max_connections_per_client",
                in: ServerSettings.connectionRange
            )
        }
        guard server.maxConnectionsPerClient > server.maxConnections else { return }
        guard let perClient = entries["max_connections_per_client"] else {
            // Only the total was lowered: the per-client default follows it.
            server.maxConnectionsPerClient = server.maxConnections
            return
        }
        throw reader.invalid(
            perClient,
            "server.max_connections_per_client",
            "must not be larger than server.max_connections (\(server.maxConnections)), got \(server.maxConnectionsPerClient)"
        )
    }
}
