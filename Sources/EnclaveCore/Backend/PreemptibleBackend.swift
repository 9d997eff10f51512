// Enclave: a backend whose running generations the scheduler can pause.

/// A backend that can pause a running generation and continue it later (the embedded engine, by
/// recompute). Backends that cannot (an upstream HTTP server) do not conform, and their scheduler never
/// takes a slot back.
///
/// ```swift
/// if let backend = backend as? any PreemptibleBackend, let generation = backend.preemptibleGeneration(prepared) {
///     scheduler.attach(generation.control, to: ticket)
///     for try await event in generation.events { ... }
/// }
/// ```
public protocol PreemptibleBackend: InferenceBackend {
    /// Starts the generation like ``InferenceBackend/generate(_:)``, with a control to pause and continue it.
    /// - Returns: `nil` when this generation cannot be paused (for example a wrapper whose backend is not
    ///   loaded yet); the caller then uses ``InferenceBackend/generate(_:)``.
    func preemptibleGeneration(_ prepared: PreparedInference) -> PreemptibleGeneration?
}

/// A generation with the control that pauses and continues it.
public struct PreemptibleGeneration: Sendable {
    /// The generation's events, as ``InferenceBackend/generate(_:)`` streams them.
    public var events: AsyncThrowingStream<InferenceEvent, any Error>
    /// Pauses and continues the generation.
    public var control: any SequenceControl

    /// Creates a generation with its control.
    public init(events: AsyncThrowingStream<InferenceEvent, any Error>, control: any SequenceControl) {
        self.events = events
        self.control = control
    }
}
