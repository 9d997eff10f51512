// Enclave gateway: the fair scheduler between request handlers and a backend.

public import EnclaveCore
public import Metrics
import Synchronization

/// Admits requests to a backend: at most `capacity` run at once, the others wait in a bounded queue that
/// the principals share round-robin (``SchedulerStateMachine``). A full queue turns a request away at
/// once with ``InferenceError/overloaded(retryAfterSeconds:)``.
///
/// The state sits behind a `Mutex` rather than in an actor so that a waiting request can leave the queue
/// synchronously: from a task cancellation handler, and from a ``SchedulerTicket`` that is dropped.
///
/// ```swift
/// let ticket = try scheduler.enqueue(principal: "key:k_1")   // throws overloaded when full
/// try await scheduler.waitForAdmission(ticket)                // throws CancellationError if cancelled
/// defer { ticket.finish() }
/// ```
public final class Scheduler: Sendable {
    private struct State: ~Copyable {
        var machine: SchedulerStateMachine
        var nextID: SchedulerStateMachine.TicketID = 1
        var waiters: [SchedulerStateMachine.TicketID: CheckedContinuation<Void, any Error>] = [:]
        var enqueuedAt: [SchedulerStateMachine.TicketID: Duration] = [:]
        var admittedAt: [SchedulerStateMachine.TicketID: Duration] = [:]
        /// Moving average of how long a request holds a slot, in seconds (for Retry-After).
        var averageRunSeconds: Double = 1
    }

    private let state: Mutex<State>
    private let capacityProvider: @Sendable () -> Int
    private let metrics: SchedulerMetrics
    /// Time since the scheduler was created, on its clock.
    private let elapsed: @Sendable () -> Duration

    /// Creates a scheduler.
    /// - Parameters:
    ///   - queueLength: How many requests may wait in total.
    ///   - queueLengthPerPrincipal: How many requests one principal may have waiting; `nil`: `queueLength`.
    ///   - capacity: How many requests may run at once; read again at every decision, so it may change
    ///     (a backend knows its capacity once its models are loaded).
    ///   - dimensions: Labels of its metrics (the gateway adds the backend's name, so schedulers of several
    ///     backends report apart).
    ///   - metricsFactory: Where queue depth, active sequences, queue time and rejections are reported.
    ///   - clock: Measures queue and run times (for the queue-time metric and Retry-After); tests pass a
    ///     manual clock.
    public init<C: Clock<Duration>>(
        queueLength: Int,
        queueLengthPerPrincipal: Int? = nil,
        capacity: @escaping @Sendable () -> Int,
        dimensions: [(String, String)] = [],
        metricsFactory: any MetricsFactory = MetricsSystem.factory,
        clock: C = ContinuousClock()
    ) {
        let configuration = SchedulerStateMachine.Configuration(
            capacity: capacity(),
            queueLength: queueLength,
            queueLengthPerPrincipal: queueLengthPerPrincipal
        )
        self.state = Mutex(State(machine: SchedulerStateMachine(configuration: configuration)))
        self.capacityProvider = capacity
        self.metrics = SchedulerMetrics(dimensions: dimensions, factory: metricsFactory)
        let start = clock.now
        self.elapsed = { start.duration(to: clock.now) }
        metrics.update(queueDepth: 0, active: 0)
    }

    /// How many requests wait.
    public var queueDepth: Int { state.withLock { $0.machine.queueDepth } }
    /// How many requests run.
    public var activeCount: Int { state.withLock { $0.machine.activeCount } }

