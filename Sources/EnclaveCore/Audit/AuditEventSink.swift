// Enclave: the one call that code outside the audit log makes to have something audited.

/// Where parts of the server send events to be audited (logins, lockouts, configuration reconciliation,
/// administration). Every ``AuditLog`` is one; a caller that must not go on unaudited awaits
/// ``record(_:)`` and fails when it throws.
///
/// ```swift
/// try await stores.audit.record(AuditEntry(time: clock.now(), action: .loginFailed, actor: actor,
///                                          target: user.id, outcome: .refused, reason: "bad_password"))
/// ```
public protocol AuditEventSink: Sendable {
    /// Appends `entry` durably (committed when this returns).
    /// - Throws: ``AuditLogError`` `invalidEntry` or `unavailable`.
    func record(_ entry: AuditEntry) async throws
}
