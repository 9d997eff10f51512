// Enclave: the seam between the gateway and whatever runs the models.

/// Something that runs models: the embedded engine, an upstream server, or a scripted fake in tests.
///
/// The gateway routes each request by model id to the backend that serves it and puts one scheduler in
/// front of each backend. It calls ``prepare(_:)`` first, for every request, so that bad requests (unknown
/// model, a prompt over the context) fail before they take a place in the queue; it calls ``generate(_:)``
/// only once the scheduler admitted the request, and never runs more than ``capacity`` generations of one
/// backend at once.
///
/// Lifecycle, in the manner of vLLM's `EngineClient`: ``checkHealth()`` proves that the backend can
/// generate (the embedded engine runs a short sanity generation; an upstream would call its health
/// endpoint), and ``shutdown()`` stops it.
///
/// ```swift
/// let prepared = try await backend.prepare(request)
/// for try await event in backend.generate(prepared) {
///     if case .delta(let text, _) = event { print(text, terminator: "") }
/// }
/// ```
public protocol InferenceBackend: Sendable {
    /// The models this backend serves (also while they load).
    func models() async -> [ModelDescriptor]

    /// The load state of a model; `nil` for a model this backend does not know.
    func state(of model: String) async -> ModelState?

    /// Renders the chat template, tokenises, resolves max tokens and checks the context limit, before any compute.
    /// A backend whose upstream tokenises may leave ``PreparedInference/promptTokens`` `nil`.
    ///
    /// - Throws: ``InferenceError`` (`unknownModel`, `notReady`, `contextLengthExceeded`, `invalidParameter`).
    func prepare(_ request: InferenceRequest) async throws -> PreparedInference

    /// Streams the generation. Cancelling the consuming task (or dropping the stream) cancels the sequence within one decode step.
    ///
    /// The stream yields ``InferenceEvent/delta(text:logprobs:)`` events, then exactly one
    /// ``InferenceEvent/finished(_:_:)``, or throws an ``InferenceError``.
    func generate(_ prepared: PreparedInference) -> AsyncThrowingStream<InferenceEvent, any Error>

    /// How many sequences it can run at once (its scheduler admits up to this many).
    var capacity: Int { get }

    /// Gauges and counters of the backend's internal state for `/metrics` (a default returns none).
    func gauges() async -> [BackendGauge]

    /// Checks that the backend can serve; a default does nothing.
    /// - Throws: ``ModelLoadFailure`` saying what failed.
    func checkHealth() async throws

    /// Stops the backend: running generations end, later ones fail. A default does nothing.
    func shutdown() async
}

extension InferenceBackend {
    /// Healthy unless the backend checks something.
    public func checkHealth() async throws {}

    /// Nothing to stop unless the backend holds resources.
    public func shutdown() async {}
}
