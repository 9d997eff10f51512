// Enclave: tests of the rate limiter's decisions, on a time the test moves by hand.

import EnclaveCore
import Foundation
import Testing

@Suite struct RateLimiterStateMachineTests {
    /// 2023-11-14 22:13:20 UTC.
    static let start = Date(timeIntervalSince1970: 1_700_000_000)

    static func at(_ seconds: TimeInterval) -> Date { start.addingTimeInterval(seconds) }

    static func subjects(
        key: LimitPolicy = .unlimited,
        user: LimitPolicy = .unlimited,
        team: LimitPolicy? = nil
    ) -> [LimitedSubject] {
        UsageAccount(userID: "usr_1", teamID: team == nil ? nil : "team_1", keyID: "k_1", model: "m")
            .subjects(key: key, user: user, team: team ?? .unlimited)
    }

    /// Admits and returns the reservation, or records an issue.
    static func admitted(
        _ machine: inout RateLimiterStateMachine,
        _ subjects: [LimitedSubject],
        prompt: Int = 0,
        max: Int = 0,
        at now: Date,
        sourceLocation: SourceLocation = #_sourceLocation
    ) throws -> (LimitReservation, LimitStatus) {
        switch machine.admit(subjects, promptTokens: prompt, maxTokens: max, now: now) {
        case .admitted(let reservation, let status): return (reservation, status)
        case .refused(let error):
            Issue.record("refused: \(error)", sourceLocation: sourceLocation)
            throw error
        }
    }

    static func refusal(
        _ machine: inout RateLimiterStateMachine,
        _ subjects: [LimitedSubject],
        prompt: Int = 0,
        max: Int = 0,
        at now: Date
    ) -> LimitError? {
        if case .refused(let error) = machine.admit(subjects, promptTokens: prompt, maxTokens: max, now: now) { return error }
        return nil
    }

    @Test func requestsPerMinuteRefusesTheRequestOverTheLimitUntilTheBucketRefills() throws {
        var machine = RateLimiterStateMachine()
        let subjects = Self.subjects(key: LimitPolicy(requestsPerMinute: 3))
        for _ in 0..<3 { _ = try Self.admitted(&machine, subjects, at: Self.start) }
        let error = try #require(Self.refusal(&machine, subjects, at: Self.start))
        #expect(error.code == .rateLimited)
        #expect(error.subject == .key("k_1"))
        #expect(error.limit == .requestsPerMinute)
        #expect(error.maximum == 3)
        #expect(error.used == 3)
        #expect(error.requested == 1)
        // 3 per minute refill one request every 20 seconds.
        #expect(abs((error.retryAfter ?? 0) - 20) < 1e-6)
        #expect(error.retryAfterSeconds == 20)
        #expect(error.message == "Rate limit reached for key k_1 on requests per min (RPM): Limit 3, Used 3, Requested 1. Please try again in 20s.")
        #expect(Self.refusal(&machine, subjects, at: Self.at(19.9)) != nil)
        _ = try Self.admitted(&machine, subjects, at: Self.at(20))
        #expect(Self.refusal(&machine, subjects, at: Self.at(20)) != nil)
    }

