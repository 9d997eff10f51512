// Enclave: where a caller stands against its tightest limits.

public import Foundation

/// The tightest request limit and the tightest token limit of a set of subjects at one moment: what the
/// `x-ratelimit-*` headers report (see ``headerFields``).
///
/// "Tightest" is the limit with the fewest remaining units; on a tie, the smaller limit, then the one
/// that takes longer to reset. Token limits include the day and month budgets: when a budget leaves
/// fewer tokens than the per-minute limit, the headers report the budget (its reset is the end of its
/// UTC day or month).
public struct LimitStatus: Sendable, Hashable {
    /// The tightest requests-per-minute limit; `nil` when none applies.
    public var requests: Window?
    /// The tightest token limit (per minute, day or month); `nil` when none applies.
    public var tokens: Window?

    /// Creates a status.
    public init(requests: Window? = nil, tokens: Window? = nil) {
        self.requests = requests
        self.tokens = tokens
    }

    /// No limit applies.
    public static let unlimited = LimitStatus()

    /// One limit's state.
    public struct Window: Sendable, Hashable {
        /// Whose limit it is.
        public var subject: LimitSubject
        /// Which limit.
        public var limit: LimitPolicy.Limit
        /// The limit's value (requests or tokens).
        public var maximum: Int
        /// What is left now.
        public var remaining: Int
        /// Seconds until the limit is back to its initial state (a full bucket, or the end of the budget's
        /// day or month).
        public var resetAfter: TimeInterval

        /// Creates a window.
        public init(subject: LimitSubject, limit: LimitPolicy.Limit, maximum: Int, remaining: Int, resetAfter: TimeInterval) {
            self.subject = subject
            self.limit = limit
            self.maximum = maximum
            self.remaining = remaining
            self.resetAfter = resetAfter
        }

        /// Whether this window is tighter than `other`: fewer remaining, then a smaller maximum, then a
        /// longer reset.
        public func isTighter(than other: Window) -> Bool {
            (remaining, maximum, -resetAfter) < (other.remaining, other.maximum, -other.resetAfter)
        }
    }
}
