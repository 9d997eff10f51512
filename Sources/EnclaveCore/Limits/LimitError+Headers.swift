// Enclave: a refusal's response headers.

extension LimitError {
    /// The headers of the 429 answer: `Retry-After` in whole seconds (left out for a request that can never
    /// fit), then the `x-ratelimit-*` headers of ``status`` (see ``LimitStatus/headerFields``).
    ///
    /// ```swift
    /// error.headerFields   // [("retry-after", "7"), ("x-ratelimit-limit-requests", "60"), ...]
    /// ```
    public var headerFields: [(name: String, value: String)] {
        (retryAfterSeconds.map { [("retry-after", String($0))] } ?? []) + status.headerFields
    }
}
