// Enclave gateway: the one way handlers reach a backend.

public import EnclaveCore
public import Metrics

/// The router from a request's model to the backend that serves it: prepare (validate and tokenise), take a
/// place in that backend's fair queue, then stream the generation once admitted. Handlers never call a
/// backend's `generate` directly.
///
/// Each ``RoutedBackend`` gets its own ``Scheduler`` sized by its own capacity, so a slow or failed model
/// neither takes the slots of another nor stops it from serving.
///
/// ```swift
/// let prepared = try await gateway.prepare(request)        // 400/404/503 before any queueing
/// let submission = try gateway.submit(prepared)            // 429 when the model's queue is full
/// try await submission.run { events in
///     for try await event in events { ... }
/// }
/// ```
public struct InferenceGateway: Sendable {
    /// A backend with its scheduler.
    struct Route: Sendable {
        let backend: RoutedBackend
        let scheduler: Scheduler
    }

    private let routes: [Route]
    private let routeOfModel: [String: Int]
    /// Every routed model id, in declaration order.
    public let modelIDs: [String]

    /// Creates a gateway with one scheduler per backend.
    /// - Parameters:
    ///   - backends: The backends and the model ids routed to each (a model id routed twice goes to the first).
    ///   - limits: Queue bounds of each scheduler (`queue_length`, `queue_length_per_principal`), unless
    ///     `scheduling` sets its own.
    ///   - scheduling: The schedulers' policy, preemption and queue bounds.
    ///   - metricsFactory: Where the schedulers report (labelled with the backend's name).
    ///   - clock: The schedulers' clock.
    public init<C: Clock<Duration>>(
        backends: [RoutedBackend],
        limits: LimitsConfiguration,
        scheduling: SchedulingConfiguration = .init(),
        metricsFactory: any MetricsFactory = MetricsSystem.factory,
        clock: C = ContinuousClock()
    ) {
        var routes: [Route] = []
        var routeOfModel: [String: Int] = [:]
        var modelIDs: [String] = []
        for routed in backends {
            let backend = routed.backend
            let scheduler = Scheduler(
                queueLength: scheduling.queueLength ?? limits.queueLength,
                queueLengthPerPrincipal: scheduling.queuePerUser ?? limits.queueLengthPerPrincipal,
                policy: scheduling.policy,
                preemption: scheduling.preemption,
                capacity: { backend.capacity },
                dimensions: [("backend", routed.name)],
                metricsFactory: metricsFactory,
                clock: clock
            )
            for model in routed.models where routeOfModel[model] == nil {
                routeOfModel[model] = routes.count
                modelIDs.append(model)
            }
            routes.append(Route(backend: routed, scheduler: scheduler))
        }
        self.routes = routes
        self.routeOfModel = routeOfModel
        self.modelIDs = modelIDs
    }

    /// Creates a gateway in front of one backend that serves `models`.
    public init(
        backend: any InferenceBackend,
        models: [String],
        limits: LimitsConfiguration,
        scheduling: SchedulingConfiguration = .init(),
        metricsFactory: any MetricsFactory = MetricsSystem.factory
    ) {
        self.init(
            backends: [RoutedBackend(models: models, backend: backend)],
            limits: limits,
            scheduling: scheduling,
            metricsFactory: metricsFactory
        )
    }

    private func route(of model: String) -> Route? {
        if let index = routeOfModel[model] { return routes[index] }
        return routes.first { $0.backend.claims?(model) == true }
    }

    /// The backend a model routes to.
    public func backend(of model: String) -> (any InferenceBackend)? {
        route(of: model)?.backend.backend
    }

    /// The scheduler in front of a model's backend.
    public func scheduler(of model: String) -> Scheduler? {
        route(of: model)?.scheduler
    }

    /// The routed models as their backends describe them, in declaration order (a model its backend does not
    /// list is left out).
    public func models() async -> [ModelDescriptor] {
        var listed: [String: ModelDescriptor] = [:]
        for route in routes {
            for descriptor in await route.backend.backend.models() where listed[descriptor.id] == nil {
                listed[descriptor.id] = descriptor
            }
        }
        var models = modelIDs.compactMap { listed[$0] }
        // Then the models that backends found at run time (an upstream's `GET /models`), in their order.
        for route in routes where route.backend.claims != nil {
            for descriptor in await route.backend.backend.models() where routeOfModel[descriptor.id] == nil && !models.contains(descriptor) {
                models.append(descriptor)
            }
        }
        return models
    }

