// Enclave backends: how `enclave serve` builds the backend of each model.

public import EnclaveCore
public import Logging

/// Builds the backend that serves one configured model. `enclave serve` calls it once per model, after the
/// HTTP server started, inside that model's `LoadingBackend` (so `/readyz` answers 503 while it runs and one
/// bad model leaves the others serving); tests and other deployments pass their own.
///
/// ```swift
/// let factory = BackendFactory { model, logger in try await MyBackend(model) }
/// ```
public struct BackendFactory: Sendable {
    /// Loads one model and returns the backend serving it.
    /// - Throws: preferably a ``ModelLoadFailure``, whose reason is safe to show.
    public var make: @Sendable (ModelConfiguration, Logger) async throws -> any InferenceBackend

    /// Creates a factory.
    public init(make: @escaping @Sendable (ModelConfiguration, Logger) async throws -> any InferenceBackend) {
        self.make = make
    }

    /// The embedded CPU engine (EnclaveEngine), one ``EmbeddedBackend`` per model, loaded off the
    /// cooperative pool (loading maps and checks the whole file).
    public static let embedded = BackendFactory { model, logger in
        try await Task.detached(priority: .userInitiated) {
            try EmbeddedBackend(model: model, logger: logger)
        }.value
    }
}
