// Enclave: a request refused by a rate limit or a budget.

public import Foundation

/// A request that a limit turned away: which limit of which key, user or team, the numbers, and when to
/// try again. The facts only; each API dialect words its own response (OpenAI's: 429 with `Retry-After`).
///
/// ```
/// Rate limit reached for user usr_1 on tokens per min (TPM): Limit 1000, Used 900, Requested 250.
/// Please try again in 9s.
/// ```
public struct LimitError: Error, Sendable, Hashable, CustomStringConvertible {
    /// What kind of refusal this is.
    public struct Code: Hashable, Sendable, CustomStringConvertible {
        private enum Base: String, Hashable, Sendable {
            case rateLimited, budgetExhausted, requestTooLarge
        }
        private let base: Base
        private init(_ base: Base) { self.base = base }
        /// A per-minute limit is used up for now; it refills within a minute.
        public static let rateLimited = Code(.rateLimited)
        /// A day or month budget is used up until the period ends.
        public static let budgetExhausted = Code(.budgetExhausted)
        /// The request alone needs more than the whole limit (its prompt plus `max_tokens` is over the
        /// tokens per minute, or over a whole day's or month's budget): waiting cannot help.
        public static let requestTooLarge = Code(.requestTooLarge)
        public var description: String { base.rawValue }
    }

    /// The kind of refusal.
    public let code: Code
    /// Whose limit refused the request.
    public let subject: LimitSubject
    /// Which limit.
    public let limit: LimitPolicy.Limit
    /// The limit's value.
    public let maximum: Int
    /// What is used (settled plus reserved by requests still running) of it.
    public let used: Int
    /// What the request needed: 1 request, or its prompt plus `max_tokens`.
    public let requested: Int
    /// Seconds until the request could be admitted, as far as this limit goes; `nil` when it never can
    /// (``Code/requestTooLarge``).
    public let retryAfter: TimeInterval?
    /// The caller's tightest limits at the refusal, for the `x-ratelimit-*` headers of the answer.
    public let status: LimitStatus

    /// Creates an error (the state machine makes them).
    public init(
        code: Code,
        subject: LimitSubject,
        limit: LimitPolicy.Limit,
        maximum: Int,
        used: Int,
        requested: Int,
        retryAfter: TimeInterval?,
        status: LimitStatus
    ) {
        self.code = code
        self.subject = subject
        self.limit = limit
        self.maximum = maximum
        self.used = used
        self.requested = requested
        self.retryAfter = retryAfter
        self.status = status
    }

    /// `retryAfter` in whole seconds, rounded up and at least 1: the value of a `Retry-After` header.
    public var retryAfterSeconds: Int? {
        // A microsecond of slack, so that rounding noise (20.000000000000004 s) does not add a second.
        retryAfter.map { Int(min(max(1, ($0 - 1e-6).rounded(.up)), 100_000_000)) }
    }

    /// The error with another status (the headers of the answer).
    public func with(status: LimitStatus) -> LimitError {
        LimitError(
            code: code,
            subject: subject,
            limit: limit,
            maximum: maximum,
            used: used,
            requested: requested,
            retryAfter: retryAfter,
            status: status
        )
    }

    /// What happened, worded like OpenAI's rate-limit messages.
    public var message: String {
        let numbers = "Limit \(maximum), Used \(used), Requested \(requested)."
        switch code {
        case .requestTooLarge:
            return "Request too large for \(subject) on \(limit): Limit \(maximum), Requested \(requested). "
                + "The prompt plus max_tokens can never fit: lower max_tokens or shorten the prompt."
        case .budgetExhausted:
            let period = limit == .tokensPerDay ? "day" : "month"
            return "Token budget reached for \(subject) on \(limit): \(numbers) "
                + "It resets at the start of the next UTC \(period), in \(LimitStatus.duration(retryAfter ?? 0)); "
                + "a smaller max_tokens may fit now."
        default:
            return "Rate limit reached for \(subject) on \(limit): \(numbers) Please try again in \(LimitStatus.duration(retryAfter ?? 0))."
        }
    }

    public var description: String { message }
}
