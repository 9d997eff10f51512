// Enclave gateway: one request's place in the scheduler.

/// A request's place in a ``Scheduler``: first in the queue, then in a running slot. Finishing the ticket,
/// or dropping the last reference to it, gives the place back, so a request whose handler is torn down
/// never keeps a slot.
public final class SchedulerTicket: Sendable {
    let id: SchedulerStateMachine.TicketID
    private let scheduler: Scheduler

    init(id: SchedulerStateMachine.TicketID, scheduler: Scheduler) {
        self.id = id
        self.scheduler = scheduler
    }

    /// Gives back the place or the slot. Calling it again does nothing.
    public func finish() {
        scheduler.finish(id)
    }

    deinit {
        scheduler.finish(id)
    }
}
