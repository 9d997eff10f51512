// Enclave gateway: the fair scheduler's stated bound, checked over long random interleavings.

import EnclaveCore
import EnclaveGateway
import Testing

@Suite struct SchedulerFairnessBoundTests {
    typealias Machine = SchedulerStateMachine

    struct Team {
        var id: String
        var weight: Int
        var users: [String]
    }

    /// The worst distance to the bound seen over a run: each ratio is `difference / bound`, so the bound
    /// holds while it stays below 1.
    struct Worst {
        var teams = 0.0
        var users = 0.0
        /// Each team's served tokens relative to its slack around its weighted share (below 1: within).
        var share = 0.0
    }

    static let quantum = 256
    static let teams = [
        Team(id: "t1", weight: 1, users: ["a"]),
        Team(id: "t2", weight: 2, users: ["b", "c"]),
        Team(id: "t5", weight: 5, users: ["d", "e", "f"]),
    ]

    /// Teams of weights 1, 2 and 5 with one to three users each stay backlogged (every admitted request is
    /// replaced by a new one of the same user, with a random cost up to `maxCost`), served one at a time.
    /// After every admission it measures each pair of teams and each pair of users of a team against the
    /// bound of ``SchedulerStateMachine``: `|served_i / w_i − served_j / w_j| < 2·Q + M / min(w_i, w_j)`.
    static func simulate(policy: SchedulingConfiguration.Policy, seed: UInt64, maxCost: Int, admissions: Int = 4000) -> Worst {
        let teams = Self.teams
        var random = Random(state: seed)
        var machine = Machine(configuration: .init(capacity: 1, queueLength: 10_000, policy: policy, quantum: quantum))
        var nextID: Machine.TicketID = 1
        var owners: [Machine.TicketID: (team: Int, user: String, cost: Int)] = [:]

        func submit(team index: Int, user: String) {
            let team = teams[index]
            let cost = 1 + Int(random.next() % UInt64(maxCost))
            owners[nextID] = (index, user, cost)
            _ = machine.submit(nextID, share: FairShare(user: user, team: team.id, teamWeight: team.weight, cost: cost))
            nextID += 1
        }
        // The first request runs at once; then every user gets requests queued before anything is served.
        submit(team: 0, user: "a")
        var running: Machine.TicketID = 1
        for (index, team) in teams.enumerated() {
            for user in team.users {
                for _ in 0..<3 { submit(team: index, user: user) }
            }
        }

        var worst = Worst()
        var servedByTeam = [Int](repeating: 0, count: teams.count)
        var servedByUser: [String: Int] = [:]
        for _ in 0..<admissions {
            guard let next = machine.finish(running)?.admitted.first, let owner = owners[next] else {
                Issue.record("a backlogged scheduler must admit the next request")
                return worst
            }
            running = next
            servedByTeam[owner.team] += owner.cost
            servedByUser[owner.user, default: 0] += owner.cost
            // Keep the user backlogged: the round robin's bound assumes flows that never empty.
            submit(team: owner.team, user: owner.user)

            for i in teams.indices {
                for j in teams.indices where i < j {
                    let difference = abs(
                        Double(servedByTeam[i]) / Double(teams[i].weight) - Double(servedByTeam[j]) / Double(teams[j].weight)
                    )
                    let bound = Double(2 * quantum) + Double(maxCost) / Double(min(teams[i].weight, teams[j].weight))
                    worst.teams = max(worst.teams, difference / bound)
                }
            }
            for team in teams {
                for a in team.users {
                    for b in team.users where a < b {
                        let difference = Double(abs(servedByUser[a, default: 0] - servedByUser[b, default: 0]))
                        worst.users = max(worst.users, difference / Double(2 * quantum + maxCost))
                    }
                }
            }
        }
        // Each team's served tokens against its weighted share, to within the bound scaled by its weight.
        let total = Double(servedByTeam.reduce(0, +))
        let weights = Double(teams.map(\.weight).reduce(0, +))
        let smallest = Double(teams.map(\.weight).min() ?? 1)
        for (index, team) in teams.enumerated() {
            let expected = total * Double(team.weight) / weights
            let slack = Double(team.weight) * (Double(2 * quantum) + Double(maxCost) / smallest)
            worst.share = max(worst.share, abs(Double(servedByTeam[index]) - expected) / slack)
        }
        return worst
    }

    @Test(arguments: [(seed: UInt64(1), maxCost: 300), (seed: 7, maxCost: 2000), (seed: 42, maxCost: 40)])
    func servedTokensStayWithinTheBound(seed: UInt64, maxCost: Int) {
        let worst = Self.simulate(policy: .fair, seed: seed, maxCost: maxCost)
        #expect(worst.teams < 1, "teams exceeded the bound: \(worst.teams)")
        #expect(worst.users < 1, "users of a team exceeded the bound: \(worst.users)")
        #expect(worst.share < 1, "a team left its weighted share: \(worst.share)")
    }

    /// The same measure catches a scheduler that is not fair: FIFO serves each backlogged user in turn, so
    /// the team of three users gets three times the team of one, whatever the weights.
    @Test func fifoBreaksTheBound() {
        let worst = Self.simulate(policy: .fifo, seed: 1, maxCost: 300)
        #expect(worst.teams > 1 && worst.share > 1)
    }

    /// A small deterministic generator (SplitMix64), so that a failure reproduces.
    struct Random {
        var state: UInt64

        mutating func next() -> UInt64 {
            state &+= 0x9E37_79B9_7F4A_7C15
            var z = state
            z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
            z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
            return z ^ (z >> 31)
        }
    }
}
