// Enclave: turning a presented API key into a principal.

public import Foundation
import Synchronization

/// Authenticates bearer API keys against a ``KeyStore`` and their owners against an ``IdentityStore``.
///
/// The presented secret is hashed and looked up by its hash; the stored hash is then compared in constant
/// time. A revoked or expired key, or a key of a disabled or missing user, authenticates nothing. A key's
/// `lastUsedAt` and its user's `lastSeenAt` are updated at most once per ``touchInterval``, so
/// authentication does not write to the database on every request. The time comes from an injected ``WallClock``, so tests move it
/// instead of sleeping.
///
/// ```swift
/// let authenticator = KeyAuthenticator(store: keys, identities: identities)
/// let principal = try await authenticator.authenticate(secret: "enc-...")
/// ```
public final class KeyAuthenticator: Sendable {
    /// Why a key was refused.
    public enum Failure: Error, Sendable, Hashable {
        /// No key was presented.
        case missing
        /// The key is not an Enclave key or is unknown.
        case invalid
        /// The key was revoked.
        case revoked
        /// The key has expired.
        case expired
        /// The key's user is disabled (or no longer exists).
        case disabled
    }

    /// The store of keys.
    public let store: any KeyStore
    /// The store of the keys' users and their teams.
    public let identities: any IdentityStore
    /// The least time between two updates of a key's `lastUsedAt`.
    public let touchInterval: TimeInterval
    /// Where `lastUsedAt` dates come from.
    public let wallClock: any WallClock
    private let lastTouched = Mutex<[String: Date]>([:])

    /// Creates an authenticator.
    /// - Parameters:
    ///   - store: The keys.
    ///   - identities: The keys' owners and their teams.
    ///   - touchInterval: The least time between two updates of a key's `lastUsedAt`.
    ///   - wallClock: The source of the dates recorded as `lastUsedAt`.
    public init(
        store: any KeyStore,
        identities: any IdentityStore,
        touchInterval: TimeInterval = 60,
        wallClock: any WallClock = SystemWallClock()
    ) {
        self.store = store
        self.identities = identities
        self.touchInterval = touchInterval
        self.wallClock = wallClock
    }

    /// The principal of a presented secret.
    /// - Throws: ``Failure`` for a missing, invalid, revoked or expired key or a disabled user;
    ///   ``KeyStoreError`` or ``IdentityStoreError`` if a store fails.
    public func authenticate(secret: String?) async throws -> Principal {
        guard let secret, !secret.isEmpty else { throw Failure.missing }
        guard let presented = APIKeySecret(secret) else { throw Failure.invalid }
        let hash = presented.hash
        guard let key = try await store.find(hash: hash), key.hash == hash else { throw Failure.invalid }
        guard key.isActive else { throw Failure.revoked }
        let now = wallClock.now()
        guard !key.isExpired(at: now) else { throw Failure.expired }
        guard let user = try await identities.user(id: key.userID), !user.isDisabled else { throw Failure.disabled }
        let due = lastTouched.withLock { touched in
            // A clock that went back (a corrected wall clock) also allows a touch.
            if let last = touched[key.id], now >= last, now.timeIntervalSince(last) < touchInterval { return false }
            touched[key.id] = now
            return true
        }
        if due {
            try await store.touch(id: key.id, at: now)
            try await identities.touchUser(id: user.id, at: now)
        }
        return Principal(user: user, teams: try await identities.teams(ofUser: user.id), key: key)
    }

    /// The secret of an `Authorization: Bearer <secret>` header value; `nil` if it is absent or another scheme.
    public static func bearerSecret(fromAuthorization header: String?) -> String? {
        guard let header else { return nil }
        let parts = header.split(separator: " ", maxSplits: 1, omittingEmptySubsequences: true)
        guard parts.count == 2, parts[0].lowercased() == "bearer" else { return nil }
        let secret = parts[1].trimmingCharacters(in: .whitespaces)
        return secret.isEmpty ? nil : secret
    }
}
