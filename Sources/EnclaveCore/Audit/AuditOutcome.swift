// Enclave: how an audited event ended.

/// How an audited event ended: `success`, `refused` (by authentication, a scope, a limit or validation) or
/// `failed` (the server could not do it). Open like ``AuditAction``.
public struct AuditOutcome: RawRepresentable, Sendable, Hashable, Codable, CustomStringConvertible {
    public let rawValue: String

    /// An outcome by name.
    public init(rawValue: String) {
        self.rawValue = rawValue
    }

    public var description: String { rawValue }

    /// Done as asked.
    public static let success = AuditOutcome(rawValue: "success")
    /// Refused: a 4xx (authentication, scope, limit, validation).
    public static let refused = AuditOutcome(rawValue: "refused")
    /// Failed on the server's side (a 5xx), or the client left before the end.
    public static let failed = AuditOutcome(rawValue: "failed")

    /// The outcome of an HTTP status: 2xx success, 4xx refused, anything else failed.
    public init(status: Int) {
        switch status {
        case 200..<300: self = .success
        case 400..<500: self = .refused
        default: self = .failed
        }
    }
}
