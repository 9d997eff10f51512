// Enclave: sums of requests and tokens.

/// Requests and tokens added up, over a day, a month or any range.
public struct UsageTotals: Sendable, Hashable {
    /// How many requests.
    public var requests: Int
    /// Prompt tokens.
    public var promptTokens: Int
    /// Generated tokens.
    public var completionTokens: Int

    /// Creates totals; zero by default.
    public init(requests: Int = 0, promptTokens: Int = 0, completionTokens: Int = 0) {
        self.requests = requests
        self.promptTokens = promptTokens
        self.completionTokens = completionTokens
    }

    /// Nothing used.
    public static let zero = UsageTotals()

    /// Prompt plus completion tokens: what token budgets count.
    public var totalTokens: Int { promptTokens + completionTokens }

    /// Both totals added.
    public static func + (lhs: UsageTotals, rhs: UsageTotals) -> UsageTotals {
        UsageTotals(
            requests: lhs.requests + rhs.requests,
            promptTokens: lhs.promptTokens + rhs.promptTokens,
            completionTokens: lhs.completionTokens + rhs.completionTokens
        )
    }

    /// Adds `other` to these totals.
    public static func += (lhs: inout UsageTotals, rhs: UsageTotals) { lhs = lhs + rhs }
}
