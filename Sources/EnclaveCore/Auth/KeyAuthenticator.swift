// Enclave: turning a presented API key into a principal.

public import Foundation
import Synchronization

/// Authenticates bearer API keys against a ``KeyStore``.
///
/// The presented secret is hashed and looked up by its hash; the stored hash is then compared in constant
/// time. A key's `lastUsedAt` is updated at most once per ``touchInterval``, so authentication does not
/// write to the database on every request. The time comes from an injected ``WallClock``, so tests move it
/// instead of sleeping.
///
/// ```swift
/// let authenticator = KeyAuthenticator(store: store)
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
    }

    /// The store of keys.
    public let store: any KeyStore
    /// The least time between two updates of a key's `lastUsedAt`.
    public let touchInterval: TimeInterval
    /// Where `lastUsedAt` dates come from.
    public let wallClock: any WallClock
    private let lastTouched = Mutex<[String: Date]>([:])

    /// Creates an authenticator.
    /// - Parameters:
    ///   - store: The keys.
    ///   - touchInterval: The least time between two updates of a key's `lastUsedAt`.
    ///   - wallClock: The source of the dates recorded as `lastUsedAt`.
    public init(store: any KeyStore, touchInterval: TimeInterval = 60, wallClock: any WallClock = SystemWallClock()) {
        self.store = store
        self.touchInterval = touchInterval
        self.wallClock = wallClock
    }

    /// The principal of a presented secret.
    /// - Throws: ``Failure`` for a missing, invalid or revoked key; ``KeyStoreError`` if the store fails.
    public func authenticate(secret: String?) async throws -> Principal {
        guard let secret, !secret.isEmpty else { throw Failure.missing }
        guard let presented = APIKeySecret(secret) else { throw Failure.invalid }
        let hash = presented.hash
        guard let key = try await store.find(hash: hash), key.hash == hash else { throw Failure.invalid }
        guard key.isActive else { throw Failure.revoked }
        let now = wallClock.now()
        let due = lastTouched.withLock { touched in
            // A clock that went back (a corrected wall clock) also allows a touch.
            if let last = touched[key.id], now >= last, now.timeIntervalSince(last) < touchInterval { return false }
            touched[key.id] = now
            return true
        }
        if due { try await store.touch(id: key.id, at: now) }
        return Principal(key: key)
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
