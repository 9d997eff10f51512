// Enclave gateway: the fair scheduler's stated bound, checked over long random interleavings.

import EnclaveGateway
import Testing

@Suite struct SchedulerFairnessBoundTests {
    typealias Machine = SchedulerStateMachine

    struct Team {
        var id: String
        var weight: Int
        var users: [String]
    }

    /// Teams of weights 1, 2 and 5 with one to three users each stay backlogged (every admitted request is
    /// replaced by a new one of a random user of its team, with a random cost up to `maxCost`), served one
    /// at a time. After every admission, each pair of teams and each pair of users of a team must be within
    /// the bound of ``SchedulerStateMachine``: `|served_i / w_i − served_j / w_j| < 2·Q + M / min(w_i, w_j)`.
    @Test(arguments: [(seed: UInt64(1), maxCost: 300), (seed: 7, maxCost: 2000), (seed: 42, maxCost: 40)])
    func servedTokensStayWithinTheBound(seed: UInt64, maxCost: Int) {
        let quantum = 256
        let teams = [
            Team(id: "t1", weight: 1, users: ["a"]),
            Team(id: "t2", weight: 2, users: ["b", "c"]),
            Team(id: "t5", weight: 5, users: ["d", "e", "f"]),
        ]
        var random = Random(state: seed)
        var machine = Machine(configuration: .init(capacity: 1, queueLength: 10_000, quantum: quantum))
        var nextID: Machine.TicketID = 1
        var owners: [Machine.TicketID: (team: Int, user: String, cost: Int)] = [:]

        func submit(team index: Int, user: String? = nil) {
            let team = teams[index]
            let user = user ?? team.users[Int(random.next() % UInt64(team.users.count))]
            let cost = 1 + Int(random.next() % UInt64(maxCost))
            let share = FairShare(user: user, team: team.id, teamWeight: team.weight, cost: cost)
            owners[nextID] = (index, user, cost)
            _ = machine.submit(nextID, share: share)
            nextID += 1
        }
        // The first request runs at once; then every user gets requests queued before anything is served.
        submit(team: 0)
        var running: Machine.TicketID = 1
        for (index, team) in teams.enumerated() {
            for user in team.users {
                for _ in 0..<3 { submit(team: index, user: user) }
            }
        }

        var servedByTeam = [Int](repeating: 0, count: teams.count)
        var servedByUser: [String: Int] = [:]
        for _ in 0..<4000 {
            guard let next = machine.finish(running)?.admitted.first, let owner = owners[next] else {
                Issue.record("a backlogged scheduler must admit the next request")
                return
            }
            running = next
            servedByTeam[owner.team] += owner.cost
            servedByUser[owner.user, default: 0] += owner.cost
            // Keep the user backlogged: the round robin's bound assumes flows that never empty.
            submit(team: owner.team, user: owner.user)

            for i in teams.indices {
                for j in teams.indices where i < j {
                    let difference = abs(Double(servedByTeam[i]) / Double(teams[i].weight) - Double(servedByTeam[j]) / Double(teams[j].weight))
                    let bound = Double(2 * quantum) + Double(maxCost) / Double(min(teams[i].weight, teams[j].weight))
                    #expect(difference < bound, "teams \(teams[i].id) and \(teams[j].id) differ by \(difference) > \(bound)")
                }
            }
            for team in teams {
                for a in team.users {
                    for b in team.users where a < b {
                        let difference = abs(servedByUser[a, default: 0] - servedByUser[b, default: 0])
                        #expect(difference < 2 * quantum + maxCost, "users \(a) and \(b) differ by \(difference)")
                    }
                }
            }
        }
        // And the shares are what the weights say, to within the bound scaled by the weight.
        let total = Double(servedByTeam.reduce(0, +))
        let weights = Double(teams.map(\.weight).reduce(0, +))
        for (index, team) in teams.enumerated() {
            let expected = total * Double(team.weight) / weights
            let slack = Double(team.weight) * (Double(2 * quantum) + Double(maxCost))
            #expect(abs(Double(servedByTeam[index]) - expected) < slack)
        }
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
