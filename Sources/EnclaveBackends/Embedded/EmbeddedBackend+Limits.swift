// Enclave backends: how many tokens a request may generate, without overflow.

import EnclaveCore

extension EmbeddedBackend {
    /// The most tokens a sequence may generate after a `promptTokens`-token prompt.
    ///
    /// Every sum is overflow-checked: `requested` comes from the client and may be as large as `Int.max`.
    /// - Parameters:
    ///   - requested: The request's `max_tokens`; `nil`: as many as fit.
    ///   - promptTokens: The prompt's length.
    ///   - context: The model's context (prompt plus completion).
    ///   - kvCapacity: Positions the whole KV cache holds (it bounds one sequence too).
    /// - Throws: ``InferenceError``: `invalidParameter` for an empty prompt or a `max_tokens` below 1 or over the
    ///   KV cache, `contextLengthExceeded` when the prompt (plus `max_tokens`) exceeds the context.
    public static func maxTokens(requested: Int?, promptTokens: Int, context: Int, kvCapacity: Int) throws -> Int {
        guard promptTokens > 0 else {
            throw InferenceError.invalidParameter("prompt", "the prompt is empty")
        }
        guard promptTokens < context else {
            throw InferenceError.contextLengthExceeded(promptTokens: promptTokens, limit: context)
        }
        let room = min(context, kvCapacity) - promptTokens
        guard room >= 1 else {
            throw InferenceError.contextLengthExceeded(promptTokens: promptTokens, limit: kvCapacity)
        }
        guard let requested else { return room }
        guard requested >= 1 else {
            throw InferenceError.invalidParameter("max_tokens", "max_tokens must be at least 1, got \(requested)")
        }
        guard requested > room else { return requested }
        let (total, overflow) = promptTokens.addingReportingOverflow(requested)
        if overflow {
            throw InferenceError.invalidParameter(
                "max_tokens",
                "max_tokens is \(requested), but this model's context holds \(context) tokens (prompt plus completion)"
            )
        }
        if total > context {
            throw InferenceError.contextLengthExceeded(promptTokens: promptTokens, completionTokens: requested, limit: context)
        }
        throw InferenceError.invalidParameter(
            "max_tokens",
            "max_tokens is \(requested), but only \(room) tokens fit after this \(promptTokens)-token prompt in the KV cache"
        )
    }
}
