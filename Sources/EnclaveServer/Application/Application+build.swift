// Enclave server: building the Hummingbird application that `enclave serve` and the tests run.

public import EnclaveCore
public import EnclaveGateway
public import EnclaveKnowledge
public import Hummingbird
import HummingbirdCore
public import Logging
import NIOCore
public import ServiceLifecycle

/// Builds Enclave's HTTP application.
///
/// Routes: `/` (a short HTML page), `/healthz`, `/readyz` and `POST /auth/login` (open), `/metrics`, `/v1/...` (with `/v1/me`),
/// `/admin/v1/...` and `/auth/logout|session` (bearer API key or session cookie with `X-CSRF-Token` on writes; the admin
/// API needs an admin user's key with the `admin` scope, or an admin's session). Every route sits behind ``SecurityHeadersMiddleware`` and ``RequestObservationMiddleware``
/// (request id, plain JSON errors, one log line, metrics); `/v1` adds ``OpenAIErrorMiddleware`` (errors in
/// OpenAI's shape). A known path asked with another method gets 405 with `Allow`. Connections go through
/// Enclave's transport (``EnclaveHTTPChannel``): caps, timeouts, keep-alive and HTTP/1.1 semantics.
///
/// ```swift
/// let app = buildApplication(configuration: configuration, backend: backend, stores: stores, logger: logger)
/// try await app.runService()
/// ```
/// - Parameters:
///   - configuration: Listen address, models and limits.
///   - backend: What runs the models (a ``LoadingBackend`` around the engine in `enclave serve`).
///   - stores: The API keys, users and teams.
///   - metrics: The metrics registry rendered at `/metrics`.
///   - limitGate: Rate limits, budgets and usage recording of the `/v1` generations; `nil`: none.
///   - embeddings: The embedding models of `/v1/embeddings` (listed in `/v1/models` after the chat models).
///   - sessions: Password logins and session cookies (`/auth`); `nil`: with a random key that lives as
///     long as the process (`enclave serve` passes the key it keeps in the data directory).
///   - assistants: The assistants (used as models by their ids, `/admin/v1/assistants`) with the knowledge
///     they retrieve from; `nil`: none.
///   - knowledge: Collections and document ingestion (`/v1/collections`); `nil`: those routes are absent. Its
///     worker is not started here: pass an ``IngestionService`` in `services`.
///   - guardrails: The guardrail policies of every chat and completion request (`enclave serve` always
///     passes them); `nil`: none.
///   - logger: The server's logger; each request adds its `request.id`.
///   - services: Services to run with the server (before it in start order, after it in shutdown order).
///   - onServerRunning: Called with the bound port once the server listens.
public func buildApplication(
    configuration: EnclaveConfiguration,
    backend: any InferenceBackend,
    stores: EnclaveStores,
    metrics: ServerMetrics = ServerMetrics(),
    limitGate: LimitGate? = nil,
    embeddings: [any EmbeddingBackend] = [],
    sessions: SessionAuthenticator? = nil,
    assistants: AssistantPipeline? = nil,
    knowledge: KnowledgeIngestor? = nil,
    guardrails: GuardrailService? = nil,
    logger: Logger,
    services: [any Service] = [],
    onServerRunning: @escaping @Sendable (_ port: Int?) async -> Void = { _ in }
) -> some ApplicationProtocol {
    buildApplication(
        configuration: configuration,
        backends: [RoutedBackend(models: configuration.models.filter { $0.kind == .chat }.map(\.id), backend: backend)],
        stores: stores,
        metrics: metrics,
        limitGate: limitGate,
        embeddings: embeddings,
        sessions: sessions,
        assistants: assistants,
        knowledge: knowledge,
        guardrails: guardrails,
        logger: logger,
        services: services,
        onServerRunning: onServerRunning
    )
}

