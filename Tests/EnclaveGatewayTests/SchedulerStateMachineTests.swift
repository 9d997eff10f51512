// Enclave gateway: the scheduler's decisions, tested synchronously.

import EnclaveCore
import EnclaveGateway
import Testing

@Suite struct SchedulerStateMachineTests {
    typealias Machine = SchedulerStateMachine
    typealias Changes = SchedulerStateMachine.Changes

    /// A request of `user` costing one quantum, so that round robin serves one per visit.
    static func share(_ user: String, team: String = FairShare.defaultTeam, weight: Int = 1, cost: Int = 256, batch: Bool = false) -> FairShare {
        FairShare(user: user, team: team, teamWeight: weight, schedulingClass: batch ? .batch : .interactive, cost: cost)
    }

    /// Submits and returns only the action (most tests have no preemption).
    static func submit(_ machine: inout Machine, _ id: Machine.TicketID, _ share: FairShare) -> Machine.SubmitAction {
        machine.submit(id, share: share).0
    }

    /// Finishes the running ticket, then each one it admitted in turn: the order of admissions from the queue.
    static func drain(_ machine: inout Machine, from first: Machine.TicketID) -> [Machine.TicketID] {
        var order: [Machine.TicketID] = []
        var running = first
        while let changes = machine.finish(running), let next = changes.admitted.first {
            #expect(changes.admitted.count == 1)
            order.append(next)
            running = next
        }
        return order
    }

    @Test func admitsUpToCapacityThenQueues() {
        var machine = Machine(configuration: .init(capacity: 2, queueLength: 4))
        #expect(Self.submit(&machine, 1, Self.share("a")) == .admitted)
        #expect(Self.submit(&machine, 2, Self.share("a")) == .admitted)
        #expect(Self.submit(&machine, 3, Self.share("a")) == .queued)
        #expect(machine.activeCount == 2)
        #expect(machine.queueDepth == 1)
        #expect(machine.isRunning(1) && machine.isQueued(3))
    }

    @Test func rejectsWhenTheQueueIsFull() {
        var machine = Machine(configuration: .init(capacity: 1, queueLength: 2))
        #expect(Self.submit(&machine, 1, Self.share("a")) == .admitted)
        #expect(Self.submit(&machine, 2, Self.share("b")) == .queued)
        #expect(Self.submit(&machine, 3, Self.share("c")) == .queued)
        #expect(Self.submit(&machine, 4, Self.share("d")) == .rejected)
        #expect(machine.queueDepth == 2)
        // A place frees when a request leaves the queue.
        #expect(machine.finish(3) == Changes())
        #expect(Self.submit(&machine, 5, Self.share("d")) == .queued)
    }

    @Test func queueLengthZeroMeansNoWaiting() {
        var machine = Machine(configuration: .init(capacity: 1, queueLength: 0))
        #expect(Self.submit(&machine, 1, Self.share("a")) == .admitted)
        #expect(Self.submit(&machine, 2, Self.share("a")) == .rejected)
    }

    @Test(arguments: [SchedulingConfiguration.Policy.fair, .fifo])
    func perUserBoundLeavesRoomForOthers(policy: SchedulingConfiguration.Policy) {
        var machine = Machine(configuration: .init(capacity: 1, queueLength: 10, queueLengthPerUser: 2, policy: policy))
        #expect(Self.submit(&machine, 1, Self.share("heavy")) == .admitted)
        #expect(Self.submit(&machine, 2, Self.share("heavy")) == .queued)
        #expect(Self.submit(&machine, 3, Self.share("heavy")) == .queued)
        #expect(Self.submit(&machine, 4, Self.share("heavy")) == .rejected)
        #expect(Self.submit(&machine, 5, Self.share("light")) == .queued)
        #expect(machine.queuedCount(of: "heavy") == 2)
    }

