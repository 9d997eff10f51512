// Enclave gateway: taking slots back from users over their share.

extension SchedulerStateMachine {
    /// A user's claim on slots: their share, and how many they hold.
    struct Claim {
        var share: Double
        var running: Int
        /// Slots held relative to the share.
        var load: Double { Double(running) / share }
    }

    /// Suspends victims and admits waiting users under their share while every slot is busy (see the type's
    /// documentation).
    mutating func rebalance() -> Changes {
        var changes = Changes()
        guard configuration.preemption else { return changes }
        while running.count >= configuration.capacity, let move = nextMove() {
            suspend(move.victim, into: &changes)
            guard admitOutOfTurn(move.admit, into: &changes) else { break }
        }
        return changes
    }

    /// Takes a waiting ticket out of its queue, without charging its turn, and admits it.
    /// - Returns: Whether it was waiting (and now runs).
    @discardableResult
    mutating func admitOutOfTurn(_ id: TicketID, into changes: inout Changes) -> Bool {
        guard let share = tickets[id]?.share, withdraw(id, share: share) else {
            return false
        }
        admitDequeued(id, into: &changes)
        return true
    }

    /// The waiting interactive request of the user furthest under their share of slots, if any user with
    /// a waiting request runs fewer than their share.
    func underShareCandidate() -> (user: String, claim: Claim, head: TicketID)? {
        guard let interactive = queues[.interactive], !interactive.isEmpty else { return nil }
        let claims = self.claims()
        let candidates = interactive.waitingUsers.compactMap { key -> (user: String, claim: Claim, head: TicketID)? in
            guard let claim = claims[key.user], Double(claim.running) < claim.share, let head = interactive.head(of: key) else { return nil }
            return (key.user, claim, head.id)
        }
        return candidates.min { ($0.claim.load, $0.head) < ($1.claim.load, $1.head) }
    }

    /// The next preemption: a victim to suspend and a waiting interactive ticket to run in its place.
    private func nextMove() -> (victim: TicketID, admit: TicketID)? {
        guard let candidate = underShareCandidate() else { return nil }
        let claims = self.claims()
        let preemptible = running.filter { tickets[$0]?.preemptible == true && tickets[$0]?.share.user != candidate.user }
        func latest(_ ids: [TicketID]) -> TicketID? {
            ids.max { (tickets[$0]?.startedAt ?? 0) < (tickets[$1]?.startedAt ?? 0) }
        }
        // Batch work gives way first.
        if let victim = latest(preemptible.filter { tickets[$0]?.share.schedulingClass == .batch }) {
            return (victim, candidate.head)
        }
        // Then the user most over their share, if the move leaves them no worse off than the one who gains.
        let gained = Double(candidate.claim.running + 1) / candidate.claim.share
        let victims = Dictionary(grouping: preemptible) { tickets[$0]?.share.user ?? "" }
        let over = victims.compactMap { user, ids -> (user: String, claim: Claim, ids: [TicketID])? in
            guard let claim = claims[user], Double(claim.running) > claim.share else { return nil }
            guard Double(claim.running - 1) / claim.share >= gained else { return nil }
            return (user, claim, ids)
        }
        guard let victimUser = over.max(by: { ($0.claim.load, $1.user) < ($1.claim.load, $0.user) }),
            let victim = latest(victimUser.ids)
        else { return nil }
        return (victim, candidate.head)
    }

    /// Each user's share of the slots and running interactive count, over the users with interactive
    /// requests running or waiting: the capacity split across their teams by weight, then equally across a
    /// team's users.
    func claims() -> [String: Claim] {
        var teamWeight: [String: Int] = [:]
        var teamUsers: [String: Set<String>] = [:]
        var userTeam: [String: String] = [:]
        var runningCount: [String: Int] = [:]
        for (id, ticket) in tickets where ticket.share.schedulingClass == .interactive {
            let share = ticket.share
            teamWeight[share.team] = share.teamWeight
            teamUsers[share.team, default: []].insert(share.user)
            userTeam[share.user] = share.team
            if running.contains(id) { runningCount[share.user, default: 0] += 1 }
        }
        let totalWeight = Double(teamWeight.values.reduce(0, +))
        guard totalWeight > 0 else { return [:] }
        var claims: [String: Claim] = [:]
        for (user, team) in userTeam {
            let teamShare = Double(configuration.capacity) * Double(teamWeight[team] ?? 1) / totalWeight
            let share = teamShare / Double(max(1, teamUsers[team]?.count ?? 1))
            claims[user] = Claim(share: share, running: runningCount[user] ?? 0)
        }
        return claims
    }

    /// Takes a running ticket's slot back: it waits again at the front of its user's queue.
    private mutating func suspend(_ id: TicketID, into changes: inout Changes) {
        guard let ticket = tickets[id], running.remove(id) != nil else { return }
        tickets[id]?.startedAt = nil
        tickets[id]?.wasSuspended = true
        enqueue(id, share: ticket.share, atFront: true)
        changes.suspended.append(id)
    }
}
