// Enclave guardrails: what ingestion does with a document that holds a secret.

/// What ingestion does with a document in which the secret detectors find something (the policy's
/// `documents`): keep it as it is, keep it with the secrets masked, or refuse it with a clear error.
public enum DocumentAction: String, Sendable, Hashable, Codable, CaseIterable, CustomStringConvertible {
    /// The document is stored as written.
    case allow
    /// Each secret is replaced by a placeholder such as `[SECRET_1]` before the document is chunked.
    case redact
    /// The document is refused; nothing of it is stored.
    case refuse

    public var description: String { rawValue }
}
