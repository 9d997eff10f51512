// Enclave server: building the Hummingbird application that `enclave serve` and the tests run.

public import EnclaveCore
import EnclaveGateway
public import Hummingbird
public import Logging
import NIOCore
public import ServiceLifecycle

/// Builds Enclave's HTTP application.
///
/// Routes: `/healthz` and `/readyz` (open), `/metrics` and `/v1/...` (bearer API key). Every route sits
/// behind ``RequestObservationMiddleware`` (request id, OpenAI-shaped errors, one log line, metrics).
///
/// ```swift
/// let app = buildApplication(configuration: configuration, backend: backend, keyStore: store, logger: logger)
/// try await app.runService()
/// ```
/// - Parameters:
///   - configuration: Listen address, models and limits.
///   - backend: What runs the models (a ``LoadingBackend`` around the engine in `enclave serve`).
///   - keyStore: The API keys.
///   - metrics: The metrics registry rendered at `/metrics`.
///   - logger: The server's logger; each request adds its `request.id`.
///   - services: Services to run with the server (before it in start order, after it in shutdown order).
///   - onServerRunning: Called with the bound port once the server listens.
public func buildApplication(
    configuration: EnclaveConfiguration,
    backend: any InferenceBackend,
    keyStore: any KeyStore,
    metrics: ServerMetrics = ServerMetrics(),
    logger: Logger,
    services: [any Service] = [],
    onServerRunning: @escaping @Sendable (_ port: Int?) async -> Void = { _ in }
) -> some ApplicationProtocol {
    let gateway = InferenceGateway(backend: backend, limits: configuration.limits, metricsFactory: metrics.factory)
    let router = buildRouter(
        configuration: configuration, gateway: gateway, authenticator: KeyAuthenticator(store: keyStore), metrics: metrics)
    return Application(
        router: router,
        configuration: .init(address: .hostname(configuration.listen.host, port: configuration.listen.port), serverName: "Enclave"),
        services: services,
        onServerRunning: { channel in await onServerRunning(channel.localAddress?.port) },
        logger: logger)
}

/// The router with every route and middleware (see ``buildApplication(configuration:backend:keyStore:metrics:logger:services:onServerRunning:)``).
func buildRouter(
    configuration: EnclaveConfiguration, gateway: InferenceGateway, authenticator: KeyAuthenticator, metrics: ServerMetrics
) -> Router<EnclaveRequestContext> {
    let router = Router(context: EnclaveRequestContext.self)
    router.add(middleware: RequestObservationMiddleware(metrics: metrics))
    let modelIDs = configuration.models.map(\.id)
    HealthRoutes(backend: gateway.backend, modelIDs: modelIDs).add(to: router)
    let authenticated = router.group().add(middleware: AuthenticationMiddleware(authenticator: authenticator))
    MetricsRoute(metrics: metrics, backend: gateway.backend, modelIDs: modelIDs).add(to: authenticated)
    OpenAIRoutes(gateway: gateway, limits: configuration.limits, metrics: metrics)
        .add(to: authenticated.group("v1").add(middleware: ScopeMiddleware(requiring: .inference)))
    return router
}
