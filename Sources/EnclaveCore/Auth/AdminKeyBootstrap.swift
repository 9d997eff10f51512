// Enclave: the first admin key.

public import Foundation

/// Creates the first admin key when the store has no keys at all.
public enum AdminKeyBootstrap {
    /// The name of the key created on first start.
    public static let keyName = "admin"

    /// If the store has no keys, creates an admin key and returns its secret (to be shown once);
    /// otherwise returns `nil`.
    public static func ensureAdminKey(in store: any KeyStore, wallClock: any WallClock = SystemWallClock()) async throws -> APIKeySecret? {
        guard try await store.list().isEmpty else { return nil }
        let (key, secret) = try APIKey.issue(name: keyName, role: .admin, at: wallClock.now())
        try await store.create(key)
        return secret
    }
}