    @Test func aRefusalTakesNothing() throws {
        var machine = RateLimiterStateMachine()
        let subjects = Self.subjects(key: LimitPolicy(requestsPerMinute: 10), user: LimitPolicy(tokensPerMinute: 100))
        _ = try Self.admitted(&machine, subjects, prompt: 50, max: 50, at: Self.start)
        for _ in 0..<5 { #expect(Self.refusal(&machine, subjects, prompt: 1, max: 0, at: Self.start)?.subject == .user("usr_1")) }
        // The key's requests bucket lost only the one admitted request.
        let status = machine.status(subjects, now: Self.start)
        #expect(status.requests?.remaining == 9)
        #expect(machine.outstandingCount == 1)
    }

    @Test func tokensPerMinuteCountsThePromptAndMaxTokens() throws {
        var machine = RateLimiterStateMachine()
        let subjects = Self.subjects(user: LimitPolicy(tokensPerMinute: 100))
        let (_, status) = try Self.admitted(&machine, subjects, prompt: 30, max: 30, at: Self.start)
        #expect(status.tokens?.remaining == 40)
        #expect(status.tokens?.limit == .tokensPerMinute)
        let error = try #require(Self.refusal(&machine, subjects, prompt: 30, max: 30, at: Self.start))
        #expect(error.code == .rateLimited)
        #expect(error.limit == .tokensPerMinute)
        #expect(error.used == 60)
        #expect(error.requested == 60)
        // 20 tokens short at 100 / 60 s per second: 12 s.
        #expect(abs((error.retryAfter ?? 0) - 12) < 1e-6)
        #expect(error.message.contains("user usr_1 on tokens per min (TPM): Limit 100, Used 60, Requested 60"))
        _ = try Self.admitted(&machine, subjects, prompt: 30, max: 30, at: Self.at(12))
    }

    @Test func aRequestLargerThanAMinutesTokensIsRefusedAtOnceWithoutARetryTime() throws {
        var machine = RateLimiterStateMachine()
        let subjects = Self.subjects(team: LimitPolicy(tokensPerMinute: 100))
        let error = try #require(Self.refusal(&machine, subjects, prompt: 20, max: 81, at: Self.start))
        #expect(error.code == .requestTooLarge)
        #expect(error.subject == .team("team_1"))
        #expect(error.retryAfter == nil)
        #expect(error.retryAfterSeconds == nil)
        #expect(error.message.hasPrefix("Request too large for team team_1 on tokens per min (TPM): Limit 100, Requested 101."))
        #expect(!error.headerFields.contains { $0.name == "retry-after" })
        // Exactly a minute's worth fits.
        _ = try Self.admitted(&machine, subjects, prompt: 20, max: 80, at: Self.start)
    }

    @Test func aRequestLargerThanAWholeBudgetIsTooLarge() throws {
        var machine = RateLimiterStateMachine()
        let subjects = Self.subjects(user: LimitPolicy(tokensPerDay: 1000, tokensPerMonth: 5000))
        #expect(Self.refusal(&machine, subjects, prompt: 1, max: 1000, at: Self.start)?.code == .requestTooLarge)
        #expect(Self.refusal(&machine, subjects, prompt: 1, max: 1000, at: Self.start)?.limit == .tokensPerDay)
    }

    @Test func tooLargeWinsOverAWait() throws {
        var machine = RateLimiterStateMachine()
        let subjects = Self.subjects(key: LimitPolicy(requestsPerMinute: 1), user: LimitPolicy(tokensPerMinute: 10))
        _ = try Self.admitted(&machine, subjects, at: Self.start)
        #expect(Self.refusal(&machine, subjects, prompt: 5, max: 6, at: Self.start)?.code == .requestTooLarge)
    }

    @Test func settlingGivesBackTheUnusedReservation() throws {
        var machine = RateLimiterStateMachine()
        let subjects = Self.subjects(user: LimitPolicy(tokensPerMinute: 100))
        let (reservation, _) = try Self.admitted(&machine, subjects, prompt: 10, max: 90, at: Self.start)
        #expect(reservation.tokens == 100)
        #expect(Self.refusal(&machine, subjects, prompt: 10, max: 60, at: Self.start) != nil)
        let refund = machine.settle(reservation, tokens: 30, now: Self.start)
        #expect(refund == 70)
        _ = try Self.admitted(&machine, subjects, prompt: 10, max: 60, at: Self.start)
        #expect(machine.status(subjects, now: Self.start).tokens?.remaining == 0)
        #expect(machine.outstandingCount == 1)
    }

    @Test func aRefundNeverFillsABucketBeyondFull() throws {
        var machine = RateLimiterStateMachine()
        let subjects = Self.subjects(user: LimitPolicy(tokensPerMinute: 100))
        let (reservation, _) = try Self.admitted(&machine, subjects, prompt: 0, max: 100, at: Self.start)
        // A minute later the bucket is full again; the refund adds nothing.
        machine.settle(reservation, tokens: 0, now: Self.at(60))
        _ = try Self.admitted(&machine, subjects, prompt: 0, max: 100, at: Self.at(60))
        #expect(Self.refusal(&machine, subjects, prompt: 1, at: Self.at(60)) != nil)
    }

    @Test func usingMoreThanReservedTakesTheRest() throws {
        var machine = RateLimiterStateMachine()
        let subjects = Self.subjects(user: LimitPolicy(tokensPerMinute: 60))
        let (reservation, _) = try Self.admitted(&machine, subjects, prompt: 10, max: 20, at: Self.start)
        let over = machine.settle(reservation, tokens: 90, now: Self.start)
        #expect(over == -60)
        // The bucket is 30 tokens in debt: 31 tokens need 61 s at 1 token per second.
        let error = try #require(Self.refusal(&machine, subjects, prompt: 1, at: Self.start))
        #expect(abs((error.retryAfter ?? 0) - 31) < 1e-6)
        #expect(machine.status(subjects, now: Self.start).tokens?.remaining == 0)
    }

    @Test func settlingOrReleasingTwiceDoesNothing() throws {
        var machine = RateLimiterStateMachine()
        let subjects = Self.subjects(user: LimitPolicy(requestsPerMinute: 1, tokensPerDay: 100))
        let (reservation, _) = try Self.admitted(&machine, subjects, prompt: 5, max: 5, at: Self.start)
        let first = machine.settle(reservation, tokens: 7, now: Self.start)
        #expect(first == 3)
        let second = machine.settle(reservation, tokens: 7, now: Self.start)
        #expect(second == nil)
        let released = machine.release(reservation, now: Self.start)
        #expect(!released)
        #expect(machine.usage(of: .user("usr_1"), now: Self.start).today == 7)
    }

    @Test func releaseGivesBackTheRequestAndTheTokensAndCountsNothing() throws {
        var machine = RateLimiterStateMachine()
        let subjects = Self.subjects(user: LimitPolicy(requestsPerMinute: 1, tokensPerMinute: 10, tokensPerDay: 10))
        let (reservation, _) = try Self.admitted(&machine, subjects, prompt: 5, max: 5, at: Self.start)
        #expect(Self.refusal(&machine, subjects, prompt: 1, at: Self.start) != nil)
        let released = machine.release(reservation, now: Self.start)
        #expect(released)
        #expect(machine.usage(of: .user("usr_1"), now: Self.start).today == 0)
        #expect(machine.usage(of: .user("usr_1"), now: Self.start).thisMonth == 0)
        _ = try Self.admitted(&machine, subjects, prompt: 5, max: 5, at: Self.start)
    }

    @Test func aDailyBudgetHoldsUntilMidnightUTC() throws {
        var machine = RateLimiterStateMachine()
        let subjects = Self.subjects(user: LimitPolicy(tokensPerDay: 100))
        let (first, _) = try Self.admitted(&machine, subjects, prompt: 10, max: 60, at: Self.start)
        machine.settle(first, tokens: 50, now: Self.at(1))
        let error = try #require(Self.refusal(&machine, subjects, prompt: 10, max: 50, at: Self.at(1)))
        #expect(error.code == .budgetExhausted)
        #expect(error.limit == .tokensPerDay)
        #expect(error.used == 50)
        #expect(error.requested == 60)
        // 22:13:21 UTC: 1 h 46 min 39 s to midnight.
        #expect(error.retryAfterSeconds == 6399)
        #expect(error.message.contains("Token budget reached for user usr_1 on tokens per day: Limit 100, Used 50, Requested 60."))
        #expect(error.message.contains("in 1h46m39s"))
        // What still fits is admitted.
        let (second, status) = try Self.admitted(&machine, subjects, prompt: 10, max: 40, at: Self.at(1))
        #expect(status.tokens?.remaining == 0)
        #expect(status.tokens?.limit == .tokensPerDay)
        machine.settle(second, tokens: 50, now: Self.at(2))
        let midnight = UsageDay(Self.start).next.start
        #expect(Self.refusal(&machine, subjects, prompt: 1, at: midnight.addingTimeInterval(-0.001)) != nil)
        _ = try Self.admitted(&machine, subjects, prompt: 50, max: 50, at: midnight)
    }

    @Test func runningRequestsHoldTheirReservationAgainstABudget() throws {
        var machine = RateLimiterStateMachine()
        let subjects = Self.subjects(team: LimitPolicy(tokensPerDay: 100))
        _ = try Self.admitted(&machine, subjects, prompt: 10, max: 50, at: Self.start)
        let error = try #require(Self.refusal(&machine, subjects, prompt: 10, max: 50, at: Self.start))
        #expect(error.code == .budgetExhausted)
        #expect(error.used == 60)
    }

    @Test func aRequestThatEndsAfterMidnightCountsForTheNewDay() throws {
        var machine = RateLimiterStateMachine()
        let subjects = Self.subjects(user: LimitPolicy(tokensPerDay: 100))
        let midnight = UsageDay(Self.start).next.start
        let (reservation, _) = try Self.admitted(&machine, subjects, prompt: 0, max: 80, at: midnight.addingTimeInterval(-10))
        // The new day starts with nothing settled, but the running request still holds its 80 tokens.
        #expect(Self.refusal(&machine, subjects, prompt: 0, max: 30, at: midnight)?.used == 80)
        machine.settle(reservation, tokens: 70, now: midnight.addingTimeInterval(5))
        #expect(machine.usage(of: .user("usr_1"), now: midnight.addingTimeInterval(5)).today == 70)
        _ = try Self.admitted(&machine, subjects, prompt: 0, max: 30, at: midnight.addingTimeInterval(5))
        #expect(Self.refusal(&machine, subjects, prompt: 0, max: 1, at: midnight.addingTimeInterval(5)) != nil)
    }

    @Test func aMonthlyBudgetRollsOverOnTheFirstOfTheMonth() throws {
        var machine = RateLimiterStateMachine()
        let subjects = Self.subjects(team: LimitPolicy(tokensPerMonth: 1000))
        let lastDay = try #require(UsageDay(year: 2023, month: 12, day: 31)).start
        let (reservation, _) = try Self.admitted(&machine, subjects, prompt: 100, max: 900, at: lastDay)
        machine.settle(reservation, tokens: 1000, now: lastDay.addingTimeInterval(60))
        // On the same day and on the next days of the month: refused until January.
        let error = try #require(Self.refusal(&machine, subjects, prompt: 1, at: lastDay.addingTimeInterval(3600)))
        #expect(error.code == .budgetExhausted)
        #expect(error.limit == .tokensPerMonth)
        #expect(error.retryAfterSeconds == 86_400 - 3600)
        #expect(error.message.contains("next UTC month"))
        let newYear = try #require(UsageDay("2024-01-01")).start
        _ = try Self.admitted(&machine, subjects, prompt: 500, max: 500, at: newYear)
    }

    @Test func aSeededSubjectStartsWithWhatItUsedBefore() throws {
        var machine = RateLimiterStateMachine()
        machine.seed(.user("usr_1"), tokensToday: 90, tokensThisMonth: 990, now: Self.start)
        let daily = Self.subjects(user: LimitPolicy(tokensPerDay: 100))
        #expect(Self.refusal(&machine, daily, prompt: 11, at: Self.start)?.used == 90)
        let (reservation, _) = try Self.admitted(&machine, daily, prompt: 10, at: Self.start)
        machine.settle(reservation, tokens: 10, now: Self.start)
        let monthly = Self.subjects(user: LimitPolicy(tokensPerMonth: 1000))
        #expect(Self.refusal(&machine, monthly, prompt: 1, at: Self.start)?.limit == .tokensPerMonth)
        // Tomorrow the day starts afresh, the month does not.
        let tomorrow = Self.at(86_400)
        _ = try Self.admitted(&machine, daily, prompt: 100, at: tomorrow)
        #expect(Self.refusal(&machine, monthly, prompt: 1, at: tomorrow)?.used == 1000)
    }

    @Test func usageIsCountedForSubjectsWithoutABudgetToo() throws {
        var machine = RateLimiterStateMachine()
        let (reservation, _) = try Self.admitted(&machine, Self.subjects(), prompt: 10, max: 10, at: Self.start)
        machine.settle(reservation, tokens: 15, now: Self.start)
        #expect(machine.usage(of: .user("usr_1"), now: Self.start).today == 15)
        #expect(machine.usage(of: .user("usr_1"), now: Self.start).thisMonth == 15)
        #expect(machine.usage(of: .key("k_1"), now: Self.start).thisMonth == 15)
        // A budget set later starts from that usage.
        let subjects = Self.subjects(user: LimitPolicy(tokensPerDay: 20))
        #expect(Self.refusal(&machine, subjects, prompt: 6, at: Self.start)?.used == 15)
    }

    @Test func theRefusalReportsTheLimitWithTheLongestWait() throws {
        var machine = RateLimiterStateMachine()
        let subjects = Self.subjects(
            key: LimitPolicy(requestsPerMinute: 60),
            user: LimitPolicy(tokensPerMinute: 100),
            team: LimitPolicy(tokensPerMinute: 60)
        )
        _ = try Self.admitted(&machine, subjects, prompt: 60, at: Self.start)
        // 50 tokens: the user (40 left, 100 per minute) waits 6 s, the team (none left, 60 per minute) 50 s.
        let error = try #require(Self.refusal(&machine, subjects, prompt: 50, at: Self.start))
        #expect(error.subject == .team("team_1"))
        #expect(error.retryAfterSeconds == 50)
    }

    @Test func headersReportTheTightestLimits() throws {
        var machine = RateLimiterStateMachine()
        let subjects = Self.subjects(
            key: LimitPolicy(requestsPerMinute: 10, tokensPerMinute: 10_000),
            user: LimitPolicy(requestsPerMinute: 5, tokensPerMinute: 1000, tokensPerDay: 200),
            team: LimitPolicy(requestsPerMinute: 100)
        )
        let (_, status) = try Self.admitted(&machine, subjects, prompt: 20, max: 30, at: Self.start)
        #expect(status.requests?.subject == .user("usr_1"))
        #expect(status.requests?.limit == .requestsPerMinute)
        #expect(status.requests?.maximum == 5)
        #expect(status.requests?.remaining == 4)
        #expect(abs((status.requests?.resetAfter ?? 0) - 12) < 1e-6)
        #expect(status.tokens?.subject == .user("usr_1"))
        #expect(status.tokens?.limit == .tokensPerDay)
        #expect(status.tokens?.remaining == 150)
        let fields = Dictionary(uniqueKeysWithValues: status.headerFields.map { ($0.name, $0.value) })
        #expect(
            fields == [
                "x-ratelimit-limit-requests": "5", "x-ratelimit-remaining-requests": "4", "x-ratelimit-reset-requests": "12s",
                "x-ratelimit-limit-tokens": "200", "x-ratelimit-remaining-tokens": "150", "x-ratelimit-reset-tokens": "1h46m40s",
            ]
        )
        #expect(status.headerFields.map(\.name).first == "x-ratelimit-limit-requests")
    }