    @Test func usersTakeTurnsSoNoneStarves() {
        var machine = Machine(configuration: .init(capacity: 1, queueLength: 100))
        #expect(Self.submit(&machine, 1, Self.share("heavy")) == .admitted)
        for id: Machine.TicketID in 2...6 { #expect(Self.submit(&machine, id, Self.share("heavy")) == .queued) }
        #expect(Self.submit(&machine, 7, Self.share("light")) == .queued)
        #expect(Self.submit(&machine, 8, Self.share("other")) == .queued)
        #expect(Self.submit(&machine, 9, Self.share("light")) == .queued)
        // heavy's second request, then light's and other's first ones, before heavy runs again.
        #expect(Self.drain(&machine, from: 1) == [2, 7, 8, 3, 9, 4, 5, 6])
        #expect(machine.activeCount == 0 && machine.queueDepth == 0)
    }

    @Test func fifoServesInArrivalOrder() {
        var machine = Machine(configuration: .init(capacity: 1, queueLength: 100, policy: .fifo, preemption: true))
        #expect(!machine.configuration.preemption)
        _ = Self.submit(&machine, 1, Self.share("heavy"))
        for id: Machine.TicketID in 2...4 { _ = Self.submit(&machine, id, Self.share("heavy")) }
        _ = Self.submit(&machine, 5, Self.share("light", batch: true))
        _ = Self.submit(&machine, 6, Self.share("other", team: "t", weight: 5))
        #expect(Self.drain(&machine, from: 1) == [2, 3, 4, 5, 6])
    }

    /// Round robin is on tokens: a user sending requests four times as large gets about a quarter as many.
    @Test func usersShareTokensNotRequests() {
        var machine = Machine(configuration: .init(capacity: 1, queueLength: 100))
        _ = Self.submit(&machine, 1, Self.share("big", cost: 1024))
        for id: Machine.TicketID in 2...20 { _ = Self.submit(&machine, id, Self.share("big", cost: 1024)) }
        for id: Machine.TicketID in 21...60 { _ = Self.submit(&machine, id, Self.share("small", cost: 256)) }
        let order = Self.drain(&machine, from: 1).prefix(20)
        let big = order.filter { $0 <= 20 }.count
        let small = order.count - big
        #expect(big == 4 && small == 16)
    }

    @Test func teamsShareByWeight() {
        var machine = Machine(configuration: .init(capacity: 1, queueLength: 100))
        _ = Self.submit(&machine, 1, Self.share("a", team: "heavy-team", weight: 3))
        for id: Machine.TicketID in 2...30 { _ = Self.submit(&machine, id, Self.share("a", team: "heavy-team", weight: 3)) }
        // Two users share the light team's turns.
        for id: Machine.TicketID in 31...60 { _ = Self.submit(&machine, id, Self.share(id % 2 == 0 ? "b" : "c", team: "light-team", weight: 1)) }
        let order = Array(Self.drain(&machine, from: 1).prefix(16))
        #expect(order.filter { $0 <= 30 }.count == 12)
        #expect(order.filter { $0 > 30 }.count == 4)
        // Within the light team, its users alternate.
        #expect(order.filter { $0 > 30 } == [31, 32, 33, 34])
    }

    @Test func batchRunsOnlyWhenNoInteractiveRequestWaits() {
        var machine = Machine(configuration: .init(capacity: 1, queueLength: 100))
        _ = Self.submit(&machine, 1, Self.share("a"))
        _ = Self.submit(&machine, 2, Self.share("b", batch: true))
        _ = Self.submit(&machine, 3, Self.share("b", batch: true))
        _ = Self.submit(&machine, 4, Self.share("a"))
        _ = Self.submit(&machine, 5, Self.share("c"))
        #expect(Self.drain(&machine, from: 1) == [4, 5, 2, 3])
    }

    @Test func withdrawnRequestsNeverRun() {
        var machine = Machine(configuration: .init(capacity: 1, queueLength: 4))
        _ = Self.submit(&machine, 1, Self.share("a"))
        _ = Self.submit(&machine, 2, Self.share("b"))
        _ = Self.submit(&machine, 3, Self.share("b"))
        #expect(machine.finish(2) == Changes())
        #expect(machine.finish(1) == Changes(admitted: [3]))
        #expect(machine.finish(2) == nil)
    }

    @Test func finishingTwiceIsHarmless() {
        var machine = Machine(configuration: .init(capacity: 1, queueLength: 1))
        _ = Self.submit(&machine, 1, Self.share("a"))
        #expect(machine.finish(1) == Changes())
        #expect(machine.finish(1) == nil)
        #expect(machine.activeCount == 0)
    }

    @Test func raisingCapacityAdmitsWaitingRequestsFairly() {
        var machine = Machine(configuration: .init(capacity: 1, queueLength: 10))
        _ = Self.submit(&machine, 1, Self.share("a"))
        _ = Self.submit(&machine, 2, Self.share("a"))
        _ = Self.submit(&machine, 3, Self.share("a"))
        _ = Self.submit(&machine, 4, Self.share("b"))
        #expect(machine.setCapacity(3) == Changes(admitted: [2, 4]))
        #expect(machine.activeCount == 3)
        #expect(machine.isQueued(3))
        // Lowering it admits nothing and lets the running ones finish.
        #expect(machine.setCapacity(1) == Changes())
        #expect(machine.finish(1) == Changes())
        #expect(machine.finish(2) == Changes())
        #expect(machine.finish(4) == Changes(admitted: [3]))
    }

    @Test func newRequestsWaitBehindQueuedOnesEvenWhenASlotIsFree() {
        var machine = Machine(configuration: .init(capacity: 2, queueLength: 10))
        _ = Self.submit(&machine, 1, Self.share("a"))
        _ = Self.submit(&machine, 2, Self.share("a"))
        _ = Self.submit(&machine, 3, Self.share("a"))
        // Lower then raise capacity so that a slot is free while 3 waits: it must go first.
        _ = machine.setCapacity(1)
        #expect(machine.finish(1) == Changes())
        #expect(Self.submit(&machine, 4, Self.share("b")) == .queued)
        #expect(machine.finish(2) == Changes(admitted: [3]))
    }
}
