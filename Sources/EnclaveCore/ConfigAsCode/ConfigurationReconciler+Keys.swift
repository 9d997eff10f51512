// Enclave: reconciling declared API keys.

import Foundation

extension ConfigurationReconciler {
    /// Revokes the keys this file no longer declares (or whose secret changed), then updates or creates the
    /// declared ones. A declared key is known by its hash: a new secret is a new key.
    func reconcileKeys(
        _ declared: [DeclaredKey],
        existing: Existing,
        userIDs: [String: String],
        changes: inout [ConfigurationChange]
    ) async throws {
        let now = wallClock.now()
        let hashes = Set(declared.map(\.hash))
        for before in existing.keys where before.managedBy == file && before.isActive && !hashes.contains(before.hash) {
            var after = before
            after.revokedAt = now
            try await stores.keys.update(after)
            changes.append(change(.revoked, before: before, after: after))
        }
        for declaration in declared {
            guard let userID = declaration.user == User.builtInAdminName ? User.builtInAdminID : userIDs[declaration.user] else {
                throw ReconciliationError(
                    .invalid,
                    problems: ["the key '\(declaration.name)' declared at \(place(declaration.location)) names an unknown user '\(declaration.user)'"]
                )
            }
            try APIKey.validateName(declaration.name)
            if let before = existing.key(declaration) {
                var after = before
                after.name = declaration.name
                after.userID = userID
                after.scopes = declaration.scopes
                after.allowedModels = declaration.allowedModels
                after.expiresAt = declaration.expiresAt
                after.revokedAt = nil
                after.managedBy = file
                guard after != before else { continue }
                try await stores.keys.update(after)
                changes.append(change(.updated, before: before, after: after))
            } else {
                let key = APIKey(
                    id: RandomIdentifier.make(prefix: "k_"),
                    name: declaration.name,
                    prefix: declaration.prefix,
                    hash: declaration.hash,
                    userID: userID,
                    scopes: declaration.scopes,
                    allowedModels: declaration.allowedModels,
                    createdAt: now,
                    expiresAt: declaration.expiresAt,
                    managedBy: file
                )
                try await stores.keys.create(key)
                changes.append(change(.created, before: nil, after: key))
            }
        }
    }

    private func change(_ action: ConfigurationChange.Action, before: APIKey?, after: APIKey) -> ConfigurationChange {
        ConfigurationChange(
            kind: .key,
            action: action,
            id: after.id,
            name: after.name,
            before: before.map(Self.fields(of:)),
            after: Self.fields(of: after)
        )
    }

    /// The key's fields as a change shows them: its display prefix, never its hash.
    static func fields(of key: APIKey) -> [String: String] {
        let format = Date.ISO8601FormatStyle(timeZone: .gmt)
        return [
            "name": key.name, "user_id": key.userID, "prefix": key.prefix, "scopes": key.scopes.sorted().map(\.rawValue).joined(separator: ","),
            "models": key.allowedModels.map { $0.sorted().joined(separator: ",") } ?? "*",
            "expires": key.expiresAt.map { $0.formatted(format) } ?? "never", "revoked": key.revokedAt.map { $0.formatted(format) } ?? "no",
            "managed_by": key.managedBy ?? "-",
        ]
    }
}
