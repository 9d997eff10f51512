// Enclave core: a web session, as the store keeps it.

public import Foundation

/// A logged-in browser: the user, when it began and was last used, and from where. The store keeps the
/// SHA-256 of the session's secret token (``tokenHash``), never the token itself, which only the
/// browser's cookie carries.
public struct Session: Sendable, Hashable, Identifiable {
    /// A random, non-secret identifier (`ses_` and 16 hex digits), for logs and the audit log.
    public var id: String
    /// The SHA-256 of the secret token.
    public var tokenHash: KeyHash
    /// The user logged in.
    public var userID: String
    /// When the user logged in.
    public var createdAt: Date
    /// When the session last authenticated a request (updated at most once per touch interval).
    public var lastSeenAt: Date
    /// The client address that logged in, if known.
    public var clientAddress: String?

    /// Creates a session record.
    public init(id: String, tokenHash: KeyHash, userID: String, createdAt: Date, lastSeenAt: Date, clientAddress: String? = nil) {
        self.id = id
        self.tokenHash = tokenHash
        self.userID = userID
        self.createdAt = createdAt
        self.lastSeenAt = lastSeenAt
        self.clientAddress = clientAddress
    }

    /// Whether the session has expired at `now`: idle longer than `idleTimeout`, or older than
    /// `absoluteTimeout`, in seconds.
    public func isExpired(at now: Date, idleTimeout: TimeInterval, absoluteTimeout: TimeInterval) -> Bool {
        now.timeIntervalSince(lastSeenAt) >= idleTimeout || now.timeIntervalSince(createdAt) >= absoluteTimeout
    }
}
