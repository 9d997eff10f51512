// Enclave: how long the audit log keeps its records.

/// The audit log's settings (`audit:`).
public struct AuditConfiguration: Sendable, Hashable {
    /// Records older than this many days are purged, leaving a signed checkpoint
    /// (`audit.retention_days`); `nil`: kept forever.
    public var retentionDays: Int?

    /// The days `retention_days` may be set to: one day to a hundred years.
    public static let retentionRange = 1...36_500

    /// Creates audit settings: records kept forever by default.
    public init(retentionDays: Int? = nil) {
        self.retentionDays = retentionDays
    }
}
