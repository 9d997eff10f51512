// Enclave gateway: the scheduler's decisions, tested synchronously.

import EnclaveGateway
import Testing

@Suite struct SchedulerStateMachineTests {
    typealias Machine = SchedulerStateMachine

    @Test func admitsUpToCapacityThenQueues() {
        var machine = Machine(configuration: .init(capacity: 2, queueLength: 4))
        #expect(machine.submit(1, principal: "a") == .admitted)
        #expect(machine.submit(2, principal: "a") == .admitted)
        #expect(machine.submit(3, principal: "a") == .queued)
        #expect(machine.activeCount == 2)
        #expect(machine.queueDepth == 1)
        #expect(machine.isRunning(1) && machine.isQueued(3))
    }

    @Test func rejectsWhenTheQueueIsFull() {
        var machine = Machine(configuration: .init(capacity: 1, queueLength: 2))
        #expect(machine.submit(1, principal: "a") == .admitted)
        #expect(machine.submit(2, principal: "b") == .queued)
        #expect(machine.submit(3, principal: "c") == .queued)
        #expect(machine.submit(4, principal: "d") == .rejected)
        #expect(machine.queueDepth == 2)
        // A place frees when a request leaves the queue.
        #expect(machine.finish(3) == .withdrawn)
        #expect(machine.submit(5, principal: "d") == .queued)
    }

    @Test func queueLengthZeroMeansNoWaiting() {
        var machine = Machine(configuration: .init(capacity: 1, queueLength: 0))
        #expect(machine.submit(1, principal: "a") == .admitted)
        #expect(machine.submit(2, principal: "a") == .rejected)
    }

    @Test func perPrincipalBoundLeavesRoomForOthers() {
        var machine = Machine(configuration: .init(capacity: 1, queueLength: 10, queueLengthPerPrincipal: 2))
        #expect(machine.submit(1, principal: "heavy") == .admitted)
        #expect(machine.submit(2, principal: "heavy") == .queued)
        #expect(machine.submit(3, principal: "heavy") == .queued)
        #expect(machine.submit(4, principal: "heavy") == .rejected)
        #expect(machine.submit(5, principal: "light") == .queued)
        #expect(machine.queuedCount(of: "heavy") == 2)
    }

    @Test func principalsTakeTurnsSoNoneStarves() {
        var machine = Machine(configuration: .init(capacity: 1, queueLength: 100))
        #expect(machine.submit(1, principal: "heavy") == .admitted)
        for id: Machine.TicketID in 2...6 { #expect(machine.submit(id, principal: "heavy") == .queued) }
        #expect(machine.submit(7, principal: "light") == .queued)
        #expect(machine.submit(8, principal: "other") == .queued)
        #expect(machine.submit(9, principal: "light") == .queued)

        var order: [Machine.TicketID] = []
        var running: Machine.TicketID = 1
        while true {
            guard case .released(let admitted) = machine.finish(running) else {
                Issue.record("a running ticket must release")
                return
            }
            guard let next = admitted.first else { break }
            #expect(admitted.count == 1)
            order.append(next)
            running = next
        }
        // heavy's second request, then light's and other's first ones, before heavy runs again.
        #expect(order == [2, 7, 8, 3, 9, 4, 5, 6])
        #expect(machine.activeCount == 0 && machine.queueDepth == 0)
    }

    @Test func withdrawnRequestsNeverRun() {
        var machine = Machine(configuration: .init(capacity: 1, queueLength: 4))
        _ = machine.submit(1, principal: "a")
        _ = machine.submit(2, principal: "b")
        _ = machine.submit(3, principal: "b")
        #expect(machine.finish(2) == .withdrawn)
        #expect(machine.finish(1) == .released(admitted: [3]))
        #expect(machine.finish(2) == .unknown)
    }

    @Test func finishingTwiceIsHarmless() {
        var machine = Machine(configuration: .init(capacity: 1, queueLength: 1))
        _ = machine.submit(1, principal: "a")
        #expect(machine.finish(1) == .released(admitted: []))
        #expect(machine.finish(1) == .unknown)
        #expect(machine.activeCount == 0)
    }

    @Test func raisingCapacityAdmitsWaitingRequestsFairly() {
        var machine = Machine(configuration: .init(capacity: 1, queueLength: 10))
        _ = machine.submit(1, principal: "a")
        _ = machine.submit(2, principal: "a")
        _ = machine.submit(3, principal: "a")
        _ = machine.submit(4, principal: "b")
        #expect(machine.setCapacity(3) == [2, 4])
        #expect(machine.activeCount == 3)
        #expect(machine.isQueued(3))
        // Lowering it admits nothing and lets the running ones finish.
        #expect(machine.setCapacity(1) == [])
        #expect(machine.finish(1) == .released(admitted: []))
        #expect(machine.finish(2) == .released(admitted: []))
        #expect(machine.finish(4) == .released(admitted: [3]))
    }

    @Test func newRequestsWaitBehindQueuedOnesEvenWhenASlotIsFree() {
        var machine = Machine(configuration: .init(capacity: 2, queueLength: 10))
        _ = machine.submit(1, principal: "a")
        _ = machine.submit(2, principal: "a")
        _ = machine.submit(3, principal: "a")
        // Lower then raise capacity so that a slot is free while 3 waits: it must go first.
        _ = machine.setCapacity(1)
        #expect(machine.finish(1) == .released(admitted: []))
        #expect(machine.submit(4, principal: "b") == .queued)
        #expect(machine.finish(2) == .released(admitted: [3]))
    }
}
