// Enclave: users, teams and keys as the audit log records them, secrets left out.

import Foundation

extension AuditJSON {
    /// A date as an ISO 8601 string (UTC, whole seconds), or `null`.
    static func date(_ date: Date?) -> AuditJSON {
        guard let date else { return .null }
        return .string(date.formatted(.iso8601))
    }
}

extension User {
    /// The user as the audit log records it: never the password or its hash, and not the last-seen time
    /// (which changes with every request and is no administrative change).
    public var auditJSON: AuditJSON {
        .object([
            "id": .string(id),
            "name": .string(name),
            "email": .nullable(email),
            "role": .string(role.rawValue),
            "disabled": .bool(isDisabled),
            "managed_by": .nullable(managedBy),
        ])
    }
}

extension Team {
    /// The team as the audit log records it.
    public var auditJSON: AuditJSON {
        .object([
            "id": .string(id),
            "name": .string(name),
            "weight": .integer(Int64(weight)),
            "disabled": .bool(isDisabled),
            "managed_by": .nullable(managedBy),
        ])
    }
}

extension APIKey {
    /// The key as the audit log records it: its visible prefix, never its secret or its hash.
    public var auditJSON: AuditJSON {
        .object([
            "id": .string(id),
            "name": .string(name),
            "prefix": .string(prefix),
            "user_id": .string(userID),
            "scopes": .strings(scopes.map(\.rawValue)),
            "models": .strings(allowedModels),
            "expires_at": .date(expiresAt),
            "revoked_at": .date(revokedAt),
            "managed_by": .nullable(managedBy),
        ])
    }
}
