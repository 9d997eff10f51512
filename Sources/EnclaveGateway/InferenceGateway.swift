// Enclave gateway: the one way handlers reach a backend.

public import EnclaveCore
public import Metrics

/// The path from an API handler to a backend: prepare (validate and tokenise), take a place in the fair
/// queue, then stream the generation once admitted. Handlers never call the backend's `generate` directly.
///
/// ```swift
/// let prepared = try await gateway.prepare(request)        // 400/404/503 before any queueing
/// let submission = try gateway.submit(prepared)            // 429 when the queue is full
/// try await submission.run { events in
///     for try await event in events { ... }
/// }
/// ```
public struct InferenceGateway: Sendable {
    /// The backend that runs the models.
    public let backend: any InferenceBackend
    /// The scheduler in front of it.
    public let scheduler: Scheduler

    /// Creates a gateway with its own scheduler.
    /// - Parameters:
    ///   - backend: The backend.
    ///   - limits: Queue bounds (`queue_length`, `queue_length_per_principal`).
    ///   - metricsFactory: Where the scheduler reports.
    public init(backend: any InferenceBackend, limits: LimitsConfiguration, metricsFactory: any MetricsFactory = MetricsSystem.factory) {
        self.backend = backend
        self.scheduler = Scheduler(
            queueLength: limits.queueLength, queueLengthPerPrincipal: limits.queueLengthPerPrincipal,
            capacity: { [backend] in backend.capacity }, metricsFactory: metricsFactory)
    }

    /// Checks the model's state and lets the backend tokenise the prompt and check the context.
    /// - Throws: ``InferenceError``: `unknownModel`, `notReady`, `unavailable`, `contextLengthExceeded`, `invalidParameter`.
    public func prepare(_ request: InferenceRequest) async throws -> PreparedInference {
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

    /// Takes a place in the queue for a prepared request.
    /// - Throws: ``InferenceError/overloaded(retryAfterSeconds:)`` when the queue is full.
    public func submit(_ prepared: PreparedInference) throws(InferenceError) -> InferenceSubmission {
        let ticket = try scheduler.enqueue(principal: prepared.request.principal)
        return InferenceSubmission(prepared: prepared, ticket: ticket, backend: backend, scheduler: scheduler)
    }
}

/// A prepared request with a place in the queue.
public struct InferenceSubmission: Sendable {
    /// The request, tokenised.
    public let prepared: PreparedInference
    let ticket: SchedulerTicket
    let backend: any InferenceBackend
    let scheduler: Scheduler

    /// Waits for a slot, then runs `body` with the generation's events; the slot is given back when `body`
    /// returns or throws. Cancelling the calling task cancels the wait or the generation.
    /// - Throws: `CancellationError` if cancelled while queued, or whatever `body` throws.
    public func run<Value: Sendable>(
        _ body: (AsyncThrowingStream<InferenceEvent, any Error>) async throws -> Value
    ) async throws -> Value {
        defer { ticket.finish() }
        try await scheduler.waitForAdmission(ticket)
        return try await body(backend.generate(prepared))
    }

    /// Gives the place in the queue back without running.
    public func cancel() {
        ticket.finish()
    }
}