    @Test func headersOfATokensPerMinuteLimitResetWhenTheBucketIsFull() throws {
        var machine = RateLimiterStateMachine()
        let subjects = Self.subjects(key: LimitPolicy(tokensPerMinute: 600))
        let (_, status) = try Self.admitted(&machine, subjects, prompt: 5, max: 1, at: Self.start)
        #expect(status.requests == nil)
        #expect(status.tokens?.remaining == 594)
        #expect(status.headerFields.map(\.name) == ["x-ratelimit-limit-tokens", "x-ratelimit-remaining-tokens", "x-ratelimit-reset-tokens"])
        #expect(status.headerFields.last?.value == "600ms")
        #expect(RateLimiterStateMachine().status(Self.subjects(), now: Self.start) == .unlimited)
        #expect(LimitStatus.unlimited.headerFields.isEmpty)
    }

    @Test func aRefusalCarriesRetryAfterAndTheHeaders() throws {
        var machine = RateLimiterStateMachine()
        let subjects = Self.subjects(key: LimitPolicy(requestsPerMinute: 1))
        _ = try Self.admitted(&machine, subjects, at: Self.start)
        let error = try #require(Self.refusal(&machine, subjects, at: Self.at(0.5)))
        #expect(error.status.requests?.remaining == 0)
        #expect(error.headerFields.map(\.name).first == "retry-after")
        #expect(error.headerFields.first?.value == "60")
        #expect(error.headerFields.contains { $0.name == "x-ratelimit-reset-requests" && $0.value == "59.5s" })
    }

