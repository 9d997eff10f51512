// Enclave OpenAI dialect: rate-limit and budget refusals, as OpenAI answers them.

public import EnclaveCore

extension OpenAIError {
    /// A refusal by a rate limit or a budget: 429, type `requests` or `tokens` (as OpenAI's rate-limit
    /// errors have), code `rate_limit_exceeded` (`token_budget_exceeded` for a day or month budget), the
    /// message naming the limit and the subject, `Retry-After` (except for a request that can never fit)
    /// and the `x-ratelimit-*` headers.
    public static func from(_ error: LimitError) -> OpenAIError {
        var headers: [String: String] = [:]
        for (name, value) in error.headerFields { headers[name] = value }
        return OpenAIError(
            status: 429,
            message: error.message,
            type: error.limit.countsTokens ? "tokens" : "requests",
            code: error.code == .budgetExhausted ? "token_budget_exceeded" : "rate_limit_exceeded",
            headers: headers
        )
    }
}