    /// One routed model as its backend describes it; `nil` if no backend serves (or lists) it. Asks only
    /// that model's backend.
    public func descriptor(of model: String) async -> ModelDescriptor? {
        guard let route = route(of: model) else { return nil }
        return await route.backend.backend.models().first { $0.id == model }
    }

    /// The state of a model: `nil` if no backend serves it.
    public func state(of model: String) async -> ModelState? {
        guard let route = route(of: model) else { return nil }
        return await route.backend.backend.state(of: model)
    }

    /// Every routed model with its state and its backend's capacity, in declaration order.
    public func statuses() async -> [ModelStatus] {
        var statuses: [ModelStatus] = []
        for id in modelIDs {
            guard let route = route(of: id) else { continue }
            let backend = route.backend.backend
            statuses.append(ModelStatus(id: id, state: await backend.state(of: id), capacity: backend.capacity, backend: route.backend.name))
        }
        for route in routes where route.backend.claims != nil {
            let backend = route.backend.backend
            for descriptor in await backend.models() where routeOfModel[descriptor.id] == nil {
                let state = await backend.state(of: descriptor.id)
                statuses.append(ModelStatus(id: descriptor.id, state: state, capacity: backend.capacity, backend: route.backend.name))
            }
        }
        return statuses
    }

    /// The replicas of the backends made of replicas (upstream servers), backend by backend.
    public func replicas() -> [ReplicaStatus] {
        routes.flatMap { ($0.backend.backend as? any ReplicaReporting)?.replicaStatuses() ?? [] }
    }

    /// The backends' internal gauges and counters.
    public func gauges() async -> [BackendGauge] {
        var gauges: [BackendGauge] = []
        for route in routes { gauges += await route.backend.backend.gauges() }
        return gauges
    }

    /// Stops every backend.
    public func shutdown() async {
        for route in routes { await route.backend.backend.shutdown() }
    }

    /// Checks the model's state and lets its backend tokenise the prompt and check the context.
    /// - Throws: ``InferenceError``: `unknownModel`, `notReady`, `unavailable`, `contextLengthExceeded`, `invalidParameter`.
    public func prepare(_ request: InferenceRequest) async throws -> PreparedInference {
        guard let backend = backend(of: request.model) else { throw InferenceError.unknownModel(request.model) }
        switch await backend.state(of: request.model) {
        case nil:
            throw InferenceError.unknownModel(request.model)
        case .loading:
            throw InferenceError.notReady(request.model)
        case .failed(let reason):
            throw InferenceError.unavailable(request.model, reason: reason)
        case .ready:
            return try await backend.prepare(request)
        }
    }

    /// Takes a place in the queue of the request's backend, as a request of ``InferenceRequest/principal``
    /// in the default team; see ``submit(_:share:)``.
    public func submit(_ prepared: PreparedInference) throws(InferenceError) -> InferenceSubmission {
        let share = FairShare(user: prepared.request.principal, cost: (prepared.promptTokenCount ?? 0) + prepared.maxTokens)
        return try submit(prepared, share: share)
    }

    /// Takes a place in the queue of the request's backend.
    /// - Parameters:
    ///   - prepared: The prepared request.
    ///   - share: Whose it is (user, team and weight), its class and its cost (see ``FairShare``).
    /// - Throws: ``InferenceError/overloaded(retryAfterSeconds:)`` when that queue is full,
    ///   ``InferenceError/unknownModel(_:)`` for a model no backend serves.
    public func submit(_ prepared: PreparedInference, share: FairShare) throws(InferenceError) -> InferenceSubmission {
        guard let route = route(of: prepared.request.model) else { throw InferenceError.unknownModel(prepared.request.model) }
        let ticket = try route.scheduler.enqueue(share, model: prepared.request.model)
        return InferenceSubmission(prepared: prepared, ticket: ticket, backend: route.backend.backend, scheduler: route.scheduler)
    }
}
