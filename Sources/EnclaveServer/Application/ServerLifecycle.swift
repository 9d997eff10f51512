// Enclave server: running the application until a signal, with a bounded graceful shutdown.

public import EnclaveCore
public import Hummingbird
public import Logging
public import ServiceLifecycle
public import UnixSignals

/// Runs Enclave's application under ServiceLifecycle.
///
/// On SIGTERM or SIGINT the server stops accepting connections and lets in-flight requests and streams
/// finish; after `server.shutdown_grace_seconds` the remaining ones are cancelled (their generations stop
/// within one decode step) and ``run(_:)`` returns normally.
///
/// ```swift
/// let group = ServerLifecycle.serviceGroup(running: app, settings: configuration.server, logger: logger)
/// try await ServerLifecycle.run(group)
/// ```
public enum ServerLifecycle {
    /// The service group that runs `application` and shuts it down on `signals`.
    public static func serviceGroup(
        running application: some ApplicationProtocol,
        settings: ServerSettings,
        logger: Logger,
        signals: [UnixSignal] = [.sigterm, .sigint]
    ) -> ServiceGroup {
        var configuration = ServiceGroupConfiguration(services: [application], gracefulShutdownSignals: signals, logger: logger)
        configuration.maximumGracefulShutdownDuration = .milliseconds(Int64((settings.shutdownGraceSeconds * 1000).rounded()))
        return ServiceGroup(configuration: configuration)
    }

    /// Runs the group until it has shut down. Cancellation at the end of the grace period is a clean stop.
    public static func run(_ group: ServiceGroup) async throws {
        do {
            try await group.run()
        } catch is CancellationError {
            // The grace period ended and the remaining requests were cancelled.
        }
    }
}
