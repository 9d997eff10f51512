// Enclave gateway: tests of the limit gate over a usage store and a manual wall clock.

import EnclaveCore
import EnclaveGateway
import EnclaveTesting
import Foundation
import Testing

@Suite struct LimitGateTests {
    static let account = UsageAccount(userID: "usr_1", teamID: "team_1", keyID: "k_1", model: "m")

    static func subjects(_ user: LimitPolicy, team: LimitPolicy = .unlimited, key: LimitPolicy = .unlimited) -> [LimitedSubject] {
        account.subjects(key: key, user: user, team: team)
    }

    @Test func settledUsageIsRecordedForTheDayTheRequestEnds() async throws {
        let store = InMemoryUsageStore()
        let clock = ManualWallClock()
        let gate = try await LimitGate(store: store, clock: clock)
        let admission = try await gate.admit(Self.subjects(.unlimited), account: Self.account, promptTokens: 12, maxTokens: 100)
        clock.advance(by: 86_400)
        let over = try await gate.settle(admission, promptTokens: 12, completionTokens: 30)
        #expect(over == 112 - 42)
        let day = UsageDay(clock.now())
        #expect(
            await store.totals(for: .user("usr_1"), from: day, through: day) == UsageTotals(requests: 1, promptTokens: 12, completionTokens: 30)
        )
        #expect(try await store.totals(for: .team("team_1"), since: day).requests == 1)
        #expect(try await store.totals(for: .key("k_1"), since: day).requests == 1)
        // A second settle records nothing.
        #expect(try await gate.settle(admission, promptTokens: 12, completionTokens: 30) == nil)
        #expect(try await store.totals(for: .user("usr_1"), since: day).requests == 1)
        #expect(await gate.outstandingCount == 0)
    }

    @Test func aRefusalThrowsTheLimitErrorAndTakesNothing() async throws {
        let gate = try await LimitGate(store: InMemoryUsageStore(), clock: ManualWallClock())
        let subjects = Self.subjects(LimitPolicy(requestsPerMinute: 1))
        let admission = try await gate.admit(subjects, account: Self.account, promptTokens: 1, maxTokens: 1)
        #expect(admission.status.requests?.remaining == 0)
        await #expect {
            _ = try await gate.admit(subjects, account: Self.account, promptTokens: 1, maxTokens: 1)
        } throws: { error in
            guard let error = error as? LimitError else { return false }
            return error.limit == .requestsPerMinute && error.subject == .user("usr_1") && error.retryAfterSeconds == 60
        }
        #expect(await gate.outstandingCount == 1)
    }

    @Test func releaseGivesBackTheRequestAndRecordsNothing() async throws {
        let store = InMemoryUsageStore()
        let gate = try await LimitGate(store: store, clock: ManualWallClock())
        let subjects = Self.subjects(LimitPolicy(requestsPerMinute: 1))
        let admission = try await gate.admit(subjects, account: Self.account, promptTokens: 1, maxTokens: 1)
        await gate.release(admission)
        _ = try await gate.admit(subjects, account: Self.account, promptTokens: 1, maxTokens: 1)
        #expect(await store.rowCount == 0)
    }

    @Test func budgetsHoldAcrossARestart() async throws {
        let store = InMemoryUsageStore()
        let clock = ManualWallClock()
        let daily = Self.subjects(LimitPolicy(tokensPerDay: 1000), team: LimitPolicy(tokensPerMonth: 1500))
        do {
            let gate = try await LimitGate(store: store, clock: clock)
            let admission = try await gate.admit(daily, account: Self.account, promptTokens: 100, maxTokens: 900)
            try await gate.settle(admission, promptTokens: 100, completionTokens: 800)
        }
        // A new gate over the same store, as after a restart: 900 of the day's 1000 are used.
        let restarted = try await LimitGate(store: store, clock: clock)
        await #expect {
            _ = try await restarted.admit(daily, account: Self.account, promptTokens: 50, maxTokens: 51)
        } throws: { error in
            (error as? LimitError)?.code == .budgetExhausted && (error as? LimitError)?.used == 900
        }
        let admission = try await restarted.admit(daily, account: Self.account, promptTokens: 50, maxTokens: 50)
        #expect(admission.status.tokens?.remaining == 0)
        try await restarted.settle(admission, promptTokens: 50, completionTokens: 50)

        // The next day (in the same month) the day budget is fresh, the team's month budget is not.
        clock.advance(by: 86_400)
        let nextDay = try await LimitGate(store: store, clock: clock)
        await #expect {
            _ = try await nextDay.admit(daily, account: Self.account, promptTokens: 501, maxTokens: 0)
        } throws: { error in
            (error as? LimitError)?.limit == .tokensPerMonth && (error as? LimitError)?.subject == .team("team_1")
        }
        _ = try await nextDay.admit(daily, account: Self.account, promptTokens: 500, maxTokens: 0)
    }

    @Test func statusReportsWithoutTaking() async throws {
        let gate = try await LimitGate(store: InMemoryUsageStore(), clock: ManualWallClock())
        let subjects = Self.subjects(LimitPolicy(requestsPerMinute: 3, tokensPerMinute: 90))
        #expect(await gate.status(subjects).requests?.remaining == 3)
        #expect(await gate.status(subjects).tokens?.remaining == 90)
        #expect(await gate.status(subjects).headerFields.count == 6)
    }
}
