// Enclave: the buckets and budget counters behind the rate limiter.

import Foundation

extension RateLimiterStateMachine {
    /// One limit of one subject.
    struct Counter: Hashable, Sendable {
        var subject: LimitSubject
        var limit: LimitPolicy.Limit
    }

    /// A token bucket: up to `capacity` units, refilling at `capacity` per window.
    struct TokenBucket: Hashable, Sendable {
        var capacity: Double
        /// Units available; negative when a request used more than it reserved.
        var level: Double
        /// When `level` was last brought up to date.
        var updated: Date

        /// Units per second.
        var rate: Double { capacity / RateLimiterStateMachine.window }

        /// Seconds until the bucket is full again.
        var resetAfter: TimeInterval { max(0, (capacity - level) / rate) }

        /// Seconds until `units` are available.
        func wait(for units: Double) -> TimeInterval { max(0, (units - level) / rate) }
    }

    /// Tokens counted in one UTC day or month.
    struct BudgetCounter: Hashable, Sendable {
        /// The day (days since 1970-01-01) or month (``UsageDay/monthNumber``) counted.
        var period: Int
        /// Tokens of requests that ended in `period`.
        var settled: Int
        /// Tokens reserved by admitted requests not yet settled (whatever their period).
        var reserved: Int
    }

    /// Below this, a bucket's shortfall is rounding, not a shortage.
    static let tolerance = 1e-6

    /// The refusal of `needed` units by one limit at `now`, or `nil` if it allows them.
    func check(_ counter: Counter, maximum: Int, needed: Int, now: Date) -> LimitError? {
        let code: LimitError.Code
        let used: Int
        let retryAfter: TimeInterval?
        if counter.limit.isBudget {
            let budget = self.budget(counter, now: now)
            used = budget.settled + budget.reserved
            if needed > maximum {
                code = .requestTooLarge
                retryAfter = nil
            } else if used > maximum - needed {
                code = .budgetExhausted
                retryAfter = Self.periodEnd(of: counter.limit, now: now).timeIntervalSince(now)
            } else {
                return nil
            }
        } else {
            let bucket = self.bucket(counter, maximum: maximum, now: now)
            used = Int((bucket.capacity - bucket.level - Self.tolerance).rounded(.up))
            if needed > maximum {
                code = .requestTooLarge
                retryAfter = nil
            } else if bucket.level + Self.tolerance < Double(needed) {
                code = .rateLimited
                retryAfter = bucket.wait(for: Double(needed))
            } else {
                return nil
            }
        }
        return LimitError(
            code: code,
            subject: counter.subject,
            limit: counter.limit,
            maximum: maximum,
            used: max(0, used),
            requested: needed,
            retryAfter: retryAfter,
            status: .unlimited
        )
    }

    /// The counter's state as a header reports it.
    func window(_ counter: Counter, maximum: Int, now: Date) -> LimitStatus.Window {
        if counter.limit.isBudget {
            let budget = self.budget(counter, now: now)
            return LimitStatus.Window(
                subject: counter.subject,
                limit: counter.limit,
                maximum: maximum,
                remaining: max(0, maximum - budget.settled - budget.reserved),
                resetAfter: Self.periodEnd(of: counter.limit, now: now).timeIntervalSince(now)
            )
        }
        let bucket = self.bucket(counter, maximum: maximum, now: now)
        return LimitStatus.Window(
            subject: counter.subject,
            limit: counter.limit,
            maximum: maximum,
            remaining: max(0, Int((bucket.level + Self.tolerance).rounded(.down))),
            resetAfter: bucket.resetAfter
        )
    }

    /// The bucket refilled up to `now`, with `maximum` as its capacity: a new bucket is full; a bucket
    /// whose limit changed keeps what was used of it.
    func bucket(_ counter: Counter, maximum: Int, now: Date) -> TokenBucket {
        let capacity = Double(maximum)
        guard var bucket = buckets[counter] else {
            return TokenBucket(capacity: capacity, level: capacity, updated: now)
        }
        if bucket.capacity != capacity {
            bucket.level = min(capacity, capacity - (bucket.capacity - bucket.level))
            bucket.capacity = capacity
        }
        // A clock that went back refills nothing, and the bucket keeps its later time.
        let elapsed = max(0, now.timeIntervalSince(bucket.updated))
        bucket.level = min(bucket.capacity, bucket.level + elapsed * bucket.rate)
        bucket.updated = max(bucket.updated, now)
        return bucket
    }

    /// Puts `units` back in a bucket (never above full; negative units take more).
    mutating func give(_ units: Double, to counter: Counter, maximum: Int, now: Date) {
        var bucket = self.bucket(counter, maximum: Int(buckets[counter]?.capacity ?? Double(maximum)), now: now)
        bucket.level = min(bucket.capacity, bucket.level + units)
        buckets[counter] = bucket
    }

    /// The budget counter moved to the period of `now` (a new period starts with nothing settled; a clock
    /// that went back does not go back a period).
    func budget(_ counter: Counter, now: Date) -> BudgetCounter {
        let period = Self.period(of: counter.limit, now: now)
        guard var budget = budgets[counter] else { return BudgetCounter(period: period, settled: 0, reserved: 0) }
        if period > budget.period {
            budget.period = period
            budget.settled = 0
        }
        return budget
    }

    /// The day or month number of `now`.
    static func period(of limit: LimitPolicy.Limit, now: Date) -> Int {
        let day = UsageDay(now)
        return limit == .tokensPerDay ? day.daysSinceEpoch : day.monthNumber
    }

    /// When the day or month of `now` ends (00:00 UTC of the next).
    static func periodEnd(of limit: LimitPolicy.Limit, now: Date) -> Date {
        let day = UsageDay(now)
        return limit == .tokensPerDay ? day.next.start : day.firstOfNextMonth.start
    }

    /// Every 256 admissions, forgets full buckets (a full bucket is the same as none) and budget counters of
    /// past periods that hold no reservation.
    mutating func pruneOccasionally(now: Date) {
        admissionsSincePrune += 1
        guard admissionsSincePrune >= 256 else { return }
        admissionsSincePrune = 0
        for (counter, stored) in buckets {
            let bucket = self.bucket(counter, maximum: Int(stored.capacity), now: now)
            if bucket.level >= bucket.capacity { buckets[counter] = nil }
        }
        for (counter, budget) in budgets where budget.reserved == 0 && budget.period < Self.period(of: counter.limit, now: now) {
            budgets[counter] = nil
        }
    }
}
