// Enclave gateway: rate limits and token budgets in front of the schedulers.

public import EnclaveCore

/// Admits or refuses requests by the rate limits and budgets of their key, user and team, and records what
/// they used. It composes the pure ``RateLimiterStateMachine``, a ``UsageStore`` and a ``WallClock``.
///
/// When it is created it reads the current UTC month's usage from the store, so that day and month budgets
/// hold across restarts. Per-minute rates start afresh (at most one minute's worth may pass twice around a
/// restart).
///
/// ```swift
/// let gate = try await LimitGate(store: usageStore)
/// let admission = try await gate.admit(subjects, account: account, promptTokens: 12, maxTokens: 256)
/// // ... run the generation; headers: admission.status.headerFields
/// try await gate.settle(admission, promptTokens: 12, completionTokens: 80)
/// ```
public actor LimitGate {
    /// An admitted request: what it holds, whom it is charged to and the caller's tightest limits after it.
    public struct Admission: Sendable, Hashable {
        /// The tokens held against every limit.
        public let reservation: LimitReservation
        /// Whom the usage is charged to.
        public let account: UsageAccount
        /// The tightest limits after this admission: the `x-ratelimit-*` headers of the answer.
        public let status: LimitStatus

        /// Creates an admission (the gate makes them).
        public init(reservation: LimitReservation, account: UsageAccount, status: LimitStatus) {
            self.reservation = reservation
            self.account = account
            self.status = status
        }
    }

    private var machine: RateLimiterStateMachine
    private let store: any UsageStore
    private let clock: any WallClock

    /// Creates the gate and seeds the day and month budgets with the usage the store holds for the current
    /// UTC day and month (by user, team and key).
    /// - Throws: The store's error if it cannot be read.
    public init(store: any UsageStore, clock: any WallClock = SystemWallClock()) async throws {
        let now = clock.now()
        let today = UsageDay(now)
        var machine = RateLimiterStateMachine()
        let groupings: [(UsageGrouping, LimitSubject.Kind)] = [(.key, .key), (.user, .user), (.team, .team)]
        for (grouping, kind) in groupings {
            var month: [String: Int] = [:]
            var day: [String: Int] = [:]
            for row in try await store.usage(from: today.firstOfMonth, through: today, by: grouping) {
                guard let id = row.group else { continue }
                month[id, default: 0] += row.totals.totalTokens
                if row.day == today { day[id, default: 0] += row.totals.totalTokens }
            }
            for (id, tokens) in month {
                machine.seed(LimitSubject(kind: kind, id: id), tokensToday: day[id] ?? 0, tokensThisMonth: tokens, now: now)
            }
        }
        self.machine = machine
        self.store = store
        self.clock = clock
    }

    /// Admits a request that reserves its prompt plus `maxTokens` against every limit of `subjects`, or
    /// refuses it.
    /// - Parameters:
    ///   - subjects: The key, user and team with their policies (``LimitsConfiguration/subjects(for:)``
    ///     gives the configured defaults).
    ///   - account: Whom the usage is charged to when the request is settled.
    ///   - promptTokens: The prompt's tokens (all prompts of the request).
    ///   - maxTokens: The most tokens the request may generate (all its completions).
    /// - Throws: ``LimitError`` naming the limit and when to retry; nothing is taken then.
    public func admit(_ subjects: [LimitedSubject], account: UsageAccount, promptTokens: Int, maxTokens: Int) throws(LimitError) -> Admission {
        switch machine.admit(subjects, promptTokens: promptTokens, maxTokens: maxTokens, now: clock.now()) {
        case .admitted(let reservation, let status):
            return Admission(reservation: reservation, account: account, status: status)
        case .refused(let error):
            throw error
        }
    }

    /// Ends an admitted request: the limits count what it really used (a cancelled request: what it used until
    /// then) instead of its reservation, and the usage store records it for the day it ends. Settling twice,
    /// or after ``release(_:)``, does nothing.
    /// - Returns: The over-reservation (reserved minus used), or `nil` if the admission was already settled.
    /// - Throws: The store's error; the limits are settled even then.
    @discardableResult
    public func settle(_ admission: Admission, promptTokens: Int, completionTokens: Int) async throws -> Int? {
        let now = clock.now()
        let prompt = max(0, promptTokens)
        let completion = max(0, completionTokens)
        guard let over = machine.settle(admission.reservation, tokens: prompt + completion, now: now) else { return nil }
        try await store.record(admission.account.record(at: now, promptTokens: prompt, completionTokens: completion))
        return over
    }

    /// Gives back everything an admitted request took (its request too), recording no usage: for a request
    /// refused after admission, before any work (its model's queue was full).
    public func release(_ admission: Admission) {
        machine.release(admission.reservation, now: clock.now())
    }

    /// The tightest limits of `subjects` now, taking nothing (for `/v1/me`).
    public func status(_ subjects: [LimitedSubject]) -> LimitStatus {
        machine.status(subjects, now: clock.now())
    }

    /// How many admitted requests are not settled or released yet.
    public var outstandingCount: Int { machine.outstandingCount }
}
