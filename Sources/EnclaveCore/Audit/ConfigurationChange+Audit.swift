// Enclave: configuration reconciliation into the audit log.

public import Foundation

extension ConfigurationChange {
    /// The audit entry of this change: action `config.reconcile`, the entity as target, `before` and
    /// `after` as they are (secrets are never among their fields), and what was done as the reason
    /// (`team.created`, `user.disabled`, `key.revoked`, ...).
    public func auditEntry(time: Date, file: String) -> AuditEntry {
        AuditEntry(
            time: time,
            action: .configReconcile,
            actor: .commandLine,
            target: id,
            reason: "\(kind.rawValue).\(action.rawValue)",
            before: before.map(Self.auditObject),
            after: Self.auditObject(after.merging(["managed_by": file]) { mine, _ in mine })
        )
    }

    private static func auditObject(_ fields: [String: String]) -> AuditJSON {
        .object(fields.mapValues { .string($0) })
    }
}
