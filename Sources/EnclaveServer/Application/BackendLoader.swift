// Enclave server: loading the models while the server already answers.

public import EnclaveCore
public import EnclaveGateway
public import Logging
public import ServiceLifecycle

/// A service that loads each model into its ``LoadingBackend`` (build, then the health check: the sanity
/// generation) while the HTTP server already answers `/healthz` (and `/readyz` with 503), one model after the
/// other; a model that fails is logged with the full error and reported `failed`, the others serve. It then
/// stays until shutdown and stops the backends.
public struct BackendLoader: Service {
    /// Builds the backend of one model.
    public typealias Build = @Sendable (ModelConfiguration, Logger) async throws -> any InferenceBackend

    let backends: [LoadingBackend]
    let build: Build
    let logger: Logger

    /// Creates the loader.
    /// - Parameters:
    ///   - backends: One loading backend per model, in load order.
    ///   - build: Builds a model's real backend (for `enclave serve`: `BackendFactory.embedded.make`).
    ///   - logger: Where loads and failures are reported.
    public init(backends: [LoadingBackend], build: @escaping Build, logger: Logger) {
        self.backends = backends
        self.build = build
        self.logger = logger
    }

    public func run() async throws {
        let clock = ContinuousClock()
        logger.info("loading models", metadata: ["models": .string(backends.map(\.model.id).joined(separator: ", "))])
        for backend in backends {
            let model = backend.model
            let start = clock.now
            let failure = await backend.load(clock: clock) { [build, logger] in try await build(model, logger) }
            if let failure {
                logger.error(
                    "model failed to load",
                    metadata: [
                        "model": .string(model.id), "file": .string(model.file), "reason": .string(failure.reason),
                        "error": .string(failure.detail),
                    ]
                )
            } else {
                logger.info("model ready", metadata: ["model": .string(model.id), "load_seconds": "\(start.duration(to: clock.now))"])
            }
            if Task.isCancelled { break }
        }
        // Stay until shutdown: a service that returns would stop the whole group. The HTTP server, started
        // after this service, has drained by the time this one is asked to stop.
        try? await gracefulShutdown()
        for backend in backends { await backend.shutdown() }
    }
}
