// Enclave gateway: the fair scheduler between request handlers and a backend.

public import EnclaveCore
public import Metrics
import Synchronization

/// Admits requests to a backend: at most `capacity` run at once, the others wait in a bounded queue in the
/// order of ``SchedulerStateMachine`` (fair: deficit round robin on tokens across teams and users, with an
/// interactive and a batch class; or FIFO). A full queue turns a request away at once with
/// ``InferenceError/overloaded(retryAfterSeconds:)``. With preemption, a running request whose backend can
/// pause it (``attach(_:to:)``) may be suspended so that a user under their share gets its slot.
///
/// The state sits behind a `Mutex` rather than in an actor so that a waiting request can leave the queue
/// synchronously: from a task cancellation handler, and from a ``SchedulerTicket`` that is dropped.
///
/// ```swift
/// let ticket = try scheduler.enqueue(FairShare(user: "u_1", cost: 300), model: "smollm2")   // throws overloaded when full
/// try await scheduler.waitForAdmission(ticket)                                              // throws CancellationError if cancelled
/// defer { ticket.finish() }
/// ```
public final class Scheduler: Sendable {
    typealias TicketID = SchedulerStateMachine.TicketID

    struct State: ~Copyable {
        var machine: SchedulerStateMachine
        var nextID: TicketID = 1
        var waiters: [TicketID: CheckedContinuation<Void, any Error>] = [:]
        var controls: [TicketID: any SequenceControl] = [:]
        var models: [TicketID: String] = [:]
        var enqueuedAt: [TicketID: Duration] = [:]
        var admittedAt: [TicketID: Duration] = [:]
        /// Moving average of how long a request holds a slot, in seconds (for Retry-After).
        var averageRunSeconds: Double = 1
    }

    let state: Mutex<State>
    private let capacityProvider: @Sendable () -> Int
    let metrics: SchedulerMetrics
    /// Time since the scheduler was created, on its clock.
    private let elapsed: @Sendable () -> Duration

