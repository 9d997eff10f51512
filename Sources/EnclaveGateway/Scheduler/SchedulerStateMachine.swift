// Enclave gateway: the scheduler's decisions, as a pure state machine.

public import EnclaveCore

/// The scheduler's logic without any concurrency: which request runs, which waits, which is turned away,
/// and (with preemption) which running request gives its slot back.
///
/// **Policy `fair`.** Waiting requests are ordered by two-level deficit round robin on tokens (a request
/// costs its prompt tokens plus its `max_tokens`): across teams by their weights, then across the users of a
/// team with equal weights, first-in first-out within a user (``FairQueue``). Interactive requests always go
/// first; batch requests run only while no interactive request waits.
///
/// *Fairness bound.* Let `Q` be ``Configuration/quantum``, `M` the largest cost, and `w` team weights.
/// Over any stretch of admissions from the queue during which teams `i` and `j` always have requests
/// waiting, `|served_i / w_i − served_j / w_j| < 2·Q + M / min(w_i, w_j)` tokens, so each such team's
/// served tokens stay within `w_i × (2·Q + M / w_min)` of its weighted share `T × w_i / W` of the `T`
/// tokens served (`W` the weights' sum). The same holds for the users of one team with weight 1.
/// Requests admitted at once (a slot was free and nobody waited) and requests admitted by preemption are
/// outside the bound: they take nobody's turn.
///
/// **Preemption.** With ``Configuration/preemption`` on, a user may not hold more than their fair share of
/// running slots while another waits: a user's share is `capacity × w_team / W_active ÷ users of the team
/// with requests` (counting only teams and users with interactive requests running or waiting). When
/// every slot is busy and an interactive request waits whose user runs fewer than their share, the
/// machine suspends a victim, the most recently started preemptible request of a running batch request,
/// else of the user most over their share, and gives the slot to the waiting user's oldest request. It
/// does so only while the move leaves the victim's user at least as well off, relative to share, as the
/// user who gains (so slots never swap back and forth). A suspended request goes back to the front of its
/// user's queue and resumes (``Changes/resumed``) when its turn comes. A slot that frees goes first to a
/// waiting user under their share, then in round robin order. Only requests marked
/// ``markPreemptible(_:)`` (their backend can pause them) are ever suspended.
///
/// **Policy `fifo`.** One first-in first-out queue, no classes, no preemption.
///
/// Bounds: at most ``Configuration/queueLength`` requests wait and one user at most
/// ``Configuration/queueLengthPerUser`` (suspended requests do not count); a request over either is
/// rejected at once.
///
/// Every event returns what to do; ``Scheduler`` applies it.
///
/// ```swift
/// var machine = SchedulerStateMachine(configuration: .init(capacity: 1, queueLength: 8))
/// machine.submit(1, share: FairShare(user: "alice"))   // (.admitted, Changes())
/// machine.submit(2, share: FairShare(user: "alice"))   // (.queued, Changes())
/// machine.finish(1)                                    // Changes(admitted: [2])
/// ```
public struct SchedulerStateMachine: Sendable {
    /// The identifier of one request in the scheduler.
    public typealias TicketID = UInt64

    /// Bounds and policy of the scheduler.
    public struct Configuration: Sendable, Hashable {
        /// How many requests run at once.
        public var capacity: Int
        /// How many requests may wait, in total.
        public var queueLength: Int
        /// How many requests one user may have waiting.
        public var queueLengthPerUser: Int
        /// Fair (deficit round robin, classes) or FIFO.
        public var policy: SchedulingConfiguration.Policy
        /// Whether a user over their share of slots gives one back to a user under it who waits (fair only).
        public var preemption: Bool
        /// Tokens credited to a flow of weight 1 on each round robin visit.
        public var quantum: Int

        /// Creates bounds; the per-user bound defaults to the total one.
        public init(
            capacity: Int,
            queueLength: Int,
            queueLengthPerUser: Int? = nil,
            policy: SchedulingConfiguration.Policy = .fair,
            preemption: Bool = false,
            quantum: Int = 256
        ) {
            self.capacity = max(1, capacity)
            self.queueLength = max(0, queueLength)
            self.queueLengthPerUser = max(0, queueLengthPerUser ?? queueLength)
            self.policy = policy
            self.preemption = preemption && policy == .fair
            self.quantum = max(1, quantum)
        }
    }

