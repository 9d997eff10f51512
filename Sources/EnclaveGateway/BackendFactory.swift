// Enclave gateway: how `enclave serve` builds its backend.

public import EnclaveCore
public import Logging

/// Builds the backend that serves the configured models. `enclave serve` calls it once, after the HTTP
/// server started, inside a ``LoadingBackend`` (so `/readyz` answers 503 while it runs); tests and other
/// deployments pass their own.
///
/// ```swift
/// let factory = BackendFactory { configuration, logger in try await MyBackend(configuration) }
/// ```
public struct BackendFactory: Sendable {
    /// Loads the models of the configuration and returns the backend serving them.
    public var make: @Sendable (EnclaveConfiguration, Logger) async throws -> any InferenceBackend

    /// Creates a factory.
    public init(make: @escaping @Sendable (EnclaveConfiguration, Logger) async throws -> any InferenceBackend) {
        self.make = make
    }

    /// The embedded CPU engine (EnclaveEngine), for every model of the configuration.
    public static let embedded = BackendFactory { configuration, logger in
        try await embedded(configuration: configuration, logger: logger)
    }

    /// Loads every configured model into the embedded engine (``EmbeddedBackend``).
    public static func embedded(configuration: EnclaveConfiguration, logger: Logger) async throws -> any InferenceBackend {
        try await Task.detached(priority: .userInitiated) {
            try EmbeddedBackend(configuration: configuration, logger: logger)
        }.value
    }
}