    /// Creates a scheduler.
    /// - Parameters:
    ///   - queueLength: How many requests may wait in total.
    ///   - queueLengthPerPrincipal: How many requests one user may have waiting; `nil`: `queueLength`.
    ///   - policy: Fair (deficit round robin across teams and users, classes) or FIFO.
    ///   - preemption: Whether a user over their share of slots gives one back to a waiting user under it.
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
        policy: SchedulingConfiguration.Policy = .fair,
        preemption: Bool = false,
        capacity: @escaping @Sendable () -> Int,
        dimensions: [(String, String)] = [],
        metricsFactory: any MetricsFactory = MetricsSystem.factory,
        clock: C = ContinuousClock()
    ) {
        let configuration = SchedulerStateMachine.Configuration(
            capacity: capacity(),
            queueLength: queueLength,
            queueLengthPerUser: queueLengthPerPrincipal,
            policy: policy,
            preemption: preemption
        )
        self.state = Mutex(State(machine: SchedulerStateMachine(configuration: configuration)))
        self.capacityProvider = capacity
        self.metrics = SchedulerMetrics(dimensions: dimensions, factory: metricsFactory)
        let start = clock.now
        self.elapsed = { start.duration(to: clock.now) }
        metrics.update(queueDepth: 0, active: 0)
    }

    /// How many requests wait (suspended ones included).
    public var queueDepth: Int { state.withLock { $0.machine.queueDepth } }
    /// How many requests run.
    public var activeCount: Int { state.withLock { $0.machine.activeCount } }
    /// Whether running requests may be suspended (the policy is fair and preemption is on).
    public var preempts: Bool { state.withLock { $0.machine.configuration.preemption } }
    /// Whether the ticket is suspended (its slot was taken back) and waits to resume.
    public func isSuspended(_ ticket: SchedulerTicket) -> Bool { state.withLock { $0.machine.isSuspended(ticket.id) } }

    /// Puts a request of `principal` (a user id, in the default team) in line; see ``enqueue(_:model:)``.
    public func enqueue(principal: String) throws(InferenceError) -> SchedulerTicket {
        try enqueue(FairShare(user: principal), model: "")
    }

    /// Puts a request in line, or admits it at once if a slot is free.
    /// - Parameters:
    ///   - share: Whose request it is, its class and its cost.
    ///   - model: The model it asks for (a metrics label).
    /// - Returns: The request's ticket; ``waitForAdmission(_:)`` waits for its turn. Dropping the ticket
    ///   (or calling ``SchedulerTicket/finish()``) gives its place or slot back.
    /// - Throws: ``InferenceError/overloaded(retryAfterSeconds:)`` when the queue is full.
    public func enqueue(_ share: FairShare, model: String) throws(InferenceError) -> SchedulerTicket {
        let capacity = capacityProvider()
        let now = elapsed()
        let (id, action, retryAfter, effects) = state.withLock { state in
            var changes = state.machine.configuration.capacity == capacity ? SchedulerStateMachine.Changes() : state.machine.setCapacity(capacity)
            let id = state.nextID
            state.nextID += 1
            let (action, submitted) = state.machine.submit(id, share: share)
            changes.merge(submitted)
            switch action {
            case .admitted:
                state.admittedAt[id] = now
                state.models[id] = model
            case .queued:
                state.enqueuedAt[id] = now
                state.models[id] = model
            case .rejected:
                break
            }
            // Roughly how long until a place frees: the queue ahead, served `capacity` at a time.
            let retryAfter = state.averageRunSeconds * Double(state.machine.queueDepth + 1) / Double(max(1, capacity))
            return (id, action, retryAfter, Self.apply(changes, in: &state, now: now))
        }
        effects.run(metrics)
        switch action {
        case .rejected:
            metrics.rejected.increment()
            throw InferenceError.overloaded(retryAfterSeconds: Int(min(60, retryAfter.rounded(.up))))
        case .admitted:
            metrics.queueTime.recordNanoseconds(0)
            metrics.queueTime(team: share.teamName, model: model).recordNanoseconds(0)
        case .queued:
            break
        }
        return SchedulerTicket(id: id, scheduler: self)
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

    /// Hands the scheduler the control of the ticket's running generation: from now on it may suspend the
    /// generation to give its slot to a user under their share, and resume it when its turn comes again.
    public func attach(_ control: any SequenceControl, to ticket: SchedulerTicket) {
        let capacity = capacityProvider()
        let now = elapsed()
        let effects = state.withLock { state -> Effects in
            guard state.machine.share(of: ticket.id) != nil else { return Effects() }
            state.controls[ticket.id] = control
            // Suspended before its generation started: pause it at once.
            if state.machine.isSuspended(ticket.id) { control.suspend() }
            var changes = state.machine.configuration.capacity == capacity ? SchedulerStateMachine.Changes() : state.machine.setCapacity(capacity)
            changes.merge(state.machine.markPreemptible(ticket.id))
            return Self.apply(changes, in: &state, now: now)
        }
        effects.run(metrics)
    }

    /// Gives back the ticket's place in the queue or its slot; admits the next requests. Idempotent.
    func finish(_ id: TicketID) {
        let capacity = capacityProvider()
        let now = elapsed()
        let effects = state.withLock { state -> Effects in
            var changes = state.machine.configuration.capacity == capacity ? SchedulerStateMachine.Changes() : state.machine.setCapacity(capacity)
            let wasRunning = state.machine.isRunning(id)
            guard let finished = state.machine.finish(id) else { return Effects() }
            changes.merge(finished)
            var orphan: CheckedContinuation<Void, any Error>?
            if wasRunning, let start = state.admittedAt[id] {
                let seconds = Self.seconds(now - start)
                state.averageRunSeconds = 0.8 * state.averageRunSeconds + 0.2 * seconds
            }
            if !wasRunning { orphan = state.waiters.removeValue(forKey: id) }
            state.admittedAt[id] = nil
            state.enqueuedAt[id] = nil
            state.controls[id] = nil
            state.models[id] = nil
            var effects = Self.apply(changes, in: &state, now: now)
            if let orphan { effects.cancelled.append(orphan) }
            return effects
        }
        effects.run(metrics)
    }

    static func seconds(_ duration: Duration) -> Double {
        let (seconds, attoseconds) = duration.components
        return Double(seconds) + Double(attoseconds) / 1e18
    }
}