    /// What happened to a submitted request.
    public enum SubmitAction: Sendable, Hashable {
        /// It may run now.
        case admitted
        /// It waits for a slot.
        case queued
        /// The queue (in total, or the user's share) is full.
        case rejected
    }

    /// What an event changed for requests other than the one it was about.
    public struct Changes: Sendable, Hashable {
        /// Waiting requests that may start now, in this order.
        public var admitted: [TicketID] = []
        /// Running requests to pause: their slots went to others.
        public var suspended: [TicketID] = []
        /// Suspended requests that may go on now.
        public var resumed: [TicketID] = []

        /// Creates changes.
        public init(admitted: [TicketID] = [], suspended: [TicketID] = [], resumed: [TicketID] = []) {
            self.admitted = admitted
            self.suspended = suspended
            self.resumed = resumed
        }

        /// Whether nothing changed.
        public var isEmpty: Bool { admitted.isEmpty && suspended.isEmpty && resumed.isEmpty }
    }

    struct Ticket: Sendable {
        var share: FairShare
        /// Admission order of its current run; `nil` while it waits.
        var startedAt: UInt64?
        /// Whether it ran before and waits again after a suspension.
        var wasSuspended = false
        /// Whether its backend can pause it.
        var preemptible = false
    }

    /// The current bounds.
    public private(set) var configuration: Configuration
    var tickets: [TicketID: Ticket] = [:]
    var running: Set<TicketID> = []
    var queues: [SchedulingClass: FairQueue]
    private var freshQueued = 0
    private var freshQueuedByUser: [String: Int] = [:]
    var admissions: UInt64 = 0

    /// Creates an empty scheduler.
    public init(configuration: Configuration) {
        self.configuration = configuration
        queues = [.interactive: FairQueue(quantum: configuration.quantum), .batch: FairQueue(quantum: configuration.quantum)]
    }

    /// How many requests wait (suspended ones included).
    public var queueDepth: Int { tickets.count - running.count }
    /// How many requests run.
    public var activeCount: Int { running.count }
    /// Whether the ticket runs.
    public func isRunning(_ id: TicketID) -> Bool { running.contains(id) }
    /// Whether the ticket waits (for its first run, or after a suspension).
    public func isQueued(_ id: TicketID) -> Bool { tickets[id] != nil && !running.contains(id) }
    /// Whether the ticket was suspended and waits to resume.
    public func isSuspended(_ id: TicketID) -> Bool { isQueued(id) && tickets[id]?.wasSuspended == true }
    /// How many requests of this user wait for their first run.
    public func queuedCount(of user: String) -> Int { freshQueuedByUser[user] ?? 0 }
    /// How many requests of this user run.
    public func runningCount(of user: String) -> Int { running.count { tickets[$0]?.share.user == user } }
    /// The share a ticket was submitted with.
    public func share(of id: TicketID) -> FairShare? { tickets[id]?.share }

    /// Calls `body` for every ticket with its share and whether it runs.
    public func forEachTicket(_ body: (TicketID, FairShare, Bool) -> Void) {
        for (id, ticket) in tickets { body(id, ticket.share, running.contains(id)) }
    }

    /// A new request.
    /// - Returns: What happened to it, and what it changed for others (with preemption, a request that
    ///   waits may take a slot from a user over their share: it is then in ``Changes/admitted``).
    public mutating func submit(_ id: TicketID, share: FairShare) -> (SubmitAction, Changes) {
        precondition(tickets[id] == nil, "ticket \(id) submitted twice")
        let waiting = queues.values.contains { !$0.isEmpty }
        if running.count < configuration.capacity && !waiting {
            tickets[id] = Ticket(share: share)
            start(id)
            return (.admitted, Changes())
        }
        guard freshQueued < configuration.queueLength, queuedCount(of: share.user) < configuration.queueLengthPerUser else {
            return (.rejected, Changes())
        }
        tickets[id] = Ticket(share: share)
        freshQueued += 1
        freshQueuedByUser[share.user, default: 0] += 1
        enqueue(id, share: share)
        var changes = admitWhileFree()
        changes.merge(rebalance())
        return (.queued, changes)
    }

