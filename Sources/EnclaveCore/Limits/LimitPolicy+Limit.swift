// Enclave: the names of the four limits.

extension LimitPolicy {
    /// One of the limits of a policy: what a refusal names and what a header reports.
    public struct Limit: Sendable, Hashable, CustomStringConvertible {
        private enum Base: Int, Sendable, Hashable, CaseIterable {
            case requestsPerMinute, tokensPerMinute, tokensPerDay, tokensPerMonth
        }
        private let base: Base
        private init(_ base: Base) { self.base = base }

        /// Requests per minute.
        public static let requestsPerMinute = Limit(.requestsPerMinute)
        /// Tokens per minute.
        public static let tokensPerMinute = Limit(.tokensPerMinute)
        /// Tokens per UTC day.
        public static let tokensPerDay = Limit(.tokensPerDay)
        /// Tokens per UTC month.
        public static let tokensPerMonth = Limit(.tokensPerMonth)

        /// The four limits, rates first.
        public static let allCases: [Limit] = Base.allCases.map(Limit.init)

        /// Whether the limit counts tokens (all but requests per minute).
        public var countsTokens: Bool { base != .requestsPerMinute }

        /// Whether the limit is a budget over a calendar period (a day or a month) rather than a rate.
        public var isBudget: Bool { base == .tokensPerDay || base == .tokensPerMonth }

        /// The key in the configuration: `requests_per_minute`, `tokens_per_minute`, `tokens_per_day`,
        /// `tokens_per_month`.
        public var configurationKey: String {
            switch base {
            case .requestsPerMinute: "requests_per_minute"
            case .tokensPerMinute: "tokens_per_minute"
            case .tokensPerDay: "tokens_per_day"
            case .tokensPerMonth: "tokens_per_month"
            }
        }

        /// As OpenAI's messages name it: `requests per min (RPM)`, `tokens per min (TPM)`, `tokens per day`,
        /// `tokens per month`.
        public var description: String {
            switch base {
            case .requestsPerMinute: "requests per min (RPM)"
            case .tokensPerMinute: "tokens per min (TPM)"
            case .tokensPerDay: "tokens per day"
            case .tokensPerMonth: "tokens per month"
            }
        }
    }
}
