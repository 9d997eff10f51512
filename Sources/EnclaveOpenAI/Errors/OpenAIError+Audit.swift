// Enclave OpenAI dialect: a request refused because it cannot be audited.

public import EnclaveCore

extension OpenAIError {
    /// The audit log cannot be written, so the request is refused rather than served unaudited (503).
    public static let auditUnavailable = OpenAIError(
        status: 503,
        message: "The audit log is unavailable, so the request was not served; retry shortly.",
        type: "server_error",
        code: "audit_unavailable",
        headers: ["Retry-After": "1"]
    )

    /// An audit log error: an unavailable or corrupt log refuses the request (503 `audit_unavailable`).
    public static func from(_ error: AuditLogError) -> OpenAIError {
        switch error.code {
        case .invalidEntry: internalError
        default: auditUnavailable
        }
    }
}
