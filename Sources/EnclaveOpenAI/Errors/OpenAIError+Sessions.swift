// Enclave OpenAI dialect: refused logins, sessions and CSRF tokens, in OpenAI's shape.

public import EnclaveCore

extension OpenAIError {
    /// A refused login (401 `invalid_credentials`, the same for every wrong login or password), a lockout
    /// (429 `login_locked` with `Retry-After`), a session that is not valid (401 `invalid_session`), a
    /// disabled user's session (401 `account_disabled`) or a missing CSRF token (403 `csrf_failed`).
    public static func from(_ error: SessionError) -> OpenAIError {
        switch error.code {
        case .badCredentials:
            OpenAIError(status: 401, message: "Incorrect login or password.", type: "invalid_request_error", code: "invalid_credentials")
        case .lockedOut:
            OpenAIError(
                status: 429,
                message: "Too many failed logins; try again in \(error.retryAfterSeconds ?? 1) seconds.",
                type: "rate_limit_error",
                code: "login_locked",
                headers: ["Retry-After": String(error.retryAfterSeconds ?? 1)]
            )
        case .disabled:
            OpenAIError(status: 401, message: "Your account is disabled.", type: "invalid_request_error", code: "account_disabled")
        case .csrfFailed:
            OpenAIError(
                status: 403,
                message: "This request needs the session's CSRF token in the X-CSRF-Token header (see GET /auth/session).",
                type: "invalid_request_error",
                code: "csrf_failed"
            )
        default:
            OpenAIError(
                status: 401,
                message: "Your session has expired or is not valid; log in again.",
                type: "invalid_request_error",
                code: "invalid_session"
            )
        }
    }
}

extension OpenAIError {
    /// A session store that failed (503).
    public static func from(_ error: SessionStoreError) -> OpenAIError {
        OpenAIError(status: 503, message: "The session store is unavailable; retry shortly.", type: "server_error", code: "store_unavailable")
    }
}
