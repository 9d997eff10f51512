// Enclave: an API key as it is stored: never the secret, only its hash.

public import Foundation

/// A stored API key. The secret itself is shown once at creation and never stored: only its SHA-256
/// ``KeyHash`` and a short non-secret ``prefix`` for display.
public struct APIKey: Sendable, Hashable, Identifiable {
    /// A random identifier (not secret), used to revoke the key and in logs.
    public var id: String
    /// A unique, human-readable name among the active keys.
    public var name: String
    /// The first characters of the secret (`enc-` and 4 more), enough to recognise a key, not to guess it.
    public var prefix: String
    /// SHA-256 of the secret.
    public var hash: KeyHash
    /// What the key may do.
    public var role: Role
    /// The parts of the server the key may use (an admin key may use all of them whatever this says).
    public var scopes: Set<KeyScope>
    /// When the key was created.
    public var createdAt: Date
    /// When the key last authenticated a request (updated at most once a minute).
    public var lastUsedAt: Date?
    /// When the key was revoked; a revoked key authenticates nothing.
    public var revokedAt: Date?

    /// Creates a key record.
    public init(
        id: String,
        name: String,
        prefix: String,
        hash: KeyHash,
        role: Role,
        scopes: Set<KeyScope> = KeyScope.defaultScopes,
        createdAt: Date,
        lastUsedAt: Date? = nil,
        revokedAt: Date? = nil
    ) {
        self.id = id
        self.name = name
        self.prefix = prefix
        self.hash = hash
        self.role = role
        self.scopes = scopes
        self.createdAt = createdAt
        self.lastUsedAt = lastUsedAt
        self.revokedAt = revokedAt
    }

    /// Whether the key can authenticate.
    public var isActive: Bool { revokedAt == nil }
}
