// Enclave gateway: taking slots back from users over their share, tested synchronously.

import EnclaveCore
import EnclaveGateway
import Testing

@Suite struct SchedulerPreemptionTests {
    typealias Machine = SchedulerStateMachine
    typealias Changes = SchedulerStateMachine.Changes

    static func share(_ user: String, team: String = FairShare.defaultTeam, weight: Int = 1, batch: Bool = false) -> FairShare {
        FairShare(user: user, team: team, teamWeight: weight, schedulingClass: batch ? .batch : .interactive, cost: 256)
    }

    /// A machine with every slot held by `heavy`'s preemptible requests 1 ... capacity.
    static func saturated(capacity: Int, preemptible: Bool = true, preemption: Bool = true) -> Machine {
        var machine = Machine(configuration: .init(capacity: capacity, queueLength: 100, preemption: preemption))
        for id in 1...Machine.TicketID(capacity) {
            #expect(machine.submit(id, share: share("heavy")).0 == .admitted)
            if preemptible { #expect(machine.markPreemptible(id) == Changes()) }
        }
        return machine
    }

    @Test func aWaitingUserUnderTheirShareTakesTheNewestSlot() {
        var machine = Self.saturated(capacity: 4)
        let (action, changes) = machine.submit(10, share: Self.share("light"))
        #expect(action == .queued)
        #expect(changes == Changes(admitted: [10], suspended: [4]))
        #expect(machine.isRunning(10) && machine.isSuspended(4))
        // A second request of light still finds heavy over its share (3 of 2 slots): heavy gives one more.
        #expect(machine.submit(11, share: Self.share("light")).1 == Changes(admitted: [11], suspended: [3]))
        // At 2 and 2 nobody is over their share: a third one waits.
        #expect(machine.submit(12, share: Self.share("light")).1 == Changes())
        #expect(machine.runningCount(of: "heavy") == 2 && machine.runningCount(of: "light") == 2)
        // A slot that frees goes to light's waiting request while light is under its share, then heavy's
        // suspended requests resume, newest-suspended first (they went back to the front of heavy's queue).
        #expect(machine.finish(10) == Changes(admitted: [12]))
        #expect(machine.finish(11) == Changes(resumed: [3]))
        #expect(machine.finish(12) == Changes(resumed: [4]))
        #expect(machine.queueDepth == 0 && machine.runningCount(of: "heavy") == 4)
    }

    @Test func suspendedRequestsResumeAtTheFrontOfTheirQueue() {
        var machine = Self.saturated(capacity: 2)
        _ = machine.submit(5, share: Self.share("heavy"))
        #expect(machine.submit(10, share: Self.share("light")).1 == Changes(admitted: [10], suspended: [2]))
        // light leaves: heavy's suspended request goes before its newer queued one.
        #expect(machine.finish(10) == Changes(resumed: [2]))
        #expect(machine.finish(1) == Changes(admitted: [5]))
        #expect(machine.queueDepth == 0)
    }

    @Test func onlyPreemptibleRequestsAreSuspended() {
        var machine = Self.saturated(capacity: 2, preemptible: false)
        #expect(machine.submit(10, share: Self.share("light")).1 == Changes())
        // Once a running request's backend offers its control, it may give way.
        #expect(machine.markPreemptible(2) == Changes(admitted: [10], suspended: [2]))
    }

    @Test func withoutPreemptionAWaiterWaitsForAFreeSlot() {
        var machine = Self.saturated(capacity: 2, preemption: false)
        #expect(machine.submit(10, share: Self.share("light")).1 == Changes())
        #expect(machine.finish(1) == Changes(admitted: [10]))
    }

    @Test func batchRequestsGiveWayFirst() {
        var machine = Machine(configuration: .init(capacity: 3, queueLength: 100, preemption: true))
        _ = machine.submit(1, share: Self.share("heavy"))
        _ = machine.submit(2, share: Self.share("heavy"))
        _ = machine.submit(3, share: Self.share("night", batch: true))
        for id: Machine.TicketID in 1...3 { _ = machine.markPreemptible(id) }
        // heavy holds 2 slots, over its share of 1.5, but the running batch request gives way first.
        #expect(machine.submit(10, share: Self.share("light")).1 == Changes(admitted: [10], suspended: [3]))
        // A waiting batch request never takes a slot back.
        #expect(machine.submit(11, share: Self.share("other", batch: true)).1 == Changes())
    }

    @Test func sharesFollowTeamWeights() {
        var machine = Machine(configuration: .init(capacity: 4, queueLength: 100, preemption: true))
        for id: Machine.TicketID in 1...4 {
            _ = machine.submit(id, share: Self.share("b", team: "light", weight: 1))
            _ = machine.markPreemptible(id)
        }
        // Team heavy has weight 3: its user's share is 3 of the 4 slots, so it takes three back.
        var admitted: [Machine.TicketID] = []
        for id: Machine.TicketID in 10...13 {
            admitted += machine.submit(id, share: Self.share("a", team: "heavy", weight: 3)).1.admitted
        }
        #expect(admitted == [10, 11, 12])
        #expect(machine.runningCount(of: "a") == 3 && machine.runningCount(of: "b") == 1)
    }

    @Test func slotsDoNotSwapBackAndForth() {
        // Three slots, two users: 2 and 1 is as fair as it gets; neither takes from the other.
        var machine = Self.saturated(capacity: 3)
        #expect(machine.submit(10, share: Self.share("light")).1.admitted == [10])
        for id: Machine.TicketID in 11...12 {
            #expect(machine.submit(id, share: Self.share("light")).1 == Changes())
        }
        _ = machine.markPreemptible(10)
        #expect(machine.runningCount(of: "heavy") == 2 && machine.runningCount(of: "light") == 1)
    }
}
