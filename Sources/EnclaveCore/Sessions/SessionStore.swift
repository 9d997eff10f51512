// Enclave core: where web sessions live.

public import Foundation

/// Storage of web sessions, by the hash of their token. Implementations: `SQLiteSessionStore`
/// (EnclaveStorage) and `InMemorySessionStore` (EnclaveTesting); both pass the same contract suite.
///
/// A store never sees a session's token, only its hash; expiry is the caller's rule
/// (``Session/isExpired(at:idleTimeout:absoluteTimeout:)``), purging is ``deleteSessions(lastSeenBefore:createdBefore:)``.
public protocol SessionStore: Sendable {
    /// Stores a new session.
    /// - Throws: ``SessionStoreError`` `duplicate` if the id or the token hash is taken.
    func createSession(_ session: Session) async throws
    /// The session whose token has this hash.
    func session(tokenHash: KeyHash) async throws -> Session?
    /// The user's sessions, oldest first.
    func sessions(ofUser userID: String) async throws -> [Session]
    /// Records that the session authenticated a request at `date`.
    func touchSession(id: String, at date: Date) async throws
    /// Deletes a session (doing nothing if it does not exist).
    func deleteSession(id: String) async throws
    /// Deletes every session of the user (a changed password, a disabled user).
    /// - Returns: How many were deleted.
    @discardableResult
    func deleteSessions(ofUser userID: String) async throws -> Int
    /// Deletes the sessions last seen before `lastSeenBefore` or created before `createdBefore` (expired ones).
    /// - Returns: How many were deleted.
    @discardableResult
    func deleteSessions(lastSeenBefore: Date, createdBefore: Date) async throws -> Int
}
