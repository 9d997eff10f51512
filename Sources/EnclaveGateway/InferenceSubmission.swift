// Enclave gateway: a prepared request with a place in its backend's queue.

public import EnclaveCore

/// A prepared request with a place in the queue.
public struct InferenceSubmission: Sendable {
    /// The request, tokenised.
    public let prepared: PreparedInference
    let ticket: SchedulerTicket
    let backend: any InferenceBackend
    let scheduler: Scheduler

    /// Waits for a slot, then runs `body` with the generation's events; the slot is given back when `body`
    /// returns or throws. Cancelling the calling task cancels the wait or the generation. When the scheduler
    /// preempts and the backend can pause the generation (``PreemptibleBackend``), the scheduler may take the
    /// slot back while `body` runs: the events then pause until the slot is given again.
    /// - Throws: `CancellationError` if cancelled while queued, or whatever `body` throws.
    public func run<Value: Sendable>(
        _ body: (AsyncThrowingStream<InferenceEvent, any Error>) async throws -> Value
    ) async throws -> Value {
        defer { ticket.finish() }
        try await scheduler.waitForAdmission(ticket)
        if scheduler.preempts, let backend = backend as? any PreemptibleBackend, let generation = backend.preemptibleGeneration(prepared) {
            scheduler.attach(generation.control, to: ticket)
            return try await body(generation.events)
        }
        return try await body(backend.generate(prepared))
    }

    /// Gives the place in the queue back without running.
    public func cancel() {
        ticket.finish()
    }
}
