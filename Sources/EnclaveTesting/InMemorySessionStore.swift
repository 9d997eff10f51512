// Enclave testing: web sessions in memory.

public import EnclaveCore
public import Foundation

/// A ``SessionStore`` kept in memory, with the same behaviour as the SQLite store (the contract suite runs
/// against both), except that it knows no users, so it does not check that a session's user exists.
public actor InMemorySessionStore: SessionStore {
    private var sessionsByID: [String: Session] = [:]

    /// Creates an empty store.
    public init() {}

    public func createSession(_ session: Session) throws {
        if sessionsByID[session.id] != nil || sessionsByID.values.contains(where: { $0.tokenHash == session.tokenHash }) {
            throw SessionStoreError.duplicate(session.id)
        }
        sessionsByID[session.id] = session
    }

    public func session(tokenHash: KeyHash) -> Session? {
        sessionsByID.values.first { $0.tokenHash == tokenHash }
    }

    public func sessions(ofUser userID: String) -> [Session] {
        sessionsByID.values.filter { $0.userID == userID }.sorted { ($0.createdAt, $0.id) < ($1.createdAt, $1.id) }
    }

    public func touchSession(id: String, at date: Date) {
        sessionsByID[id]?.lastSeenAt = date
    }

    public func deleteSession(id: String) {
        sessionsByID[id] = nil
    }

    @discardableResult
    public func deleteSessions(ofUser userID: String) -> Int {
        let before = sessionsByID.count
        sessionsByID = sessionsByID.filter { $0.value.userID != userID }
        return before - sessionsByID.count
    }

    @discardableResult
    public func deleteSessions(lastSeenBefore: Date, createdBefore: Date) -> Int {
        let before = sessionsByID.count
        sessionsByID = sessionsByID.filter { $0.value.lastSeenAt >= lastSeenBefore && $0.value.createdAt >= createdBefore }
        return before - sessionsByID.count
    }
}