    /// Puts a request in line, or admits it at once if a slot is free.
    /// - Returns: The request's ticket; ``waitForAdmission(_:)`` waits for its turn. Dropping the ticket
    ///   (or calling ``SchedulerTicket/finish()``) gives its place or slot back.
    /// - Throws: ``InferenceError/overloaded(retryAfterSeconds:)`` when the queue is full.
    public func enqueue(principal: String) throws(InferenceError) -> SchedulerTicket {
        struct Decision {
            var id: SchedulerStateMachine.TicketID
            var action: SchedulerStateMachine.SubmitAction
            var resumed: [CheckedContinuation<Void, any Error>]
            var depth: Int
            var active: Int
            var retryAfterSeconds: Double
        }
        let capacity = capacityProvider()
        let now = elapsed()
        let decision = state.withLock { state in
            let admitted = state.machine.configuration.capacity == capacity ? [] : state.machine.setCapacity(capacity)
            let id = state.nextID
            state.nextID += 1
            let action = state.machine.submit(id, principal: principal)
            switch action {
            case .admitted: state.admittedAt[id] = now
            case .queued: state.enqueuedAt[id] = now
            case .rejected: break
            }
            // Roughly how long until a place frees: the queue ahead, served `capacity` at a time.
            let retryAfter = state.averageRunSeconds * Double(state.machine.queueDepth + 1) / Double(max(1, capacity))
            return Decision(
                id: id,
                action: action,
                resumed: Self.resume(admitted, in: &state, now: now),
                depth: state.machine.queueDepth,
                active: state.machine.activeCount,
                retryAfterSeconds: retryAfter
            )
        }
        for continuation in decision.resumed { continuation.resume() }
        metrics.update(queueDepth: decision.depth, active: decision.active)
        switch decision.action {
        case .rejected:
            metrics.rejected.increment()
            throw InferenceError.overloaded(retryAfterSeconds: Int(min(60, decision.retryAfterSeconds.rounded(.up))))
        case .admitted:
            metrics.queueTime.recordNanoseconds(0)
        case .queued:
            break
        }
        return SchedulerTicket(id: decision.id, scheduler: self)
    }

    /// Waits until the ticket may run.
    /// - Throws: `CancellationError` if the task is cancelled first; the ticket then leaves the queue.
    public func waitForAdmission(_ ticket: SchedulerTicket) async throws {
        let id = ticket.id
        try await withTaskCancellationHandler {
            try await withCheckedThrowingContinuation { (continuation: CheckedContinuation<Void, any Error>) in
                let outcome: Result<Void, any Error>? = state.withLock { state in
                    if state.machine.isRunning(id) { return .success(()) }
                    guard state.machine.isQueued(id) else { return .failure(CancellationError()) }
                    if Task.isCancelled { return .failure(CancellationError()) }
                    state.waiters[id] = continuation
                    return nil
                }
                if let outcome { continuation.resume(with: outcome) }
            }
        } onCancel: {
            let continuation = state.withLock { state -> CheckedContinuation<Void, any Error>? in
                guard state.machine.isQueued(id) else { return nil }
                return state.waiters.removeValue(forKey: id)
            }
            // Leaving the queue happens in finish(_:), when the ticket is released by its owner.
            continuation?.resume(throwing: CancellationError())
        }
    }

    /// Gives back the ticket's place in the queue or its slot; admits the next requests. Idempotent.
    func finish(_ id: SchedulerStateMachine.TicketID) {
        let capacity = capacityProvider()
        let now = elapsed()
        let (continuations, depth, active, waited, orphan) = state.withLock { state in
            var admitted = state.machine.configuration.capacity == capacity ? [] : state.machine.setCapacity(capacity)
            let action = state.machine.finish(id)
            var orphan: CheckedContinuation<Void, any Error>?
            switch action {
            case .released(let next):
                admitted += next
                if let start = state.admittedAt.removeValue(forKey: id) {
                    let seconds = Self.seconds(now - start)
                    state.averageRunSeconds = 0.8 * state.averageRunSeconds + 0.2 * seconds
                }
            case .withdrawn:
                state.enqueuedAt[id] = nil
                orphan = state.waiters.removeValue(forKey: id)
            case .unknown:
                break
            }
            var waited: [Double] = []
            for next in admitted {
                if let start = state.enqueuedAt[next] { waited.append(Self.seconds(now - start)) }
            }
            let continuations = Self.resume(admitted, in: &state, now: now)
            return (continuations, state.machine.queueDepth, state.machine.activeCount, waited, orphan)
        }
        orphan?.resume(throwing: CancellationError())
        for continuation in continuations { continuation.resume() }
        for seconds in waited { metrics.queueTime.recordNanoseconds(Int64(seconds * 1e9)) }
        metrics.update(queueDepth: depth, active: active)
    }

    private static func seconds(_ duration: Duration) -> Double {
        let (seconds, attoseconds) = duration.components
        return Double(seconds) + Double(attoseconds) / 1e18
    }

    /// Marks `admitted` as running and takes the continuations of those already waiting.
    private static func resume(
        _ admitted: [SchedulerStateMachine.TicketID],
        in state: inout State,
        now: Duration
    ) -> [CheckedContinuation<Void, any Error>] {
        var continuations: [CheckedContinuation<Void, any Error>] = []
        for id in admitted {
            state.enqueuedAt[id] = nil
            state.admittedAt[id] = now
            if let continuation = state.waiters.removeValue(forKey: id) { continuations.append(continuation) }
        }
        return continuations
    }
}