/// Builds Enclave's HTTP application over several backends, each with its own scheduler (`enclave serve`:
/// one ``LoadingBackend`` per model).
public func buildApplication(
    configuration: EnclaveConfiguration,
    backends: [RoutedBackend],
    stores: EnclaveStores,
    metrics: ServerMetrics = ServerMetrics(),
    limitGate: LimitGate? = nil,
    embeddings: [any EmbeddingBackend] = [],
    sessions: SessionAuthenticator? = nil,
    assistants: AssistantPipeline? = nil,
    knowledge: KnowledgeIngestor? = nil,
    guardrails: GuardrailService? = nil,
    logger: Logger,
    services: [any Service] = [],
    onServerRunning: @escaping @Sendable (_ port: Int?) async -> Void = { _ in }
) -> some ApplicationProtocol {
    let gateway = InferenceGateway(
        backends: backends,
        limits: configuration.limits,
        scheduling: configuration.scheduling,
        metricsFactory: metrics.factory
    )
    let router = buildRouter(
        configuration: configuration,
        gateway: gateway,
        stores: stores,
        metrics: metrics,
        limitGate: limitGate,
        embeddings: embeddings,
        sessions: sessions,
        assistants: assistants,
        knowledge: knowledge,
        guardrails: guardrails
    )
    return Application(
        router: router,
        server: httpServer(settings: configuration.server, metrics: metrics, logger: logger),
        configuration: .init(address: .hostname(configuration.listen.host, port: configuration.listen.port), serverName: "Enclave"),
        services: services,
        onServerRunning: { channel in await onServerRunning(channel.localAddress?.port) },
        logger: logger
    )
}

/// The HTTP/1 server: Enclave's transport (``EnclaveHTTPChannel``) with the configured timeouts and
/// connection caps. The caps are lowered, with a warning, to what the process's descriptor limit allows
/// (keeping room for the database, the models and the answers to refused connections).
func httpServer(settings: ServerSettings, metrics: ServerMetrics, logger: Logger) -> HTTPServerBuilder {
    let refusalsAnswered = 64
    var total = settings.maxConnections
    if let limit = DescriptorLimit.current(), limit.soft != Int.max {
        let allowed = max(1, limit.soft - 64 - refusalsAnswered)
        if total > allowed {
            logger.warning(
                "server.max_connections lowered to fit the file descriptor limit",
                metadata: ["configured": "\(total)", "used": "\(allowed)", "descriptor_limit": "\(limit.soft)"]
            )
            total = allowed
        }
    }
    let limits = ConnectionRegistry.Limits(
        total: total,
        perClient: min(settings.maxConnectionsPerClient, total),
        refusalsAnswered: refusalsAnswered
    )
    let timeouts = HTTPExchangeHandler.Timeouts(
        head: .nanoseconds(Int64(settings.requestHeadTimeoutSeconds * 1e9)),
        body: .nanoseconds(Int64(settings.requestBodyTimeoutSeconds * 1e9)),
        idle: .nanoseconds(Int64(settings.idleTimeoutSeconds * 1e9))
    )
    return .enclave(timeouts: timeouts, registry: ConnectionRegistry(limits: limits, metricsFactory: metrics.factory))
}

