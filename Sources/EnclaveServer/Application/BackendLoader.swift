// Enclave server: loading the models while the server already answers.

public import EnclaveCore
public import EnclaveGateway
public import Logging
public import ServiceLifecycle

/// A service that builds the real backend (loading the models) into a ``LoadingBackend`` while the HTTP
/// server already answers `/healthz` (and `/readyz` with 503), then stays until shutdown.
public struct BackendLoader: Service {
    let backend: LoadingBackend
    let factory: BackendFactory
    let configuration: EnclaveConfiguration
    let logger: Logger

    /// Creates the loader.
    public init(backend: LoadingBackend, factory: BackendFactory, configuration: EnclaveConfiguration, logger: Logger) {
        self.backend = backend
        self.factory = factory
        self.configuration = configuration
        self.logger = logger
    }

    public func run() async throws {
        let clock = ContinuousClock()
        let start = clock.now
        let models = configuration.models.map(\.id).joined(separator: ", ")
        logger.info("loading models", metadata: ["models": .string(models)])
        await backend.load { [factory, configuration, logger] in try await factory.make(configuration, logger) }
        for model in configuration.models {
            switch await backend.state(of: model.id) {
            case .ready:
                logger.info("model ready", metadata: ["model": .string(model.id), "load_seconds": "\(start.duration(to: clock.now))"])
            case .failed(let reason):
                logger.error("model failed to load", metadata: ["model": .string(model.id), "error": .string(reason)])
            default:
                logger.warning("model not served by the backend", metadata: ["model": .string(model.id)])
            }
        }
        // Stay until shutdown: a service that returns would stop the whole group.
        try? await gracefulShutdown()
    }
}
