// Enclave gateway: deficit round robin over flows, the building block of the fair queue.

/// Deficit round robin (Shreedhar and Varghese, 1995) over a set of active flows, without the queues: the
/// caller keeps each flow's queue and tells this which flows are active and what their next item costs.
///
/// Each visit to a flow credits it `quantum × weight`; the flow is served while its next item's cost fits
/// in its credit (the deficit), then the visit moves on. A flow that becomes inactive loses its credit, and
/// one that becomes active joins at the end of the round with none. So over any time in which two flows stay
/// active, each has received the same number of quanta (±1) and keeps less than one item's cost plus one
/// quantum unspent: their served costs divided by their weights differ by less than `2 × quantum + maxCost /
/// min(weight)`.
///
/// ```swift
/// var drr = DeficitRoundRobin<String>(quantum: 256)
/// drr.activate("a"); drr.activate("b")
/// let next = drr.select(weight: { _ in 1 }, cost: { headCost[$0]! })   // "a"
/// drr.charge(next!, headCost[next!]!)
/// ```
struct DeficitRoundRobin<Flow: Hashable & Sendable>: Sendable {
    /// The credit of one visit for a flow of weight 1.
    let quantum: Int
    /// The active flows in round order.
    private(set) var active: [Flow] = []
    private(set) var deficits: [Flow: Int] = [:]
    private var cursor = 0
    /// Whether the flow at the cursor has had its quantum on this visit.
    private var credited = false

    init(quantum: Int) {
        self.quantum = max(1, quantum)
    }

    var isEmpty: Bool { active.isEmpty }

    /// Adds a flow at the end of the round, with no credit. Does nothing for an active flow.
    mutating func activate(_ flow: Flow) {
        guard deficits[flow] == nil else { return }
        active.append(flow)
        deficits[flow] = 0
    }

    /// Removes a flow (its queue is empty); it loses its credit.
    mutating func deactivate(_ flow: Flow) {
        guard let index = active.firstIndex(of: flow) else { return }
        active.remove(at: index)
        deficits[flow] = nil
        if index < cursor {
            cursor -= 1
        } else if index == cursor {
            credited = false
        }
        if cursor >= active.count {
            cursor = 0
            credited = false
        }
    }

    /// The flow to serve next: the visit goes on while the flow's next item fits its credit, then moves to
    /// the next flow, crediting each on arrival. Repeated calls without ``charge(_:_:)`` give the same flow.
    /// - Parameters:
    ///   - weight: Each flow's weight (at least 1).
    ///   - cost: The cost of each flow's next item (at least 1).
    mutating func select(weight: (Flow) -> Int, cost: (Flow) -> Int) -> Flow? {
        guard !active.isEmpty else { return nil }
        while true {
            let flow = active[cursor]
            if !credited {
                deficits[flow, default: 0] += quantum * max(1, weight(flow))
                credited = true
            }
            if max(1, cost(flow)) <= deficits[flow, default: 0] { return flow }
            cursor = (cursor + 1) % active.count
            credited = false
        }
    }

    /// Takes the cost of an item served from the flow out of its credit.
    mutating func charge(_ flow: Flow, _ cost: Int) {
        guard deficits[flow] != nil else { return }
        deficits[flow, default: 0] -= max(1, cost)
    }
}