/// The router with every route and middleware (see ``buildApplication(configuration:backend:stores:metrics:logger:services:onServerRunning:)``).
public func buildRouter(
    configuration: EnclaveConfiguration,
    gateway: InferenceGateway,
    stores: EnclaveStores,
    metrics: ServerMetrics,
    limitGate: LimitGate? = nil,
    embeddings: [any EmbeddingBackend] = [],
    sessions: SessionAuthenticator? = nil,
    assistants: AssistantPipeline? = nil,
    knowledge: KnowledgeIngestor? = nil,
    guardrails: GuardrailService? = nil
) -> Router<EnclaveRequestContext> {
    let authenticator = KeyAuthenticator(store: stores.keys, identities: stores.identities)
    let sessions = sessions ?? SessionAuthenticator(stores: stores, settings: configuration.sessions, key: .generate())
    let authentication = AuthenticationMiddleware(authenticator: authenticator, sessions: sessions)
    let administration = IdentityAdministration(stores: stores)
    let maxBodyBytes = configuration.limits.maxBodyBytes
    // Every route, added once to the router and once to the probe router that finds a path's methods
    // (for 405 with Allow, see ``MethodNotAllowedMiddleware``).
    let addRoutes = { (router: Router<EnclaveRequestContext>) in
        RootPage().add(to: router)
        HealthRoutes(gateway: gateway).add(to: router)
        let authenticated = router.group().add(middleware: authentication)
        MetricsRoute(metrics: metrics, gateway: gateway).add(to: authenticated)
        // OpenAI's error shape on /v1 only, authentication failures included; other routes render plain errors.
        let openAI = router.group("v1").add(middleware: OpenAIErrorMiddleware())
            .add(middleware: RequestAuditMiddleware(log: stores.audit))
            .add(middleware: authentication)
            .add(middleware: AuditActorMiddleware())
            .add(middleware: ScopeMiddleware(requiring: .inference))
        let passwords = PasswordRoutes(administration: administration, sessions: sessions, maxBodyBytes: maxBodyBytes)
        passwords.addMeRoute(to: openAI)
        MeRoutes(administration: administration, maxBodyBytes: maxBodyBytes, limits: configuration.limits, limitGate: limitGate)
            .add(to: openAI)
        OpenAIRoutes(
            gateway: gateway,
            limits: configuration.limits,
            metrics: metrics,
            limitGate: limitGate,
            embeddings: embeddings,
            assistants: assistants,
            guardrails: guardrails
        )
        .add(to: openAI)
        if let knowledge {
            let administration = KnowledgeAdministration(store: knowledge.store, identities: stores.identities, audit: stores.audit)
            KnowledgeRoutes(ingestor: knowledge, administration: administration).add(to: openAI)
        }
        // The admin API: errors in OpenAI's shape too; an admin user's credential with the admin scope.
        let admin = router.group("admin/v1").add(middleware: OpenAIErrorMiddleware())
            .add(middleware: authentication)
            .add(middleware: AuditActorMiddleware())
            .add(middleware: ScopeMiddleware(requiring: .admin))
        passwords.addAdminRoute(to: admin)
        if let assistants {
            let models = Set(gateway.modelIDs + embeddings.map(\.descriptor.id))
            let administration = AssistantAdministration(
                store: assistants.assistants,
                audit: stores.audit,
                modelIDs: models,
                identities: stores.identities
            )
            AssistantAdminRoutes(administration: administration, maxBodyBytes: maxBodyBytes).add(to: admin)
        }
        AdminRoutes(administration: administration, maxBodyBytes: maxBodyBytes).add(to: admin)
        // Web sessions: the login is open (it is how a browser gets a credential); the rest needs the session.
        let auth = router.group("auth").add(middleware: OpenAIErrorMiddleware())
        let sessionRoutes = SessionRoutes(sessions: sessions, maxBodyBytes: maxBodyBytes)
        sessionRoutes.addLogin(to: auth)
        sessionRoutes.addSessionRoutes(to: auth.group().add(middleware: authentication))
    }
    let probe = Router(context: EnclaveRequestContext.self, options: [.autoGenerateHeadEndpoints])
    probe.add(middleware: RouteProbe())
    addRoutes(probe)

    let router = Router(context: EnclaveRequestContext.self, options: [.autoGenerateHeadEndpoints])
    router.add(middleware: SecurityHeadersMiddleware<EnclaveRequestContext>())
    router.add(middleware: RequestObservationMiddleware(metrics: metrics))
    router.add(middleware: MethodNotAllowedMiddleware(probe: probe.buildResponder()))
    addRoutes(router)
    return router
}