    /// A request ended (it ran to the end, failed or was cancelled), or left the queue.
    /// - Returns: What it changed for others; `nil` if the ticket was not in the scheduler.
    public mutating func finish(_ id: TicketID) -> Changes? {
        guard let ticket = tickets.removeValue(forKey: id) else { return nil }
        if running.remove(id) == nil {
            withdraw(id, share: ticket.share)
            if !ticket.wasSuspended { countStart(of: ticket.share) }
        }
        var changes = admitWhileFree()
        changes.merge(rebalance())
        return changes
    }

    /// The ticket's backend can pause it: it may be suspended from now on.
    public mutating func markPreemptible(_ id: TicketID) -> Changes {
        guard tickets[id] != nil else { return Changes() }
        tickets[id]?.preemptible = true
        return rebalance()
    }

    /// Changes the number of slots (the backend's capacity can change once its models load).
    public mutating func setCapacity(_ capacity: Int) -> Changes {
        configuration.capacity = max(1, capacity)
        var changes = admitWhileFree()
        changes.merge(rebalance())
        return changes
    }

    // MARK: queueing

    func queueClass(of share: FairShare) -> SchedulingClass {
        configuration.policy == .fifo ? .interactive : share.schedulingClass
    }

    /// The share as the queue orders it: under FIFO everyone is one user of one team, so the round robin
    /// degenerates to arrival order.
    func queueShare(of share: FairShare) -> FairShare {
        guard configuration.policy == .fifo else { return share }
        var one = share
        one.user = ""
        one.team = ""
        one.teamWeight = 1
        return one
    }

    /// Puts a ticket in its class's queue (at the front of its user's, for a suspended one).
    mutating func enqueue(_ id: TicketID, share: FairShare, atFront: Bool = false) {
        let queueClass = queueClass(of: share)
        let queueShare = queueShare(of: share)
        queues[queueClass]?.append(id, share: queueShare, atFront: atFront)
    }

    /// Takes a ticket out of its class's queue. Returns whether it was there.
    @discardableResult
    mutating func withdraw(_ id: TicketID, share: FairShare) -> Bool {
        let queueClass = queueClass(of: share)
        let queueShare = queueShare(of: share)
        return queues[queueClass]?.remove(id, share: queueShare) ?? false
    }

    /// Marks a ticket running, as the latest started.
    mutating func start(_ id: TicketID) {
        admissions += 1
        tickets[id]?.startedAt = admissions
        running.insert(id)
    }

    /// A ticket leaves the queue for its first run: it no longer counts against the queue bounds.
    private mutating func countStart(of share: FairShare) {
        freshQueued -= 1
        freshQueuedByUser[share.user, default: 0] -= 1
        if freshQueuedByUser[share.user] == 0 { freshQueuedByUser[share.user] = nil }
    }

    /// Admits a waiting ticket that was taken out of its queue.
    mutating func admitDequeued(_ id: TicketID, into changes: inout Changes) {
        guard let ticket = tickets[id] else { return }
        if ticket.wasSuspended {
            tickets[id]?.wasSuspended = false
            changes.resumed.append(id)
        } else {
            countStart(of: ticket.share)
            changes.admitted.append(id)
        }
        start(id)
    }

    private mutating func admitWhileFree() -> Changes {
        var changes = Changes()
        while running.count < configuration.capacity {
            // With preemption, a freed slot goes first to a user under their share (who would take one back
            // at once otherwise).
            if configuration.preemption, let candidate = underShareCandidate(), admitOutOfTurn(candidate.head, into: &changes) {
                continue
            }
            guard let entry = queues[.interactive]?.popNext() ?? queues[.batch]?.popNext() else { break }
            admitDequeued(entry.id, into: &changes)
        }
        return changes
    }
}

extension SchedulerStateMachine.Changes {
    mutating func merge(_ other: Self) {
        admitted += other.admitted
        suspended += other.suspended
        resumed += other.resumed
    }
}
