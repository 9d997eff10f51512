// Enclave: the first admin key.

public import Foundation

/// Creates the built-in admin user, and the first admin key when the store has no keys at all.
public enum AdminKeyBootstrap {
    /// The name of the key created on first start.
    public static let keyName = "admin"

    /// Makes sure the built-in admin user exists; then, if the store has no keys, creates an admin key of that
    /// user (every scope) and returns its secret (to be shown once); otherwise returns `nil`.
    public static func ensureAdminKey(
        in store: any KeyStore,
        identities: any IdentityStore,
        wallClock: any WallClock = SystemWallClock()
    ) async throws -> APIKeySecret? {
        let admin = try await identities.ensureBuiltInAdmin(at: wallClock.now())
        guard try await store.list().isEmpty else { return nil }
        let (key, secret) = try APIKey.issue(name: keyName, userID: admin.id, scopes: KeyScope.adminScopes, at: wallClock.now())
        try await store.create(key)
        return secret
    }
}
