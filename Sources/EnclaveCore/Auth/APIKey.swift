// Enclave: an API key as it is stored: never the secret, only its hash.

public import Foundation

/// A stored API key, owned by a ``User``. The secret itself is shown once at creation and never stored:
/// only its SHA-256 ``KeyHash`` and a short non-secret ``prefix`` for display.
///
/// A key can do at most what its owner can: its ``scopes`` and ``allowedModels`` narrow that further.
public struct APIKey: Sendable, Hashable, Identifiable {
    /// A random identifier (not secret), used to revoke the key and in logs.
    public var id: String
    /// A name, unique among the owner's active keys.
    public var name: String
    /// The first characters of the secret (`enc-` and 4 more), enough to recognise a key, not to guess it.
    public var prefix: String
    /// SHA-256 of the secret.
    public var hash: KeyHash
    /// The id of the user who owns the key.
    public var userID: String
    /// The parts of the server the key may use (``KeyScope/admin`` only counts for an admin's key).
    public var scopes: Set<KeyScope>
    /// The models the key may use; `nil` for every model the server serves.
    public var allowedModels: Set<String>?
    /// When the key was created.
    public var createdAt: Date
    /// When the key stops authenticating; `nil` if it does not expire.
    public var expiresAt: Date?
    /// When the key last authenticated a request (updated at most once a minute).
    public var lastUsedAt: Date?
    /// When the key was revoked; a revoked key authenticates nothing.
    public var revokedAt: Date?
    /// The configuration file that declares this key; `nil` if it was made through the API or the CLI.
    public var managedBy: String?

    /// Creates a key record.
    public init(
        id: String,
        name: String,
        prefix: String,
        hash: KeyHash,
        userID: String,
        scopes: Set<KeyScope> = KeyScope.defaultScopes,
        allowedModels: Set<String>? = nil,
        createdAt: Date,
        expiresAt: Date? = nil,
        lastUsedAt: Date? = nil,
        revokedAt: Date? = nil,
        managedBy: String? = nil
    ) {
        self.id = id
        self.name = name
        self.prefix = prefix
        self.hash = hash
        self.userID = userID
        self.scopes = scopes
        self.allowedModels = allowedModels
        self.createdAt = createdAt
        self.expiresAt = expiresAt
        self.lastUsedAt = lastUsedAt
        self.revokedAt = revokedAt
        self.managedBy = managedBy
    }

    /// Whether the key has not been revoked (it may still have expired: see ``isExpired(at:)``).
    public var isActive: Bool { revokedAt == nil }

    /// Whether the key has expired at `date`.
    public func isExpired(at date: Date) -> Bool {
        guard let expiresAt else { return false }
        return date >= expiresAt
    }
}
