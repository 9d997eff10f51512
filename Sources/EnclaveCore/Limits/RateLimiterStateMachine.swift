// Enclave: rate limits and token budgets, as a pure state machine.

public import Foundation

/// The decisions of rate limiting and budgeting without any I/O or clock: every call takes `now`.
///
/// **Rates** (requests and tokens per minute, for keys, users and teams) are token buckets. A bucket holds
/// at most one minute's worth (the limit) and refills continuously at limit / 60 per second; a request
/// takes 1 from the requests bucket and its reservation from the tokens bucket, and is refused if either
/// holds less. So over any interval of `t` seconds a subject is admitted at most `limit × (1 + t / 60)`:
/// never more than twice the limit in any one minute, and the limit per minute on average. A bucket that
/// is full carries no state and is forgotten.
///
/// **Budgets** (tokens per day and per month) count over UTC calendar days and months: settled tokens of
/// the current period plus the reservations of requests still running. A new period starts at zero
/// settled tokens; reservations made before it stay held and are charged to the period in which their
/// request ends (as the usage store records it).
///
/// **Reservations.** A request reserves its prompt plus its `max_tokens` against every token limit when it
/// is admitted, all or nothing. When it ends, ``settle(_:tokens:now:)`` replaces the reservation with the
/// real count (a cancelled request is settled with what it used): the tokens buckets get the difference
/// back (up to full) and budgets count the real tokens. ``release(_:now:)`` gives everything back, the
/// request included, for a request refused downstream before any work.
///
/// **Refusals.** A request refused by several limits reports the one it must wait longest for. A request
/// that alone needs more than a whole limit (more tokens than the tokens per minute, or than a whole day's
/// or month's budget) is refused at once as ``LimitError/Code/requestTooLarge``, without a retry time,
/// instead of waiting for capacity that can never exist. A budget refusal's retry time is the end of its
/// day or month, even when requests still running hold part of it.
///
/// ```swift
/// var machine = RateLimiterStateMachine()
/// let subjects = [LimitedSubject(.user("usr_1"), policy: LimitPolicy(requestsPerMinute: 2))]
/// machine.admit(subjects, promptTokens: 10, maxTokens: 20, now: now)   // .admitted(reservation, status)
/// machine.settle(reservation, tokens: 18, now: later)                  // 12 tokens back
/// ```
public struct RateLimiterStateMachine: Sendable {
    /// The result of an admission.
    public enum AdmitAction: Sendable, Hashable {
        /// The request may run; it holds `reservation` and the caller's tightest limits are `status`
        /// (after this request).
        case admitted(LimitReservation, LimitStatus)
        /// A limit refused the request; nothing was taken.
        case refused(LimitError)
    }

    /// The length of a rate limit's window, in seconds.
    public static let window: TimeInterval = 60

    // Internal rather than private: the extension in RateLimiterStateMachine+Counters.swift works on them.
    var buckets: [Counter: TokenBucket] = [:]
    var budgets: [Counter: BudgetCounter] = [:]
    var admissionsSincePrune = 0
    private var outstanding: [UInt64: LimitReservation] = [:]
    private var lastID: UInt64 = 0

    /// Creates a state machine with nothing used.
    public init() {}

    /// How many admitted requests are not settled or released yet.
    public var outstandingCount: Int { outstanding.count }

    /// How many buckets and budget counters are kept (full buckets and finished periods are dropped).
    public var trackedCount: Int { buckets.count + budgets.count }

    /// Sets what a subject used in the current day and month before this state machine started (from the
    /// usage store), so that budgets hold across restarts. Reservations already held stay.
    public mutating func seed(_ subject: LimitSubject, tokensToday: Int, tokensThisMonth: Int, now: Date) {
        for (limit, tokens) in [(LimitPolicy.Limit.tokensPerDay, tokensToday), (.tokensPerMonth, tokensThisMonth)] {
            let counter = Counter(subject: subject, limit: limit)
            var budget = self.budget(counter, now: now)
            budget.settled = max(0, tokens)
            budgets[counter] = budget
        }
    }

    /// Checks a request against every limit of every subject and, if all allow it, takes one request and
    /// `promptTokens + maxTokens` tokens from each.
    ///
    /// A subject listed twice is checked once, under the tighter of its policies.
    /// - Returns: `.admitted` with the reservation to settle and the tightest limits after it, or
    ///   `.refused` with the limit that refused (the one with the longest wait) and nothing taken.
    public mutating func admit(_ subjects: [LimitedSubject], promptTokens: Int, maxTokens: Int, now: Date) -> AdmitAction {
        let subjects = Self.merged(subjects)
        let (sum, overflow) = max(0, promptTokens).addingReportingOverflow(max(0, maxTokens))
        let tokens = overflow ? Int.max : sum
        var refusals: [LimitError] = []
        for entry in subjects {
            for limit in LimitPolicy.Limit.allCases {
                guard let maximum = entry.policy[limit] else { continue }
                let counter = Counter(subject: entry.subject, limit: limit)
                let needed = limit.countsTokens ? tokens : 1
                if let refusal = check(counter, maximum: maximum, needed: needed, now: now) {
                    refusals.append(refusal)
                }
            }
        }
        if !refusals.isEmpty {
            let chosen =
                refusals.first { $0.code == .requestTooLarge }
                ?? refusals.max { ($0.retryAfter ?? 0) < ($1.retryAfter ?? 0) } ?? refusals[0]
            return .refused(chosen.with(status: status(subjects, now: now)))
        }
        for entry in subjects {
            for limit in LimitPolicy.Limit.allCases {
                guard let maximum = entry.policy[limit] else { continue }
                let counter = Counter(subject: entry.subject, limit: limit)
                if limit.isBudget {
                    var budget = self.budget(counter, now: now)
                    budget.reserved += tokens
                    budgets[counter] = budget
                } else {
                    var bucket = self.bucket(counter, maximum: maximum, now: now)
                    bucket.level -= Double(limit.countsTokens ? tokens : 1)
                    buckets[counter] = bucket
                }
            }
        }
        lastID += 1
        let reservation = LimitReservation(id: lastID, tokens: tokens, subjects: subjects, admittedAt: now)
        outstanding[reservation.id] = reservation
        pruneOccasionally(now: now)
        return .admitted(reservation, status(subjects, now: now))
    }

