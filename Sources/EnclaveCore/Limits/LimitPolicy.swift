// Enclave: the limits of one key, user or team.

/// How much one key, user or team may use. Every limit is optional; `nil` means no limit.
///
/// - `requestsPerMinute` and `tokensPerMinute` are rate limits: a token bucket that holds one minute's
///   worth and refills continuously (see ``RateLimiterStateMachine``).
/// - `tokensPerDay` and `tokensPerMonth` are budgets over UTC calendar days and months. They are meant for
///   users and teams (the configuration offers them there), and apply to any subject that has them.
///
/// Tokens are prompt plus completion tokens. A request reserves its prompt plus its `max_tokens` when it
/// is admitted and is settled with what it really used when it ends.
///
/// ```swift
/// let policy = LimitPolicy(requestsPerMinute: 60, tokensPerMinute: 40_000, tokensPerDay: 1_000_000)
/// ```
public struct LimitPolicy: Sendable, Hashable {
    /// Requests per minute (RPM).
    public var requestsPerMinute: Int?
    /// Prompt plus completion tokens per minute (TPM).
    public var tokensPerMinute: Int?
    /// Tokens per UTC day.
    public var tokensPerDay: Int?
    /// Tokens per UTC calendar month.
    public var tokensPerMonth: Int?

    /// Creates a policy; every limit defaults to none. Values below 1 count as none.
    public init(requestsPerMinute: Int? = nil, tokensPerMinute: Int? = nil, tokensPerDay: Int? = nil, tokensPerMonth: Int? = nil) {
        self.requestsPerMinute = requestsPerMinute.flatMap { $0 > 0 ? $0 : nil }
        self.tokensPerMinute = tokensPerMinute.flatMap { $0 > 0 ? $0 : nil }
        self.tokensPerDay = tokensPerDay.flatMap { $0 > 0 ? $0 : nil }
        self.tokensPerMonth = tokensPerMonth.flatMap { $0 > 0 ? $0 : nil }
    }

    /// No limit at all.
    public static let unlimited = LimitPolicy()

    /// Whether no limit is set.
    public var isUnlimited: Bool { self == .unlimited }

    /// The value of one limit, `nil` when it is not set.
    public subscript(limit: Limit) -> Int? {
        get {
            switch limit {
            case .requestsPerMinute: requestsPerMinute
            case .tokensPerMinute: tokensPerMinute
            case .tokensPerDay: tokensPerDay
            default: tokensPerMonth
            }
        }
        set {
            let value = newValue.flatMap { $0 > 0 ? $0 : nil }
            switch limit {
            case .requestsPerMinute: requestsPerMinute = value
            case .tokensPerMinute: tokensPerMinute = value
            case .tokensPerDay: tokensPerDay = value
            default: tokensPerMonth = value
            }
        }
    }

    /// The tighter of two policies: each limit is the smaller of the two (a limit set in only one applies).
    public func tightened(by other: LimitPolicy) -> LimitPolicy {
        var result = self
        for limit in Limit.allCases {
            switch (self[limit], other[limit]) {
            case (let mine?, let theirs?): result[limit] = min(mine, theirs)
            case (nil, let theirs?): result[limit] = theirs
            default: break
            }
        }
        return result
    }
}