    @Test func aSubjectListedTwiceIsCheckedOnceUnderTheTighterPolicy() throws {
        var machine = RateLimiterStateMachine()
        let subjects = [
            LimitedSubject(.user("u"), policy: LimitPolicy(requestsPerMinute: 5)),
            LimitedSubject(.user("u"), policy: LimitPolicy(requestsPerMinute: 2, tokensPerMinute: 50)),
        ]
        let (reservation, status) = try Self.admitted(&machine, subjects, prompt: 10, at: Self.start)
        #expect(reservation.subjects.count == 1)
        #expect(status.requests?.maximum == 2)
        #expect(status.requests?.remaining == 1)
        #expect(status.tokens?.remaining == 40)
    }

    @Test func aLoweredLimitKeepsWhatWasUsed() throws {
        var machine = RateLimiterStateMachine()
        _ = try Self.admitted(&machine, Self.subjects(user: LimitPolicy(requestsPerMinute: 10)), at: Self.start)
        _ = try Self.admitted(&machine, Self.subjects(user: LimitPolicy(requestsPerMinute: 10)), at: Self.start)
        let status = machine.status(Self.subjects(user: LimitPolicy(requestsPerMinute: 3)), now: Self.start)
        #expect(status.requests?.remaining == 1)
    }

    @Test func aClockThatGoesBackRefillsNothing() throws {
        var machine = RateLimiterStateMachine()
        let subjects = Self.subjects(key: LimitPolicy(requestsPerMinute: 1))
        _ = try Self.admitted(&machine, subjects, at: Self.at(30))
        #expect(Self.refusal(&machine, subjects, at: Self.start) != nil)
        // The bucket refills from its latest time, 30 s.
        #expect(Self.refusal(&machine, subjects, at: Self.at(89)) != nil)
        _ = try Self.admitted(&machine, subjects, at: Self.at(90))
    }