    /// Ends an admitted request that used `tokens` (prompt plus completion; for a cancelled request, what it
    /// used until then). The tokens buckets get back what was reserved but not used (never above full; a
    /// request that used more than it reserved takes the rest), budgets count `tokens` in the current day
    /// and month, and the reservation is gone.
    /// - Returns: The over-reservation (reserved minus used; negative if it used more), or `nil` if the
    ///   reservation was already settled or released.
    @discardableResult
    public mutating func settle(_ reservation: LimitReservation, tokens: Int, now: Date) -> Int? {
        guard let reservation = outstanding.removeValue(forKey: reservation.id) else { return nil }
        let used = max(0, tokens)
        let (refund, overflow) = reservation.tokens.subtractingReportingOverflow(used)
        let over = overflow ? Int.min : refund
        for entry in reservation.subjects {
            if let maximum = entry.policy.tokensPerMinute {
                give(Double(over), to: Counter(subject: entry.subject, limit: .tokensPerMinute), maximum: maximum, now: now)
            }
            for limit in [LimitPolicy.Limit.tokensPerDay, .tokensPerMonth] {
                // Usage is counted for every subject, budget or not, so that a budget set later starts
                // from what was really used, as after a restart.
                let counter = Counter(subject: entry.subject, limit: limit)
                var budget = self.budget(counter, now: now)
                if entry.policy[limit] != nil { budget.reserved = max(0, budget.reserved - reservation.tokens) }
                budget.settled += used
                budgets[counter] = budget
            }
        }
        return over
    }

    /// Gives back everything an admitted request took, its request included, without counting any usage:
    /// for a request refused after admission and before any work (a full queue).
    /// - Returns: Whether the reservation was still held.
    @discardableResult
    public mutating func release(_ reservation: LimitReservation, now: Date) -> Bool {
        guard let reservation = outstanding.removeValue(forKey: reservation.id) else { return false }
        for entry in reservation.subjects {
            if let maximum = entry.policy.requestsPerMinute {
                give(1, to: Counter(subject: entry.subject, limit: .requestsPerMinute), maximum: maximum, now: now)
            }
            if let maximum = entry.policy.tokensPerMinute {
                give(Double(reservation.tokens), to: Counter(subject: entry.subject, limit: .tokensPerMinute), maximum: maximum, now: now)
            }
            for limit in [LimitPolicy.Limit.tokensPerDay, .tokensPerMonth] where entry.policy[limit] != nil {
                let counter = Counter(subject: entry.subject, limit: limit)
                var budget = self.budget(counter, now: now)
                budget.reserved = max(0, budget.reserved - reservation.tokens)
                budgets[counter] = budget
            }
        }
        return true
    }

    /// The tightest limits of `subjects` at `now`, without taking anything (for `/v1/me`).
    public func status(_ subjects: [LimitedSubject], now: Date) -> LimitStatus {
        var status = LimitStatus()
        for entry in Self.merged(subjects) {
            for limit in LimitPolicy.Limit.allCases {
                guard let maximum = entry.policy[limit] else { continue }
                let window = self.window(Counter(subject: entry.subject, limit: limit), maximum: maximum, now: now)
                if limit.countsTokens {
                    if status.tokens.map(window.isTighter(than:)) ?? true { status.tokens = window }
                } else if status.requests.map(window.isTighter(than:)) ?? true {
                    status.requests = window
                }
            }
        }
        return status
    }

    /// What a subject used in the current UTC day and month, as far as this state machine knows (seeded
    /// plus settled; reservations not included).
    public func usage(of subject: LimitSubject, now: Date) -> (today: Int, thisMonth: Int) {
        (
            budget(Counter(subject: subject, limit: .tokensPerDay), now: now).settled,
            budget(Counter(subject: subject, limit: .tokensPerMonth), now: now).settled
        )
    }

    /// The subjects in order of first appearance, each once, with the tighter of its policies.
    static func merged(_ subjects: [LimitedSubject]) -> [LimitedSubject] {
        var merged: [LimitedSubject] = []
        var index: [LimitSubject: Int] = [:]
        for entry in subjects {
            if let position = index[entry.subject] {
                merged[position].policy = merged[position].policy.tightened(by: entry.policy)
            } else {
                index[entry.subject] = merged.count
                merged.append(entry)
            }
        }
        return merged
    }
}
