// Enclave gateway: waiting requests of one class, in two-level deficit round robin order.

/// The requests of one ``SchedulingClass`` that wait, ordered by deficit round robin on tokens: across
/// teams by their weights, then across the users of a team (equal weights), first-in first-out within a
/// user. Pure data; ``SchedulerStateMachine`` owns one per class.
///
/// ```swift
/// var queue = FairQueue(quantum: 256)
/// queue.append(1, share: share)
/// let next = queue.popNext()   // (1, share)
/// ```
struct FairQueue: Sendable {
    typealias TicketID = SchedulerStateMachine.TicketID

    struct Entry: Sendable, Hashable {
        var id: TicketID
        var share: FairShare
    }

    private var teams: DeficitRoundRobin<String>
    private var teamWeights: [String: Int] = [:]
    /// Each active team's users, in deficit round robin with equal weights.
    private var users: [String: DeficitRoundRobin<String>] = [:]
    /// Each active (team, user)'s requests, oldest first.
    private var queues: [UserKey: [Entry]] = [:]
    private let quantum: Int
    /// How many requests wait.
    private(set) var count = 0

    struct UserKey: Hashable, Sendable {
        var team: String
        var user: String
    }

    init(quantum: Int) {
        self.quantum = quantum
        teams = DeficitRoundRobin(quantum: quantum)
    }

    var isEmpty: Bool { count == 0 }

    /// The users with waiting requests, by team.
    var waitingUsers: [UserKey] { Array(queues.keys) }

    /// The oldest waiting request of a user.
    func head(of key: UserKey) -> Entry? { queues[key]?.first }

    /// Puts a request at the end of its user's queue, or at the front (a suspended request going back).
    mutating func append(_ id: TicketID, share: FairShare, atFront: Bool = false) {
        let key = UserKey(team: share.team, user: share.user)
        let entry = Entry(id: id, share: share)
        if atFront {
            queues[key, default: []].insert(entry, at: 0)
        } else {
            queues[key, default: []].append(entry)
        }
        teamWeights[share.team] = share.teamWeight
        teams.activate(share.team)
        users[share.team, default: DeficitRoundRobin(quantum: quantum)].activate(share.user)
        count += 1
    }

    /// Removes a waiting request (cancelled, or admitted out of turn). Returns whether it waited here.
    @discardableResult
    mutating func remove(_ id: TicketID, share: FairShare) -> Bool {
        let key = UserKey(team: share.team, user: share.user)
        guard let index = queues[key]?.firstIndex(where: { $0.id == id }) else { return false }
        queues[key]?.remove(at: index)
        count -= 1
        deactivateIfEmpty(key)
        return true
    }

    /// Takes the next request in deficit round robin order, charging its cost to its team and its user.
    mutating func popNext() -> Entry? {
        guard !isEmpty else { return nil }
        let queues = self.queues
        let weights = self.teamWeights
        let users = self.users
        let cost = { (key: UserKey) in queues[key]?.first?.share.cost ?? 1 }
        // A team's next request is the one its own round robin would pick: found on a copy, so looking does
        // not move the team's round.
        let teamCost = { (team: String) -> Int in
            guard var round = users[team] else { return 1 }
            guard let user = round.select(weight: { _ in 1 }, cost: { cost(UserKey(team: team, user: $0)) }) else { return 1 }
            return cost(UserKey(team: team, user: user))
        }
        guard let team = teams.select(weight: { weights[$0] ?? 1 }, cost: teamCost),
            let user = self.users[team]?.select(weight: { _ in 1 }, cost: { cost(UserKey(team: team, user: $0)) })
        else { return nil }
        let key = UserKey(team: team, user: user)
        guard let entry = self.queues[key]?.removeFirst() else { return nil }
        teams.charge(team, entry.share.cost)
        self.users[team]?.charge(user, entry.share.cost)
        count -= 1
        deactivateIfEmpty(key)
        return entry
    }

    private mutating func deactivateIfEmpty(_ key: UserKey) {
        guard queues[key]?.isEmpty ?? true else { return }
        queues[key] = nil
        users[key.team]?.deactivate(key.user)
        if users[key.team]?.isEmpty ?? true {
            users[key.team] = nil
            teams.deactivate(key.team)
            teamWeights[key.team] = nil
        }
    }
}
