// Enclave gateway: the scheduler's decisions, as a pure state machine.

/// The scheduler's logic without any concurrency: which request runs, which waits, which is turned away.
///
/// Requests wait in one FIFO queue per principal; when a slot frees, the principals take turns
/// (round-robin), so a principal with many queued requests cannot starve one with a single request. The
/// queue is bounded in total and per principal: a request over either bound is rejected at once.
///
/// Every event returns what to do; ``Scheduler`` applies it.
///
/// ```swift
/// var machine = SchedulerStateMachine(configuration: .init(capacity: 1, queueLength: 8))
/// machine.submit(1, principal: "alice")   // .admitted
/// machine.submit(2, principal: "alice")   // .queued
/// machine.finish(1)                       // .released(admitted: [2])
/// ```
public struct SchedulerStateMachine: Sendable {
    /// The identifier of one request in the scheduler.
    public typealias TicketID = UInt64

    /// Bounds of the scheduler.
    public struct Configuration: Sendable, Hashable {
        /// How many requests run at once.
        public var capacity: Int
        /// How many requests may wait, in total.
        public var queueLength: Int
        /// How many requests one principal may have waiting.
        public var queueLengthPerPrincipal: Int

        /// Creates bounds; the per-principal bound defaults to the total one.
        public init(capacity: Int, queueLength: Int, queueLengthPerPrincipal: Int? = nil) {
            self.capacity = max(1, capacity)
            self.queueLength = max(0, queueLength)
            self.queueLengthPerPrincipal = max(0, queueLengthPerPrincipal ?? queueLength)
        }
    }

    /// What happened to a submitted request.
    public enum SubmitAction: Sendable, Hashable {
        /// It may run now.
        case admitted
        /// It waits for a slot.
        case queued
        /// The queue (in total, or the principal's share) is full.
        case rejected
    }

    /// What a finished or withdrawn request changed.
    public enum FinishAction: Sendable, Hashable {
        /// A running request ended; these queued requests may run now, in this order.
        case released(admitted: [TicketID])
        /// A queued request left the queue before running.
        case withdrawn
        /// The ticket was not in the scheduler (already finished).
        case unknown
    }

    /// The current bounds.
    public private(set) var configuration: Configuration
    private var running: Set<TicketID> = []
    private var owner: [TicketID: String] = [:]
    private var queues: [String: [TicketID]] = [:]
    /// Principals with waiting requests, in the order in which they get their next turn.
    private var rotation: [String] = []

    /// Creates an empty scheduler.
    public init(configuration: Configuration) {
        self.configuration = configuration
    }

    /// How many requests wait.
    public var queueDepth: Int { owner.count - running.count }
    /// How many requests run.
    public var activeCount: Int { running.count }
    /// Whether the ticket runs.
    public func isRunning(_ id: TicketID) -> Bool { running.contains(id) }
    /// Whether the ticket waits.
    public func isQueued(_ id: TicketID) -> Bool { owner[id] != nil && !running.contains(id) }
    /// How many requests of this principal wait.
    public func queuedCount(of principal: String) -> Int { queues[principal]?.count ?? 0 }

    /// A new request from `principal`.
    public mutating func submit(_ id: TicketID, principal: String) -> SubmitAction {
        precondition(owner[id] == nil, "ticket \(id) submitted twice")
        if running.count < configuration.capacity && rotation.isEmpty {
            owner[id] = principal
            running.insert(id)
            return .admitted
        }
        guard queueDepth < configuration.queueLength,
            queuedCount(of: principal) < configuration.queueLengthPerPrincipal
        else {
            return .rejected
        }
        owner[id] = principal
        if queues[principal, default: []].isEmpty {
            rotation.append(principal)
        }
        queues[principal, default: []].append(id)
        return .queued
    }

    /// A request ended (it ran to the end, failed or was cancelled), or left the queue.
    public mutating func finish(_ id: TicketID) -> FinishAction {
        guard let principal = owner.removeValue(forKey: id) else { return .unknown }
        if running.remove(id) != nil {
            return .released(admitted: admitWhileFree())
        }
        queues[principal]?.removeAll { $0 == id }
        if queues[principal]?.isEmpty ?? true {
            queues[principal] = nil
            rotation.removeAll { $0 == principal }
        }
        return .withdrawn
    }

    /// Changes the number of slots (the backend's capacity can change once its models load).
    /// - Returns: Queued requests that may run now, in this order.
    public mutating func setCapacity(_ capacity: Int) -> [TicketID] {
        configuration.capacity = max(1, capacity)
        return admitWhileFree()
    }

    private mutating func admitWhileFree() -> [TicketID] {
        var admitted: [TicketID] = []
        while running.count < configuration.capacity, !rotation.isEmpty {
            let principal = rotation.removeFirst()
            var queue = queues[principal] ?? []
            let next = queue.removeFirst()
            if queue.isEmpty {
                queues[principal] = nil
            } else {
                queues[principal] = queue
                rotation.append(principal)
            }
            running.insert(next)
            admitted.append(next)
        }
        return admitted
    }
}