    @Test func fullBucketsAndPastPeriodsAreForgotten() throws {
        var machine = RateLimiterStateMachine()
        for index in 0..<300 {
            let subjects = [LimitedSubject(.user("u\(index)"), policy: LimitPolicy(requestsPerMinute: 5, tokensPerDay: 100))]
            let (reservation, _) = try Self.admitted(&machine, subjects, prompt: 1, at: Self.at(Double(index)))
            machine.settle(reservation, tokens: 1, now: Self.at(Double(index)))
        }
        // Every admission 256 sweeps, on the next day: the buckets of the first users are full again and
        // their day counters are past.
        let tomorrow = Self.at(86_400)
        for index in 0..<256 {
            let subjects = [LimitedSubject(.team("t\(index % 2)"), policy: LimitPolicy(requestsPerMinute: 1_000))]
            _ = try Self.admitted(&machine, subjects, at: tomorrow)
        }
        // Two team buckets remain, with the month counters of the 300 users (their month is not over).
        #expect(machine.trackedCount == 2 + 300)
    }

    @Test func aRequestWithoutLimitsIsAdmittedAndHoldsNothing() throws {
        var machine = RateLimiterStateMachine()
        let (reservation, status) = try Self.admitted(&machine, Self.subjects(), prompt: 1 << 40, max: Int.max, at: Self.start)
        #expect(reservation.tokens == Int.max)
        #expect(status == .unlimited)
        #expect(machine.trackedCount == 0)
    }
}
